/**
 * The embedded feed: a durable log of messages per topic in one SQLite file (`feed.sqlite` under DATA_DIR), with
 * Kafka's offsets and consumer groups, for one machine. It is served over HTTP (graphql/feed/feed-routes.ts) for the
 * province's consumers, who read from an offset and wait for what comes next.
 *
 * One partition per topic (partition 0): every message of a topic is in one order, which keeps every key's order too.
 * A publish is written in an IMMEDIATE transaction with `synchronous=FULL`, on the feed's writer thread
 * (feed-writer.ts): acknowledged means it survives power loss, the embedded counterpart of Kafka's `acks=all`. Offsets
 * are handed out under SQLite's write lock, so writers in several processes serialise and never share an offset.
 * Readers wait for a change signal (appends in this process wake them at once; appends by another process are seen
 * through `PRAGMA data_version`, polled only while someone waits).
 *
 * Compaction is a property a topic records; the embedded log keeps every message (a tombstone included), so a reader
 * from offset 0 sees the whole history, which a compacted Kafka topic would have thinned.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  type ConsumeOptions,
  type Feed,
  type FeedConsumer,
  type FeedMessage,
  type FeedPlace,
  type FeedRecord,
  InvalidFeedInput,
  type PartitionOffset,
  type TopicOptions,
  UnknownFeedTopic,
} from '../../../domain/feed/feed-port.js';
import { checkFrom, checkGroupId, checkPublish, checkTopic } from '../../../domain/feed/feed-validation.js';
import { ChangeSignal } from '../../event-store/change-signal.js';
import { FeedWriter } from './feed-writer.js';
import { configure } from './sqlite-feed-append.js';

/** The tables; exported so that the benchmark's baseline inserts into identical ones. */
export const FEED_SCHEMA = `
CREATE TABLE IF NOT EXISTS feed_topics (
  name        TEXT PRIMARY KEY,
  compacted   INTEGER NOT NULL,
  next_offset INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feed_messages (
  topic     TEXT    NOT NULL,
  "offset"  INTEGER NOT NULL,
  key       TEXT,
  value     BLOB,
  headers   TEXT    NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (topic, "offset")
);
CREATE TABLE IF NOT EXISTS feed_group_offsets (
  group_id  TEXT    NOT NULL,
  topic     TEXT    NOT NULL,
  partition INTEGER NOT NULL,
  "offset"  INTEGER NOT NULL,
  PRIMARY KEY (group_id, topic, partition)
);`;

/** Messages a reader takes per query; a consumer commits after each such page. */
const PAGE = 500;
export const MAX_READ_LIMIT = 1000;

type Row = [number, string | null, Buffer | null, string, number];

export interface SqliteFeedOptions {
  synchronous?: 'FULL' | 'NORMAL';
  pollIntervalMs?: number;
  /** How long a write waits for another connection's write lock before it fails as busy (transient). */
  busyTimeoutMs?: number;
}

export class SqliteFeed implements Feed {
  readonly kind = 'embedded' as const;
  private readonly db: Database.Database;
  private readonly signal: ChangeSignal;
  private readonly statements;
  private readonly writer: FeedWriter;
  private readonly consumers = new Set<EmbeddedConsumer>();
  private closed = false;

