/**
 * The platform's write side: `execute(type, input, meta)` takes any command of the registry, checks its input with
 * the module's schema, reads the actor as their Person stream says now (R-PEOPLE-2) and the context the module
 * names, and lets the decider decide; the handler appends and retries. Callers (GraphQL, CLI, ingest) authenticate;
 * the deciders check what the actor may do. `reader` answers what a stream's state is now.
 */

import type { z } from 'zod';
import { COMMANDS, type CommandInput, type CommandResult, type CommandType } from './command-registry.js';
import type { EventStore } from './event-store/port.js';
import { IndexNumberAllocator } from './resource/index-number-allocation.js';
import { AggregateReader } from './shared/aggregate-reader.js';
import { type CommandMeta, type Handled, handleCommand } from './shared/command-handler.js';
import {
  type AnyCommandModule,
  type CommandEnvironment,
  parseInput,
  type StreamCommand,
} from './shared/command-module.js';
import type { DomainEvent } from './shared/decider.js';

export class Platform {
  readonly reader: AggregateReader;
  private readonly environment: CommandEnvironment;

  constructor(private readonly store: EventStore) {
    this.reader = new AggregateReader(store);
    this.environment = {
      reader: this.reader,
      run: (module, input, meta) => this.runStream(module, input, meta),
      services: { indexNumbers: new IndexNumberAllocator(store, this.reader.cache) },
    };
  }

  /** Runs the command of `type`; bad input is a BAD_USER_INPUT naming each field, and nothing is written. */
  async execute<T extends CommandType>(type: T, input: CommandInput<T>, meta: CommandMeta): Promise<CommandResult<T>> {
    const module: AnyCommandModule = COMMANDS[type];
    const data = parseInput(module.input, input);
    // A key names one command: every stream the command writes keeps it with the command's type.
    const keyed = meta.idempotencyKey === undefined ? meta : { ...meta, command: type };
    const result =
      module.kind === 'stream'
        ? await this.runStream(module, data, keyed)
        : await module.run(data, keyed, this.environment);
    // The registry's entry for `type` is the module just run: its result is the command's result.
    return result as CommandResult<T>;
  }

  private runStream<Input, State, Command, Event extends DomainEvent, Context>(
    module: StreamCommand<z.ZodType<Input>, State, Command, Event, Context>,
    input: Input,
    meta: CommandMeta,
  ): Promise<Handled<State, Event>> {
    let context: Context | undefined;
    return handleCommand(this.store, module.stream(input), module.aggregate, {
      meta,
      cache: this.reader.cache,
      retry: module.retry,
      command: async (state) => {
        const actor = await this.reader.actor(meta, module.machines ?? false);
        context = module.context ? await module.context(input, state, this.environment, meta) : undefined;
        return module.command(input, actor, context);
      },
      siteId: (state) => module.siteId(input, state, context),
    });
  }
}
