/**
 * Command handling: read the stream, fold it, decide, append with the revision that was read; when another writer
 * got there first (WrongExpectedVersion), do it all again on the fresh state, as often as the retry policy allows.
 * The events' metadata names the actor and the role the decision says they acted in.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { WrongExpectedVersion } from '../event-store/errors.js';
import type { EventMetadata, EventSource, JsonObject, NewEvent, RecordedEvent } from '../event-store/event.js';
import type { EventStore } from '../event-store/port.js';
import type { Decider, DomainEvent } from './decider.js';
import { DomainError } from './domain-error.js';
import type { StateCache } from './state-cache.js';
import { backoffMs, isTransientError } from './transient-error.js';

/**
 * How often a command is tried against a stream that keeps changing under it, and how often a store that says "try
 * again" (busy, out of reach) is asked again before the command gives up (Emmett's retry policy as data).
 */
export interface RetryPolicy {
  maxAttempts: number;
  /** Attempts of one read or append that fail with a transient error, with backoff between them. */
  transientAttempts: number;
}
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, transientAttempts: 6 };

/** Transient errors met and waited out by commands in this process, for the metrics. */
export const transientRetries = { count: 0 };

/**
 * Runs `work` again after a transient error, up to `attempts` times in all. An append retried this way carries the
 * same event ids at the same expected revision, so if the first try was committed after all, the store answers the
 * repeat as the idempotent success it is.
 */
async function withTransientRetries<T>(attempts: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientError(error) || attempt >= attempts) throw error;
      transientRetries.count++;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}

/** Who and when, from the caller (the API, a CLI, the ingest); time never comes from a clock inside the domain. */
export interface CommandMeta {
  actorId: string;
  /** The platform itself acting (bootstrap, demo data, migrations). Set only by trusted callers, never from a request. */
  system?: boolean;
  occurredAt: string;
  correlationId?: string;
  causationId?: string;
  source?: EventSource;
  /**
   * The client's key for this request (`Idempotency-Key`): a repeat by the same actor with the same key returns the
   * first outcome, for as long as the stream exists. Set together with `command`, the command's type.
   */
  idempotencyKey?: string;
  command?: string;
}

/** An aggregate as the handler needs it: its decider, and how its stored events are checked and read. */
export interface Aggregate<State, Command, Event extends DomainEvent> {
  decider: Decider<State, Command, Event>;
  /** Data schema per event type: events are checked before they are written and parsed when they are read. */
  eventSchemas: Record<string, z.ZodType>;
  /** Read only this many of the stream's last events: for deciders whose state is given by the latest ones. */
  tail?: number;
}

export interface Handled<State, Event> {
  events: Event[];
  /** The role the decision says the actor acted in. */
  role: string;
  state: State;
  /** Revision of the stream after the command; null if it still does not exist. */
  revision: number | null;
  position: number | null;
}

/** Parses a stored event into a domain event; unknown types mean a newer writer, so they are an error, not a skip. */
export function toDomainEvent<Event extends DomainEvent>(
  recorded: RecordedEvent,
  schemas: Record<string, z.ZodType>,
): Event {
  const schema = schemas[recorded.type];
  if (!schema) throw new Error(`event ${recorded.id} in ${recorded.streamId} has unknown type ${recorded.type}`);
  return { type: recorded.type, data: schema.parse(recorded.data) } as Event;
}

export async function readState<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  aggregate: Aggregate<State, Command, Event>,
  cache?: StateCache,
): Promise<{ state: State; revision: number | null }> {
  if (aggregate.tail) {
    const tail = (await store.readStream(streamId, { direction: 'backwards', maxCount: aggregate.tail })).reverse();
    return fold(aggregate, aggregate.decider.initialState(), null, tail);
  }
  const cached = cache?.get<State>(streamId);
  const recorded = await store.readStream(streamId, cached ? { fromRevision: cached.revision + 1 } : undefined);
  const result = fold(
    aggregate,
    cached ? cached.state : aggregate.decider.initialState(),
    cached?.revision ?? null,
    recorded,
  );
  if (cache && result.revision !== null && recorded.length > 0) cache.set(streamId, result.state, result.revision);
  return result;
}

function fold<State, Command, Event extends DomainEvent>(
  aggregate: Aggregate<State, Command, Event>,
  initial: State,
  revision: number | null,
  recorded: RecordedEvent[],
): { state: State; revision: number | null } {
  let state = initial;
  for (const event of recorded)
    state = aggregate.decider.evolve(state, toDomainEvent<Event>(event, aggregate.eventSchemas));
  return { state, revision: recorded.length === 0 ? revision : recorded[recorded.length - 1]!.revision };
}

export interface HandleOptions<State, Command> {
  meta: CommandMeta;
  cache?: StateCache;
  retry?: RetryPolicy;
  /** Builds the command from the state just read; called again on every attempt, so context it reads is fresh. */
  command: (state: State) => Command | Promise<Command>;
  /** The site the change belongs to, for the event metadata. */
  siteId: (state: State) => string | null;
}

/** The value events keep of a request's idempotency key: the command's type with the client's key. */
export function storedIdempotencyKey(meta: CommandMeta): string | undefined {
  return meta.idempotencyKey === undefined ? undefined : `${meta.command ?? 'command'}/${meta.idempotencyKey}`;
}

/**
 * The outcome an earlier request by the same actor with the same idempotency key recorded on this stream, or null:
 * its events, and the state and revision right after them. The same key with another command is refused.
 */