  constructor(
    readonly filename: string,
    options: SqliteFeedOptions = {},
  ) {
    mkdirSync(dirname(filename), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    this.db = new Database(filename, { timeout: busyTimeoutMs });
    const synchronous = options.synchronous ?? 'FULL';
    configure(this.db, synchronous);
    this.db.exec(FEED_SCHEMA);
    this.writer = new FeedWriter({ filename, synchronous, busyTimeoutMs });
    const db = this.db;
    this.statements = {
      topic: db.prepare<[string], { compacted: number; next_offset: number }>(
        'SELECT compacted, next_offset FROM feed_topics WHERE name = ?',
      ),
      createTopic: db.prepare('INSERT OR IGNORE INTO feed_topics (name, compacted, next_offset) VALUES (?, ?, 0)'),
      setNext: db.prepare('UPDATE feed_topics SET next_offset = ? WHERE name = ?'),
      insert: db.prepare(
        'INSERT INTO feed_messages (topic, "offset", key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      read: db
        .prepare(
          'SELECT "offset", key, value, headers, timestamp FROM feed_messages WHERE topic = ? AND "offset" >= ? ORDER BY "offset" LIMIT CAST(? AS INTEGER)',
        )
        .raw(),
      committed: db
        .prepare<[string, string], number>(
          'SELECT "offset" FROM feed_group_offsets WHERE group_id = ? AND topic = ? AND partition = 0',
        )
        .pluck(),
      commit: db.prepare(
        `INSERT INTO feed_group_offsets (group_id, topic, partition, "offset") VALUES (?, ?, 0, ?)
         ON CONFLICT (group_id, topic, partition) DO UPDATE SET "offset" = excluded."offset"`,
      ),
    };
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.signal = new ChangeSignal(() => dataVersion.get(), options.pollIntervalMs ?? 25);
  }

  async ensureTopic(topic: string, options: TopicOptions = {}): Promise<void> {
    checkTopic(topic);
    this.statements.createTopic.run(topic, options.compacted ? 1 : 0);
  }

  async publish(topic: string, records: readonly FeedRecord[]): Promise<FeedPlace[]> {
    this.open();
    const checked = checkPublish(topic, records);
    if (checked.length === 0) {
      if (!this.statements.topic.get(topic)) throw new UnknownFeedTopic(topic);
      return [];
    }
    const first = await this.writer.append(topic, checked, Date.now());
    this.signal.notify();
    return checked.map((_, i) => ({ topic, partition: 0, offset: first + i }));
  }

  /** Messages from `offset` on (at most `limit`); for the HTTP feed. */
  read(topic: string, offset: number, limit: number): FeedMessage[] {
    this.open();
    checkTopic(topic);
    const problems = [];
    if (!Number.isSafeInteger(offset) || offset < 0)
      problems.push({ path: 'from', message: 'an offset is a whole number, 0 or more' });
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT)
      problems.push({ path: 'limit', message: `a limit is a whole number from 1 to ${MAX_READ_LIMIT}` });
    if (problems.length > 0) throw new InvalidFeedInput(problems);
    if (!this.statements.topic.get(topic)) throw new UnknownFeedTopic(topic);
    return (this.statements.read.all(topic, offset, limit) as Row[]).map(([at, key, value, headers, timestamp]) => ({
      topic,
      partition: 0,
      offset: at,
      key,
      value,
      headers: JSON.parse(headers) as Record<string, string>,
      timestamp,
    }));
  }

  /**
   * Resolves once the topic has a message at `offset` or later, or after `timeoutMs`, or when `signal` aborts: the
   * HTTP feed's long poll.
   */
  async waitFor(topic: string, offset: number, timeoutMs: number, abort?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = this.signal.current();
      if (this.nextOffset(topic) > offset || this.closed || abort?.aborted) return;
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        const done = () => {
          clearTimeout(timer);
          abort?.removeEventListener('abort', done);
          resolve();
        };
        abort?.addEventListener('abort', done, { once: true });
        void this.signal.waitForChange(seen).then(done);
      });
    }
  }

  nextOffset(topic: string): number {
    const found = this.statements.topic.get(topic);
    if (!found) throw new UnknownFeedTopic(topic);
    return found.next_offset;
  }

  hasTopic(topic: string): boolean {
    return this.statements.topic.get(topic) !== undefined;
  }

  async endOffsets(topic: string): Promise<PartitionOffset[]> {
    checkTopic(topic);
    return [{ partition: 0, offset: this.nextOffset(topic) }];
  }

  async committedOffsets(topic: string, groupId: string): Promise<PartitionOffset[]> {
    checkTopic(topic);
    checkGroupId(groupId);
    const offset = this.statements.committed.get(groupId, topic);
    return offset === undefined ? [] : [{ partition: 0, offset }];
  }

  consume(options: ConsumeOptions): FeedConsumer {
    this.open();
    checkTopic(options.topic);
    checkGroupId(options.groupId);
    const from = checkFrom(options.from);
    if (typeof options.handle !== 'function')
      throw new InvalidFeedInput([{ path: 'handle', message: 'a consumer needs a handler' }]);
    for (const other of this.consumers)
      if (other.groupId === options.groupId && other.topic === options.topic)
        throw new InvalidFeedInput([
          {
            path: 'groupId',
            message: `group ${options.groupId} already consumes ${options.topic} here: one consumer per group and topic on the embedded feed`,
          },
        ]);
    const consumer = new EmbeddedConsumer(this, options, from, this.signal);
    this.consumers.add(consumer);
    void consumer.done.then(
      () => this.consumers.delete(consumer),
      () => this.consumers.delete(consumer),
    );
    return consumer;
  }

  /** @internal for the consumer */
  committed(groupId: string, topic: string): number | undefined {
    return this.statements.committed.get(groupId, topic);
  }

  /** @internal for the consumer */
  commit(groupId: string, topic: string, offset: number): void {
    this.statements.commit.run(groupId, topic, offset);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.signal.close();
    await this.writer.close();
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private open(): void {
    if (this.closed) throw new Error('the feed is closed');
  }
}

