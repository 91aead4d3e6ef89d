/**
 * Event store throughput against raw better-sqlite3 on an identical table, same journal (WAL) and synchronous
 * (FULL) mode, in the same run:
 *   (a) single-event appends with an exact expected revision, spread over 10,000 streams;
 *   (b) appends of 100-event batches;
 *   (c) reading 1,000,000 events from `$all`.
 * The baseline writes the same rows from the same objects (JSON.stringify included) and reads them back into the
 * same shape (JSON.parse included), so the ratio is the price of the store's checks and bookkeeping.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '../../domain/event-store/event.js';
import { SCHEMA, SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { metadata } from '../support/events.js';
import { tempDir } from '../support/temp-dir.js';
import { median, progress, round, seconds } from './measure.js';

const STREAMS = 10_000;
const SINGLE_APPENDS_PER_ROUND = 2_500;
const ROUNDS = 6;
const BATCH = 100;
const TOTAL_BATCHED = 1_000_000;

export function event(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ResourceEdited',
    data: {
      resourceId: `r-${i}`,
      title: `六安市人民政府办公室关于印发第${i}号集约化平台管理办法的通知`,
      summary: '为进一步加强政府网站集约化平台建设，规范信息发布，制定本办法。',
      subject: '综合政务/政务公开',
      version: i % 7,
    },
    metadata: metadata({ actorId: `person-${i % 50}`, siteId: `site-${i % 12}` }),
  };
}

export class RawLog {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly appendOne: (stream: string, revision: number, e: NewEvent, at: string) => void;
  private readonly appendMany: (stream: string, first: number, events: NewEvent[], at: string) => void;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.insert = this.db.prepare(
      'INSERT INTO events (stream, revision, id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const row = (stream: string, revision: number, e: NewEvent, at: string) =>
      this.insert.run(stream, revision, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), at);
    this.appendOne = this.db.transaction(row);
    this.appendMany = this.db.transaction((stream: string, first: number, events: NewEvent[], at: string) => {
      for (const [k, e] of events.entries()) row(stream, first + k, e, at);
    });
  }

  one(stream: string, revision: number, e: NewEvent): void {
    this.appendOne(stream, revision, e, new Date().toISOString());
  }

  many(stream: string, first: number, events: NewEvent[]): void {
    this.appendMany(stream, first, events, new Date().toISOString());
  }

  readAll(): number {
    let count = 0;
    const statement = this.db
      .prepare('SELECT position, stream, revision, id, type, data, metadata, recorded_at FROM events ORDER BY position')
      .raw();
    for (const row of statement.iterate() as IterableIterator<
      [number, string, number, string, string, string, string, string]
    >) {
      const recorded: RecordedEvent = {
        position: row[0],
        streamId: row[1],
        revision: row[2],
        id: row[3],
        type: row[4],
        data: JSON.parse(row[5]),
        metadata: JSON.parse(row[6]),
        recordedAt: row[7],
      };
      if (recorded.position > 0) count++;
    }
    return count;
  }
}

async function readAllThroughStore(store: SqliteEventStore): Promise<number> {
  let count = 0;
  let after: number | undefined;
  for (;;) {
    const page = await store.readAll({ maxCount: 1_000, ...(after === undefined ? {} : { after }) });
    if (page.length === 0) return count;
    count += page.length;
    after = page[page.length - 1]!.position;
  }
}

interface Comparison {
  name: string;
  events: number;
  eventsPerSecond: number;
  baselineEventsPerSecond: number;
  ratio: number;
  target: number;
  meetsTarget: boolean;
}

function compare(name: string, events: number, store: number, baseline: number, target: number): Comparison {
  const ratio = round(store / baseline, 3);
  return {
    name,
    events,
    eventsPerSecond: Math.round(store),
    baselineEventsPerSecond: Math.round(baseline),
    ratio,
    target,
    meetsTarget: ratio >= target,
  };
}

export async function eventStoreBenchmark() {
  const dir = tempDir('bench-eventstore');
  const store = new SqliteEventStore(`${dir.path}/store.sqlite`);
  const raw = new RawLog(`${dir.path}/raw.sqlite`);
  try {
    // (a) Every stream gets its first event up front, so each timed append names an exact revision.
    progress(`(a) preparing ${STREAMS} streams`);
    const streamIds = Array.from({ length: STREAMS }, (_, i) => `resource-${i}`);
    const rawRevision = new Array<number>(STREAMS).fill(0);
    const storeRevision = new Array<number>(STREAMS).fill(0);
    raw.db.transaction(() => {
      for (const s of streamIds) raw.one(s, 0, event(0));
    })();
    for (const s of streamIds) await store.append(s, [event(0)], { expectedRevision: 'no_stream' });

    const storeRates: number[] = [];
    const rawRates: number[] = [];
    let cursor = 0;
    for (let round = 0; round < ROUNDS; round++) {
      progress(`(a) round ${round + 1}/${ROUNDS}: ${SINGLE_APPENDS_PER_ROUND} single appends each`);
      const events = Array.from({ length: SINGLE_APPENDS_PER_ROUND }, (_, i) => event(i));
      let start = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) {
        const s = (cursor + i) % STREAMS;
        raw.one(streamIds[s]!, ++rawRevision[s]!, events[i]!);
      }
      rawRates.push(events.length / seconds(start));
      start = process.hrtime.bigint();
      for (let i = 0; i < events.length; i++) {
        const s = (cursor + i) % STREAMS;
        const result = await store.append(streamIds[s]!, [events[i]!], { expectedRevision: storeRevision[s]! });
        storeRevision[s] = result.nextExpectedRevision;
      }
      storeRates.push(events.length / seconds(start));
      cursor += events.length;
    }
    const single = compare(
      'single-event appends, exact expected revision, 10,000 streams',
      ROUNDS * SINGLE_APPENDS_PER_ROUND,
      median(storeRates),
      median(rawRates),
      0.7,
    );

    // (b) Alternating slices keep both writers exposed to the same background noise.
    const slices = 10;
    const batchesPerSlice = TOTAL_BATCHED / BATCH / slices;
    let rawSeconds = 0;
    let storeSeconds = 0;
    for (let slice = 0; slice < slices; slice++) {
      progress(`(b) slice ${slice + 1}/${slices}: ${batchesPerSlice} batches of ${BATCH}`);
      const batches = Array.from({ length: batchesPerSlice }, (_, b) =>
        Array.from({ length: BATCH }, (_, k) => event(b * BATCH + k)),
      );
      let start = process.hrtime.bigint();
      for (const [b, batch] of batches.entries()) raw.many(`batch-${slice}-${b}`, 0, batch);
      rawSeconds += seconds(start);
      start = process.hrtime.bigint();
      for (const [b, batch] of batches.entries()) {
        await store.append(`batch-${slice}-${b}`, batch, { expectedRevision: 'no_stream' });
      }
      storeSeconds += seconds(start);
    }
    const batched = compare(
      'appends of 100-event batches',
      TOTAL_BATCHED,
      TOTAL_BATCHED / storeSeconds,
      TOTAL_BATCHED / rawSeconds,
      0.6,
    );

    // (c) Both logs now hold the same 1,000,000+ events.
    progress('(c) reading $all');
    let start = process.hrtime.bigint();
    const rawCount = raw.readAll();
    const rawRead = rawCount / seconds(start);
    start = process.hrtime.bigint();
    const storeCount = await readAllThroughStore(store);
    const storeRead = storeCount / seconds(start);
    if (storeCount !== rawCount) throw new Error(`read ${storeCount} events through the store but ${rawCount} raw`);
    const reading = compare('read $all', storeCount, storeRead, rawRead, 0.7);

    return {
      benchmark: 'eventstore',
      node: process.version,
      mode: { journal: 'WAL', synchronous: 'FULL' },
      baseline: 'raw better-sqlite3 statements on an identical table: same rows, same transactions, JSON included',
      results: [single, batched, reading],
    };
  } finally {
    await store.close();
    raw.db.close();
    dir.remove();
  }
}
