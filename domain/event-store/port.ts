import type { NewEvent, Position, RecordedEvent } from './event.js';

/**
 * What an append may assume about the stream, as KurrentDB names it:
 * - `any`: no check;
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: it must have at least one event;
 * - a number: its last event must be exactly that revision (the first event is 0).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append: pass it as the next exact expectation. */
  nextExpectedRevision: number;
  /** Position of the last event of this append. */
  position: Position;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first event going forwards and to the last going backwards. */
  fromRevision?: number | 'start' | 'end';
  maxCount?: number;
}

/** Selects events of `$all`: by stream name prefix (a category is `resource-`), by event type, or both (both must match). */
export interface AllFilter {
  streamPrefixes?: string[];
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: the position of the last event the reader already has (a checkpoint). Omitted: from the start. */
  after?: Position;
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Exclusive, like `ReadAllOptions.after`; `'end'` skips history and delivers only what is appended from now on. */
  after?: Position | 'end';
  filter?: AllFilter;
}

/**
 * A catch-up subscription: it delivers history after the given position, then live events, in position order,
 * each exactly once. Iterating pulls, so a slow consumer slows the reads instead of piling events in memory.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Revision of the stream's last event, or null when the stream does not exist. */
  streamRevision(streamId: string): Promise<number | null>;
  /** Position of the newest event in the log, or null for an empty log; projection lag is measured against it. */
  headPosition(): Promise<Position | null>;
  close(): Promise<void>;
}