class EmbeddedConsumer implements FeedConsumer {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  readonly topic: string;
  readonly groupId: string;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly feed: SqliteFeed,
    private readonly options: ConsumeOptions,
    private readonly from: 'earliest' | 'latest' | PartitionOffset[],
    private readonly signal: ChangeSignal,
  ) {
    this.topic = options.topic;
    this.groupId = options.groupId;
    let started!: () => void;
    this.ready = new Promise((resolve) => {
      started = resolve;
    });
    this.done = this.run(started);
    // A consumer that fails before `ready` must not leave `ready` hanging for whoever awaits it.
    this.done.catch(() => started());
  }

  private startOffset(): number {
    const { from } = this;
    if (Array.isArray(from)) {
      const mine = from.find((p) => p.partition === 0);
      if (!mine || from.some((p) => p.partition !== 0))
        throw new InvalidFeedInput([{ path: 'from', message: 'the embedded feed has one partition per topic: 0' }]);
      return mine.offset;
    }
    const committed = this.feed.committed(this.groupId, this.topic);
    if (committed !== undefined) return committed;
    return from === 'latest' ? this.feed.nextOffset(this.topic) : 0;
  }

  private async run(started: () => void): Promise<void> {
    if (!this.feed.hasTopic(this.topic)) throw new UnknownFeedTopic(this.topic);
    let next = this.startOffset();
    started();
    while (!this.stopping && !this.feed.isClosed) {
      const seen = this.signal.current();
      const page = this.feed.read(this.topic, next, PAGE);
      if (page.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          void this.signal.waitForChange(seen).then(resolve);
        });
        this.wake = null;
        continue;
      }
      const before = next;
      try {
        for (const message of page) {
          if (this.stopping) break;
          await this.options.handle(message);
          next = message.offset + 1;
        }
      } catch (error) {
        // What was handled before the failure stays handled; the failed message comes again to the next consumer.
        if (next > before && !this.feed.isClosed) this.feed.commit(this.groupId, this.topic, next);
        throw error;
      }
      if (next > before && !this.feed.isClosed) this.feed.commit(this.groupId, this.topic, next);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.done.catch(() => undefined);
  }
}

export function openSqliteFeed(dataDir: string, options: SqliteFeedOptions = {}): SqliteFeed {
  return new SqliteFeed(`${dataDir}/feed.sqlite`, options);
}
