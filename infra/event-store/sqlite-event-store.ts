/**
 * The embedded event store: one SQLite file in WAL mode. Every append is one IMMEDIATE transaction, so the
 * revision check and the insert happen under SQLite's single write lock, across threads and processes alike.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { IdempotencyConflict, WrongExpectedVersion } from '../../domain/event-store/errors.js';
import type { EventMetadata, JsonObject, NewEvent, Position, RecordedEvent } from '../../domain/event-store/event.js';
import type {
  AllFilter,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from '../../domain/event-store/port.js';
import {
  type CheckedAppend,
  checkAppend,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamId,
  checkSubscribeOptions,
  DEFAULT_READ_ALL_COUNT,
} from '../../domain/event-store/validation.js';
import { catchUpSubscription, type Page } from './catch-up-subscription.js';
import { ChangeSignal } from './change-signal.js';
import { LONG_TEXT_BYTES, utf8Text } from './utf8-text.js';

export interface SqliteEventStoreOptions {
  /** `FULL` (default): an acknowledged append survives power loss. `NORMAL`: survives a crash of the process only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** How often a waiting subscription looks for appends made by other processes. */
  pollIntervalMs?: number;
  /** How long a writer waits for another process's write lock before giving up. */
  busyTimeoutMs?: number;
}

