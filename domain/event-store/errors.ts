import type { ExpectedRevision } from './port.js';

/** Base of every error an event store raises on purpose; `code` is stable and safe to show to API clients. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not where the writer expected it: another write got there first. Retry by reading again. */
export class WrongExpectedVersion extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

export interface InputIssue {
  path: string;
  message: string;
}

/** The call itself was malformed (empty stream name, negative revision, data that is not JSON, unknown filter…); nothing was written. */
export class InvalidEventStoreInput extends EventStoreError {
  readonly code = 'INVALID_EVENT_STORE_INPUT';
  readonly category = 'BAD_USER_INPUT';
  constructor(readonly issues: InputIssue[]) {
    super(
      `invalid event store input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
    );
    this.name = 'InvalidEventStoreInput';
  }
}

/**
 * Some, but not all, of the event ids of an append are already in the log, or they are there in another stream or order:
 * the append is neither new nor a retry of an earlier one, so it is refused rather than half-applied.
 */
export class IdempotencyConflict extends EventStoreError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(`stream ${streamId}: the append partly repeats events already written (${eventIds.join(', ')})`);
    this.name = 'IdempotencyConflict';
  }
}