async function earlierOutcome<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  aggregate: Aggregate<State, Command, Event>,
  meta: CommandMeta,
): Promise<Handled<State, Event> | null> {
  const stored = storedIdempotencyKey(meta);
  if (stored === undefined) return null;
  const recorded = await store.readStream(streamId);
  const mine = (e: RecordedEvent) => e.metadata.actorId === meta.actorId && e.metadata.idempotencyKey !== undefined;
  const matching = recorded.filter((e) => mine(e) && e.metadata.idempotencyKey === stored);
  if (matching.length === 0) {
    const reused = recorded.find((e) => mine(e) && e.metadata.idempotencyKey!.endsWith(`/${meta.idempotencyKey}`));
    if (reused)
      throw new DomainError(
        'CONFLICT',
        'IDEMPOTENCY_KEY_REUSED',
        `幂等键 ${meta.idempotencyKey} 已用于另一命令 ${reused.metadata.idempotencyKey!.split('/')[0]}`,
        `idempotency key ${meta.idempotencyKey} was used for another command, ${reused.metadata.idempotencyKey!.split('/')[0]}`,
        [{ path: 'Idempotency-Key', message: 'already used for another command' }],
      );
    return null;
  }
  const last = matching[matching.length - 1]!;
  const { state } = fold(aggregate, aggregate.decider.initialState(), null, recorded.slice(0, last.revision + 1));
  return {
    events: matching.map((e) => toDomainEvent<Event>(e, aggregate.eventSchemas)),
    role: last.metadata.actorRole,
    state,
    revision: last.revision,
    position: last.position,
  };
}

const NOT_PLAIN = Symbol('not plain JSON data');

/**
 * `value` as JSON carries it, without a round trip through JSON text where it is plain data already (strings,
 * finite numbers, booleans, null, arrays and plain objects): optional fields a schema left undefined are dropped
 * (copying only the objects that hold one), which the store needs, since it refuses undefined as not JSON.
 */
function plainJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object': {
      if (value === null) return value;
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          // JSON writes undefined in a list as null: the round trip's business.
          const checked = item === undefined ? NOT_PLAIN : plainJson(item);
          if (checked === NOT_PLAIN) return NOT_PLAIN;
          if (checked !== item) {
            copy ??= value.slice();
            copy[i] = checked;
          }
        }
        return copy ?? value;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return NOT_PLAIN;
      const record = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(record)) {
        if (key === '__proto__') return NOT_PLAIN;
        const item = record[key];
        if (item === undefined) {
          copy ??= { ...record };
          delete copy[key];
          continue;
        }
        const checked = plainJson(item);
        if (checked === NOT_PLAIN) return NOT_PLAIN;
        if (checked !== item) {
          copy ??= { ...record };
          copy[key] = checked;
        }
      }
      return copy ?? value;
    }
    default:
      return NOT_PLAIN;
  }
}

function asJson(value: unknown): unknown {
  const plain = plainJson(value);
  return plain === NOT_PLAIN ? JSON.parse(JSON.stringify(value)) : plain;
}

export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  aggregate: Aggregate<State, Command, Event>,
  options: HandleOptions<State, Command>,
): Promise<Handled<State, Event>> {
  const correlationId = options.meta.correlationId ?? randomUUID();
  const { maxAttempts, transientAttempts } = { ...DEFAULT_RETRY, ...options.retry };
  const earlier = await withTransientRetries(transientAttempts, () =>
    earlierOutcome(store, streamId, aggregate, options.meta),
  );
  if (earlier) return earlier;
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await withTransientRetries(transientAttempts, () =>
      readState(store, streamId, aggregate, options.cache),
    );
    const command = await options.command(state);
    const { events, role } = aggregate.decider.decide(command, state);
    if (events.length === 0) return { events, role, state, revision, position: null };
    const metadata: EventMetadata = {
      actorId: options.meta.actorId,
      actorRole: role,
      siteId: options.siteId(state),
      correlationId,
      causationId: options.meta.causationId ?? null,
      occurredAt: options.meta.occurredAt,
      schemaVersion: 1,
      ...(options.meta.source ? { source: options.meta.source } : {}),
      ...(options.meta.idempotencyKey !== undefined ? { idempotencyKey: storedIdempotencyKey(options.meta) } : {}),
    };
    const newEvents: NewEvent[] = events.map((event) => ({
      id: randomUUID(),
      type: event.type,
      // Checked on the way in as well as on the way out: a decider bug must not reach the log.
      data: asJson(aggregate.eventSchemas[event.type]!.parse(event.data)) as JsonObject,
      metadata,
    }));
    try {
      const result = await withTransientRetries(transientAttempts, () =>
        store.append(streamId, newEvents, { expectedRevision: revision ?? 'no_stream' }),
      );
      const next = events.reduce(aggregate.decider.evolve, state);
      if (!aggregate.tail) options.cache?.set(streamId, next, result.nextExpectedRevision);
      return { events, role, state: next, revision: result.nextExpectedRevision, position: result.position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersion)) throw error;
      if (attempt >= maxAttempts) {
        throw new DomainError(
          'CONFLICT',
          'CONCURRENCY_CONFLICT',
          `${streamId} 正被频繁修改，请稍后重试`,
          `${streamId} kept changing under ${maxAttempts} attempts; try again`,
        );
      }
    }
  }
}