/** The log table; exported so the benchmark baseline writes to an identical one. */
// `position` is the rowid: rows are never deleted, so SQLite always hands out max+1 and the order is the commit order
// (one writer at a time). AUTOINCREMENT would only add a write to sqlite_sequence on every insert. The triggers are
// defence in depth (R-SEC-1): whoever holds the file can drop them, which the audit log's tree then shows.
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  id          TEXT    NOT NULL UNIQUE,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
CREATE TRIGGER IF NOT EXISTS events_are_never_changed BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only: an event is never changed'); END;
CREATE TRIGGER IF NOT EXISTS events_are_never_deleted BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'the event log is append-only: an event is never deleted'); END;`;

// Long `data` (a resource's body is long Chinese text, which V8 decodes slowly) comes as bytes, decoded by utf8Text;
// short data comes as text, without a buffer made only to be decoded.
const DATA = `iif(octet_length(data) < ${LONG_TEXT_BYTES}, data, CAST(data AS BLOB))`;
const COLUMNS = `position, stream, revision, id, type, ${DATA}, metadata, recorded_at`;
// A bare `LIMIT ?` costs about 10 µs per query here (measured: 0.8 µs with the cast); every LIMIT casts its parameter.
/** Beyond any revision a stream can reach: reading from `end`. */
const LAST = Number.MAX_SAFE_INTEGER;

type Row = [number, string, number, string, string, string | Buffer, string, string];

function toEvent(row: Row): RecordedEvent {
  return {
    position: row[0],
    streamId: row[1],
    revision: row[2],
    id: row[3],
    type: row[4],
    data: JSON.parse(typeof row[5] === 'string' ? row[5] : utf8Text(row[5])) as JsonObject,
    metadata: JSON.parse(row[6]) as EventMetadata,
    recordedAt: row[7],
  };
}

interface PendingAppend {
  append: CheckedAppend;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

interface Outcome {
  result?: AppendResult;
  error?: unknown;
}

/** Raised inside the write transaction to roll it back when an event id is already in the log. */
class DuplicateEventId extends Error {}

function satisfies(expected: ExpectedRevision, current: number | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  if (expected === 'stream_exists') return current !== null;
  return current === expected;
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly signal: ChangeSignal;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly filteredReads = new Map<string, Database.Statement>();
  private pending: PendingAppend[] = [];
  private readonly commitBatch: (batch: PendingAppend[], outcomes: Outcome[], recordedAt: string) => void;
  /** Transactions committed by appends: fewer than appends when concurrent writers shared a commit. */
  commits = 0;
  private readonly inSnapshot: (read: () => Page) => Page;

  constructor(
    readonly filename: string,
    options: SqliteEventStoreOptions = {},
  ) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename, { timeout: options.busyTimeoutMs ?? 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.exec(SCHEMA);
    const db = this.db;
    this.statements = {
      revision: db.prepare<[string], number | null>('SELECT max(revision) FROM events WHERE stream = ?').pluck(),
      byId: db.prepare<[string], { stream: string; revision: number; position: number }>(
        'SELECT stream, revision, position FROM events WHERE id = ?',
      ),
      insert: db.prepare(
        'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      forwards: db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT CAST(? AS INTEGER)`,
        )
        .raw(),
      backwards: db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT CAST(? AS INTEGER)`,
        )
        .raw(),
      head: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
    };
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.signal = new ChangeSignal(() => dataVersion.get(), options.pollIntervalMs ?? 25);
    // Nested inside commitBatch's transaction, better-sqlite3 runs this one as a savepoint.
    const appendOne = db.transaction((append: CheckedAppend, recordedAt: string) =>
      this.appendLocked(append, recordedAt),
    );
    this.commitBatch = db.transaction((batch: PendingAppend[], outcomes: Outcome[], recordedAt: string) => {
      batch.forEach((request, i) => {
        try {
          outcomes[i]!.result = appendOne(request.append, recordedAt);
        } catch (error) {
          outcomes[i]!.error = error;
        }
      });
    }).immediate;
    this.inSnapshot = db.transaction((read: () => Page) => read());
  }

  async append(streamId: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }) {
    const append = checkAppend(streamId, events, options);
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ append, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.commitPending());
    });
  }

  /**
   * Group commit: every append requested during one turn of the event loop is written in one transaction, each in
   * a savepoint of its own (so one refusal leaves the others alone), and acknowledged after the single fsync. A lone
   * writer pays one event-loop turn; concurrent commands share the cost of making their writes durable.
   */
  private commitPending(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const outcomes: Outcome[] = batch.map(() => ({}));
    try {
      this.commitBatch(batch, outcomes, new Date().toISOString());
      this.commits++;
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    let wrote = false;
    batch.forEach((request, i) => {
      const { result, error } = outcomes[i]!;
      if (result) {
        wrote = true;
        request.resolve(result);
      } else if (error instanceof DuplicateEventId) {
        try {
          request.resolve(this.repeatedAppend(request.append));
        } catch (refusal) {
          request.reject(refusal);
        }
      } else {
        request.reject(error);
      }
    });
    if (wrote) this.signal.notify();
  }

  private appendLocked(append: CheckedAppend, recordedAt: string): AppendResult {
    const { streamId, expectedRevision, events } = append;
    const current = this.statements.revision.get(streamId) ?? null;
    if (!satisfies(expectedRevision, current)) {
      // A writer retrying after a lost acknowledgement sees the stream moved on by its own events.
      if (this.statements.byId.get(events[0]!.id)) throw new DuplicateEventId();
      throw new WrongExpectedVersion(streamId, expectedRevision, current ?? 'no_stream');
    }
    let revision = current ?? -1;
    let position = 0;
    try {
      for (const event of events) {
        revision++;
        const info = this.statements.insert.run(
          streamId,
          revision,
          event.id,
          event.type,
          event.data,
          event.metadata,
          recordedAt,
        );
        position = Number(info.lastInsertRowid);
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /events\.id/.test(String(error))) {
        throw new DuplicateEventId();
      }
      throw error;
    }
    return { nextExpectedRevision: revision, position };
  }

  /**
   * Some event id is already in the log. It is a retry, and succeeds without writing, only if every id is there,
   * in this stream, in this order, right where the expectation puts them; a partial repeat is refused.
   */
  private repeatedAppend(append: CheckedAppend): AppendResult {
    const { streamId, expectedRevision, events } = append;
    const found = events.map((e) => this.statements.byId.get(e.id));
    const ids = events.map((e) => e.id);
    const first = found[0];
    const inPlace =
      first !== undefined &&
      found.every((row, i) => row !== undefined && row.stream === streamId && row.revision === first.revision + i);
    if (!inPlace) throw new IdempotencyConflict(streamId, ids);
    const expectedFirst =
      expectedRevision === 'any' || expectedRevision === 'stream_exists'
        ? first.revision
        : expectedRevision === 'no_stream'
          ? 0
          : expectedRevision + 1;
    if (first.revision !== expectedFirst) {
      throw new WrongExpectedVersion(streamId, expectedRevision, this.statements.revision.get(streamId) ?? 'no_stream');
    }
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const id = checkStreamId(streamId);
    const {
      direction = 'forwards',
      fromRevision,
      maxCount = Number.MAX_SAFE_INTEGER,
    } = checkReadStreamOptions(options);
    const rows =
      direction === 'forwards'
        ? this.statements.forwards.all(
            id,
            fromRevision === 'end' ? LAST : fromRevision === 'start' ? 0 : (fromRevision ?? 0),
            maxCount,
          )
        : this.statements.backwards.all(
            id,
            fromRevision === 'start' ? 0 : fromRevision === 'end' ? LAST : (fromRevision ?? LAST),
            maxCount,
          );
    return (rows as Row[]).map(toEvent);
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, maxCount = DEFAULT_READ_ALL_COUNT, filter } = checkReadAllOptions(options);
    return this.readPage(after, maxCount, filter).events;
  }

  /**
   * One page of `$all`. A short filtered page is read in one snapshot with the head position, so `scannedTo` can
   * move past the events that did not match without skipping one another process committed meanwhile.
   */
  private readPage(after: Position | undefined, maxCount: number, filter: AllFilter | undefined): Page {
    const statement = this.filteredRead(filter);
    const parameters: unknown[] = [after ?? -1];
    for (const prefix of filter?.streamPrefixes ?? []) parameters.push(prefix, prefix);
    parameters.push(...(filter?.eventTypes ?? []), maxCount);
    const read = (): Page => {
      const events: RecordedEvent[] = [];
      for (const row of statement.iterate(...parameters) as IterableIterator<Row>) events.push(toEvent(row));
      const last = events[events.length - 1]?.position ?? after;
      if (!filter || events.length === maxCount) return { events, scannedTo: last };
      return { events, scannedTo: this.statements.head.get() ?? last };
    };
    return filter ? this.inSnapshot(read) : read();
  }

  private filteredRead(filter: AllFilter | undefined): Database.Statement {
    const prefixes = filter?.streamPrefixes?.length ?? 0;
    const types = filter?.eventTypes?.length ?? 0;
    const key = `${prefixes}:${types}`;
    let statement = this.filteredReads.get(key);
    if (!statement) {
      const where = ['position > ?'];
      if (prefixes) where.push(`(${Array(prefixes).fill('substr(stream, 1, length(?)) = ?').join(' OR ')})`);
      if (types) where.push(`type IN (${Array(types).fill('?').join(', ')})`);
      statement = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY position LIMIT CAST(? AS INTEGER)`,
        )
        .raw();
      this.filteredReads.set(key, statement);
    }
    return statement;
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const { after, filter } = checkSubscribeOptions(options);
    const start = after === 'end' ? (this.statements.head.get() ?? undefined) : after;
    const subscription = catchUpSubscription((from) => this.readPage(from, 512, filter), start, this.signal);
    this.subscriptions.add(subscription);
    const close = subscription.close.bind(subscription);
    subscription.close = async () => {
      this.subscriptions.delete(subscription);
      await close();
    };
    return subscription;
  }

  async streamRevision(streamId: string): Promise<number | null> {
    return this.statements.revision.get(checkStreamId(streamId)) ?? null;
  }

  async headPosition(): Promise<Position | null> {
    return this.statements.head.get() ?? null;
  }

  async close(): Promise<void> {
    // Appends already requested are written, not dropped: their callers are waiting for an answer.
    if (this.pending.length > 0) this.commitPending();
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.signal.close();
    this.db.close();
  }
}

/** The store file inside the data directory. */
export function openSqliteEventStore(dataDir: string, options?: SqliteEventStoreOptions): SqliteEventStore {
  return new SqliteEventStore(`${dataDir}/events.sqlite`, options);
}
