/**
 * A command as a module: everything the platform needs to run it, declared in one place beside its aggregate.
 *
 * - A *stream command* targets one stream: its input schema, the stream, the context it loads from other streams
 *   (read fresh for every attempt), the site its events belong to, and whether API keys granted drafting may issue
 *   it. The platform validates, reads the actor, loads, decides, appends and retries; the decider says who may.
 * - A *process* spans streams (a site and its uniqueness claims; a recall of many deliveries): it validates its
 *   input and runs stream commands through the environment, in an order it names and tests as a process.
 *
 * The registry (`domain/command-registry.ts`) maps each command type to its module; `Platform.execute` takes the
 * type, and the input and result types follow from the module.
 */
import type { z } from 'zod';
import type { Actor } from './actor.js';
import type { AggregateReader } from './aggregate-reader.js';
import type { Aggregate, CommandMeta, Handled, RetryPolicy } from './command-handler.js';
import type { DomainEvent } from './decider.js';
import { DomainError } from './domain-error.js';
import { wellFormedText } from './well-formed-text.js';

/** What a module may use while it runs. */
export interface CommandEnvironment {
  reader: AggregateReader;
  /** Runs a stream command (processes compose them). */
  run<Schema extends z.ZodType, State, Command, Event extends DomainEvent, Context>(
    module: StreamCommand<Schema, State, Command, Event, Context>,
    input: z.output<Schema>,
    meta: CommandMeta,
  ): Promise<Handled<State, Event>>;
  /** Services a module needs beyond reading streams (index-number allocation). */
  services: CommandServices;
}

/** Long-lived helpers modules share; declared here, provided by the platform. */
export interface CommandServices {
  indexNumbers: IndexNumbers;
}

export interface IndexNumbers {
  /** The index number a first publication of `resourceId` by `publisherCode` gets, in the year of `occurredAt`. */
  assign(resourceId: string, publisherCode: string, meta: CommandMeta): Promise<string>;
  /**
   * Records that a migrated `resourceId` keeps the well-formed old `indexNumber` (R-LIB-4), so that its sequence never
   * hands the number out; `taken` when the sequence already gave it to another resource.
   */
  keep(resourceId: string, indexNumber: string, meta: CommandMeta): Promise<'kept' | 'taken'>;
}

export interface StreamCommand<Schema extends z.ZodType, State, Command, Event extends DomainEvent, Context>
  extends StreamCommandDefinition<Schema, State, Command, Event, Context> {
  kind: 'stream';
}

export interface StreamCommandDefinition<Schema extends z.ZodType, State, Command, Event extends DomainEvent, Context> {
  input: Schema;
  aggregate: Aggregate<State, Command, Event>;
  stream: (input: z.output<Schema>) => string;
  /** API keys granted drafting may issue it (they feed the review, never take a step of it: R-REVIEW-1). */
  machines?: boolean;
  /** What the decision needs of other streams, read for each attempt. */
  context?: (
    input: z.output<Schema>,
    state: State,
    environment: CommandEnvironment,
    meta: CommandMeta,
  ) => Promise<Context>;
  /** The command the decider takes. */
  command: (input: z.output<Schema>, actor: Actor, context: Context | undefined) => NoInfer<Command>;
  /** The site the events belong to, for their metadata. */
  siteId: (input: z.output<Schema>, state: State, context: Context | undefined) => string | null;
  retry?: RetryPolicy;
}

export interface ProcessCommand<Schema extends z.ZodType, Result> {
  kind: 'process';
  input: Schema;
  run: (input: z.output<Schema>, meta: CommandMeta, environment: CommandEnvironment) => Promise<Result>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds modules of every input, state and event type.
export type AnyCommandModule = StreamCommand<z.ZodType, any, any, any, any> | ProcessCommand<z.ZodType, any>;

export function streamCommand<Schema extends z.ZodType, State, Command, Event extends DomainEvent, Context = undefined>(
  module: StreamCommandDefinition<Schema, State, Command, Event, Context>,
): StreamCommand<Schema, State, Command, Event, Context> {
  return { kind: 'stream', ...module };
}

export function processCommand<Schema extends z.ZodType, Result>(
  module: Omit<ProcessCommand<Schema, Result>, 'kind'>,
): ProcessCommand<Schema, Result> {
  return { kind: 'process', ...module };
}

/** The input a module's schema accepts and the result it gives, for callers of `execute`. */
export type ModuleInput<M extends AnyCommandModule> = z.input<M['input']>;
export type ModuleResult<M extends AnyCommandModule> =
  M extends StreamCommand<z.ZodType, infer State, infer _Command, infer Event, infer _Context>
    ? Handled<State, Event>
    : M extends ProcessCommand<z.ZodType, infer Result>
      ? Result
      : never;

/**
 * Checks input with its schema; a bad one is a BAD_USER_INPUT naming each field, and nothing is written. Its text is
 * checked first, and normalised (well-formed-text.ts): text that is not well-formed is an INVALID_TEXT naming each
 * field.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const text = wellFormedText(input);
  if (text.problems.length > 0)
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_TEXT',
      `文本含有不允许的字符：${text.problems.map((p) => p.path || '(整体)').join('、')}`,
      `text that is not well-formed: ${text.problems.map((p) => `${p.path || '(input)'}: ${p.message}`).join('; ')}`,
      text.problems,
    );
  const result = schema.safeParse(text.value);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new DomainError(
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
    `输入有误：${details.map((d) => `${d.path || '(整体)'} ${d.message}`).join('；')}`,
    `invalid input: ${details.map((d) => `${d.path || '(input)'}: ${d.message}`).join('; ')}`,
    details,
  );
}
