/**
 * The provincial feed (R-LIB-3), on the embedded feed and, with KAFKA_BROKERS set, on Kafka, in the same run:
 *   (a) publication → message readable by the province's consumer, p50/p99 (target p99 ≤ 100 ms): the clock starts
 *       when the publication's event is appended and stops when the consumer holds its CloudEvent; the embedded
 *       feed's consumer long-polls the real HTTP routes, Kafka's is a consumer group. Baseline: a record published
 *       straight to the feed and read by the same consumer (the transport alone, no projection);
 *   (b) backfill of BENCH_FEED_RESOURCES (100,000) published resources into an empty feed, messages/s, against
 *       inserting the same messages (the bytes the embedded feed holds) with raw better-sqlite3 statements into an
 *       identical table, same WAL/`FULL` mode, same 500 rows per transaction (target ≥ 0.5×);
 *   (c) inbound: BENCH_FEED_INBOUND provincial resources posted (HTTP, embedded) or produced (Kafka) → searchable in
 *       the shared library, messages/s, against appending the same resources' publications straight to the log and
 *       waiting for the same library projection (the indexing alone).
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import type { NewEvent } from '../../domain/event-store/event.js';
import { binaryRecord, JSON_CONTENT_TYPE } from '../../domain/feed/cloud-event.js';
import type { Feed, FeedMessage } from '../../domain/feed/feed-port.js';
import { Platform } from '../../domain/platform.js';
import { provincialResourceId } from '../../domain/provincial/provincial-resource.js';
import { feedRoutes } from '../../graphql/feed/feed-routes.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { HttpFeedClient } from '../../infra/feed/http/http-feed-client.js';
import { KafkaFeed } from '../../infra/feed/kafka/kafka-feed.js';
import { FEED_SCHEMA, openSqliteFeed, type SqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import { ProvincialInbound } from '../../ingest/provincial/provincial-inbound.js';
import { openOutboundFeed } from '../../projections/feed/outbound-feed.js';
import { libraryProjection } from '../../projections/library/library-projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { sampleMetadata } from '../support/fixtures.js';
import { corpus } from '../support/library-platform.js';
import { PROVINCE_SOURCE, provincialIndexNumber, provincialMetadata } from '../support/provincial.js';
import { tempDir } from '../support/temp-dir.js';
import { median, percentile, progress, round, seconds } from './measure.js';

const RESOURCES = Number(process.env.BENCH_FEED_RESOURCES ?? 100_000);
const SAMPLES = Number(process.env.BENCH_FEED_SAMPLES ?? 300);
const INBOUND = Number(process.env.BENCH_FEED_INBOUND ?? 2_000);
/** Bodies of a typical web article, as the library benchmark's copies (the corpus's 14,000 characters would be statute books). */
const BODY = 2_000;
const ROWS_PER_TRANSACTION = 500;
const SOURCE = 'https://www.luan.gov.cn/resource-library';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Adapter {
  name: 'embedded' | 'kafka';
  open(dir: string): Feed;
}

const bodies = corpus().map((item) => item.markdown.slice(0, BODY));

function publication(resourceId: string, n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'ResourcePublished',
    data: {
      resourceId,
      version: 1,
      metadata: sampleMetadata({ title: `六安市政务公开资源第${n}号`, body: bodies[n % bodies.length] }),
      placements: [{ siteId: 'portal', columnId: 'policies' }],
      indexNumber: `11341500003089416J/${2026 - Math.floor(n / 99_999)}-${String((n % 99_999) + 1).padStart(5, '0')}`,
      publishedAt: '2026-11-26T10:00:00.000+08:00',
      by: 'portal-approver',
    } as never,
    metadata: {
      actorId: 'portal-approver',
      actorRole: 'approver',
      siteId: 'portal',
      correlationId: randomUUID(),
      causationId: null,
      occurredAt: '2026-11-26T10:00:00.000+08:00',
      schemaVersion: 1,
    },
  };
}

/** Appends in groups that share one commit (the store's group commit), as a busy platform would. */
async function appendMany(store: SqliteEventStore, events: Array<{ streamId: string; event: NewEvent }>) {
  for (let i = 0; i < events.length; i += 500)
    await Promise.all(
      events
        .slice(i, i + 500)
        .map(({ streamId, event }) => store.append(streamId, [event], { expectedRevision: 'any' })),
    );
}

/** A consumer of a topic as the province runs it; calls `arrived` with each message when it arrives. */
async function provinceConsumer(feed: Feed, topic: string, arrived: (m: FeedMessage) => void) {
  if (feed.kind === 'embedded') {
    const app = Fastify({ logger: false });
    await app.register(feedRoutes, {
      log: feed as SqliteFeed,
      readable: [topic],
      inbound: 'unused',
      authenticate: () => 'province',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const client = new HttpFeedClient(`http://127.0.0.1:${port}`, 'bench');
    const stop = new AbortController();
    const following = (async () => {
      for await (const m of client.follow(topic, 0, { signal: stop.signal, waitMs: 10_000 })) arrived(m);
    })().catch(() => undefined);
    return async () => {
      stop.abort();
      await following;
      await app.close();
    };
  }
  const consumer = feed.consume({
    topic,
    groupId: `bench-${randomUUID()}`,
    from: 'latest',
    handle: async (m) => arrived(m),
  });
  await consumer.ready;
  return () => consumer.stop();
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** (a) */
async function latency(adapter: Adapter) {
  const dir = tempDir('bench-feed-latency');
  const store = openSqliteEventStore(dir.path);
  const feed = adapter.open(dir.path);
  const topic = `bench.latency.${randomUUID().slice(0, 8)}`;
  const direct = `${topic}.direct`;
  try {
    await feed.ensureTopic(direct);
    const outbound = openOutboundFeed(dir.path, { feed, log: store, topic, source: SOURCE });
    const runner = new ProjectionRunner(store, outbound.projection());
    await runner.start();
    const arrivals = new Map<string, bigint>();
    const stopMain = await provinceConsumer(feed, topic, (m) =>
      arrivals.set(m.headers.ce_id!, process.hrtime.bigint()),
    );
    const stopDirect = await provinceConsumer(feed, direct, (m) =>
      arrivals.set(m.headers.ce_id!, process.hrtime.bigint()),
    );

    const measure = async (send: (id: string) => Promise<string>) => {
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES + 10; i++) {
        const started = process.hrtime.bigint();
        const id = await send(String(i));
        await waitFor(() => arrivals.has(id));
        if (i >= 10) ms.push(Number(arrivals.get(id)! - started) / 1e6);
        await sleep(5 + Math.floor(Math.random() * 15));
      }
      return {
        samples: ms.length,
        p50Ms: round(median(ms)),
        p99Ms: round(percentile(ms, 99)),
        maxMs: round(Math.max(...ms)),
      };
    };
    progress(`feed ${adapter.name}: publication → consumer, ${SAMPLES} samples`);
    const published = await measure(async (i) => {
      const event = publication(`latency-${i}`, Number(i));
      await store.append(`resource-latency-${i}`, [event], { expectedRevision: 'no_stream' });
      return event.id;
    });
    const baseline = await measure(async () => {
      const id = randomUUID();
      const record = binaryRecord(
        'direct',
        { id, source: SOURCE, type: 'bench.direct', datacontenttype: JSON_CONTENT_TYPE },
        Buffer.from('{}'),
      );
      await feed.publish(direct, [record]);
      return id;
    });
    await stopMain();
    await stopDirect();
    await runner.stop();
    outbound.close();
    return {
      publicationToConsumer: published,
      baselineFeedRoundTrip: baseline,
      target: 'p99 ≤ 100 ms',
      met: published.p99Ms <= 100,
    };
  } finally {
    await feed.close();
    await store.close();
    dir.remove();
  }
}

/** The log of (b), written once and shared by both adapters' backfills. */
async function backfillLog(dir: string): Promise<SqliteEventStore> {
  const store = openSqliteEventStore(dir);
  progress(`feed: writing ${RESOURCES} publications to the log`);
  const started = process.hrtime.bigint();
  for (let i = 0; i < RESOURCES; i += 10_000) {
    const events = [];
    for (let n = i; n < Math.min(RESOURCES, i + 10_000); n++)
      events.push({ streamId: `resource-fill-${n}`, event: publication(`fill-${n}`, n) });
    await appendMany(store, events);
  }
  progress(`feed: log written in ${round(seconds(started), 1)} s`);
  return store;
}

/** (b) */
async function backfill(adapter: Adapter, store: SqliteEventStore, logDir: string) {
  const dir = tempDir('bench-feed-backfill');
  const feed = adapter.open(dir.path);
  const topic = `bench.backfill.${randomUUID().slice(0, 8)}`;
  try {
    const outbound = openOutboundFeed(dir.path, { feed, log: store, topic, source: SOURCE });
    const runner = new ProjectionRunner(store, outbound.projection());
    progress(`feed ${adapter.name}: backfill of ${RESOURCES} resources into an empty feed`);
    const started = process.hrtime.bigint();
    await runner.start();
    const elapsed = seconds(started);
    await runner.stop();
    const messages = (await feed.endOffsets(topic)).reduce((n, p) => n + p.offset, 0);
    outbound.close();
    const bytes = adapter.name === 'embedded' ? statSync(join(dir.path, 'feed.sqlite')).size : null;
    const result = {
      messages,
      seconds: round(elapsed, 1),
      messagesPerSecond: Math.round(messages / elapsed),
      ...(bytes ? { feedFileMB: round(bytes / 1e6, 1) } : {}),
    };
    void logDir;
    return { result, feed, dir, topic };
  } catch (error) {
    await feed.close();
    dir.remove();
    throw error;
  }
}

/** (b)'s baseline: the same messages, as the embedded feed holds them, inserted with raw statements. */
function rawSqliteInsert(source: SqliteFeed, topic: string) {
  const dir = tempDir('bench-feed-raw');
  try {
    const rows: Array<[string | null, Buffer | null, string]> = [];
    for (let page = source.read(topic, 0, 1000); page.length > 0; page = source.read(topic, rows.length, 1000))
      for (const m of page) rows.push([m.key, m.value, JSON.stringify(m.headers)]);
    const db = new Database(join(dir.path, 'raw.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(FEED_SCHEMA);
    const insert = db.prepare(
      'INSERT INTO feed_messages (topic, "offset", key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const batch = db.transaction((from: number) => {
      const now = Date.now();
      for (let i = from; i < Math.min(rows.length, from + ROWS_PER_TRANSACTION); i++)
        insert.run(topic, i, rows[i]![0], rows[i]![1], rows[i]![2], now);
    });
    progress(`feed: raw SQLite insert of the same ${rows.length} messages`);
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += ROWS_PER_TRANSACTION) batch(i);
    const elapsed = seconds(started);
    db.close();
    return { messages: rows.length, seconds: round(elapsed, 1), messagesPerSecond: Math.round(rows.length / elapsed) };
  } finally {
    dir.remove();
  }
}

/** (c): province's messages → searchable; baseline: the same publications straight into the log → searchable. */
async function inbound(adapter: Adapter) {
  const dir = tempDir('bench-feed-inbound');
  const store = openSqliteEventStore(dir.path);
  const feed = adapter.open(dir.path);
  const searchIndex = openSqliteSearchIndex(dir.path);
  const run = randomUUID().slice(0, 8);
  const topic = `bench.inbound.${run}`;
  const platform = new Platform(store);
  const library = new ProjectionRunner(store, libraryProjection(searchIndex));
  const consumer = new ProvincialInbound({
    feed,
    platform,
    topic,
    groupId: `bench-${run}`,
    deadLetterTopic: `${topic}.dead-letter`,
  });
  let app: ReturnType<typeof Fastify> | null = null;
  try {
    await library.start();
    await consumer.start();
    const events = Array.from({ length: INBOUND }, (_, i) => ({
      specversion: '1.0',
      id: `bench-${run}-${i}`,
      source: PROVINCE_SOURCE,
      type: 'cn.gov.ah.library.resource.published.v1',
      subject: provincialIndexNumber((i % 99_999) + 1),
      datacontenttype: 'application/json',
      data: {
        resourceId: `ah-${i}`,
        version: 1,
        metadata: provincialMetadata({ title: `安徽省共享资源第${i}号`, body: bodies[i % bodies.length] }),
      },
    }));
    const last = provincialResourceId(PROVINCE_SOURCE, `ah-${INBOUND - 1}`);
    progress(`feed ${adapter.name}: ${INBOUND} provincial resources → searchable`);
    let send: () => Promise<void>;
    if (feed.kind === 'embedded') {
      app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
      await app.register(feedRoutes, {
        log: feed as SqliteFeed,
        readable: [],
        inbound: topic,
        authenticate: () => 'province',
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const client = new HttpFeedClient(`http://127.0.0.1:${(app.server.address() as { port: number }).port}`, 'x');
      send = async () => {
        for (let i = 0; i < events.length; i += 100) await client.post(topic, events.slice(i, i + 100));
      };
    } else {
      send = async () => {
        for (let i = 0; i < events.length; i += 100)
          await feed.publish(
            topic,
            events
              .slice(i, i + 100)
              .map(({ data, datacontenttype, ...attributes }) =>
                binaryRecord(data.resourceId, { ...attributes, datacontenttype }, Buffer.from(JSON.stringify(data))),
              ),
          );
      };
    }
    const started = process.hrtime.bigint();
    await send();
    const posted = seconds(started);
    for (;;) {
      if ((await searchIndex.get(last)) !== null && consumer.status().applied >= INBOUND) break;
      await sleep(5);
    }
    const elapsed = seconds(started);

    // Baseline: the same resources as publications appended straight to the log, waiting for the same projection.
    const baseline = INBOUND;
    const direct = Array.from({ length: baseline }, (_, i) => {
      const event = publication(`direct-${i}`, i);
      (event.data as { metadata: unknown }).metadata = events[i]!.data.metadata;
      return { streamId: `resource-direct-${i}`, event };
    });
    const baseStart = process.hrtime.bigint();
    await appendMany(store, direct);
    for (;;) {
      if ((await searchIndex.get(`direct-${baseline - 1}`)) !== null) break;
      await sleep(5);
    }
    const baseElapsed = seconds(baseStart);
    return {
      messages: INBOUND,
      secondsToSend: round(posted, 2),
      secondsToSearchable: round(elapsed, 2),
      messagesPerSecond: Math.round(INBOUND / elapsed),
      baselinePublicationsToSearchablePerSecond: Math.round(baseline / baseElapsed),
      ratio: round(INBOUND / elapsed / (baseline / baseElapsed), 2),
    };
  } finally {
    await app?.close();
    await consumer.stop();
    await library.stop();
    await searchIndex.close();
    await feed.close();
    await store.close();
    dir.remove();
  }
}

export async function feedBenchmark() {
  const brokers = process.env.KAFKA_BROKERS;
  const adapters: Adapter[] = [{ name: 'embedded', open: (dir) => openSqliteFeed(dir) }];
  if (brokers)
    adapters.push({ name: 'kafka', open: () => new KafkaFeed({ brokers: brokers.split(','), partitions: 1 }) });

  const latencies: Record<string, unknown> = {};
  for (const adapter of adapters) latencies[adapter.name] = await latency(adapter);

  const logDir = tempDir('bench-feed-log');
  const store = await backfillLog(logDir.path);
  const backfills: Record<string, unknown> = {};
  let raw: ReturnType<typeof rawSqliteInsert> | null = null;
  try {
    for (const adapter of adapters) {
      const { result, feed, dir, topic } = await backfill(adapter, store, logDir.path);
      try {
        if (adapter.name === 'embedded') raw = rawSqliteInsert(feed as SqliteFeed, topic);
      } finally {
        await feed.close();
        dir.remove();
      }
      backfills[adapter.name] = {
        ...result,
        ratioToRawSqlite: raw ? round(result.messagesPerSecond / raw.messagesPerSecond, 2) : null,
      };
    }
  } finally {
    await store.close();
    logDir.remove();
  }

  const inbounds: Record<string, unknown> = {};
  for (const adapter of adapters) inbounds[adapter.name] = await inbound(adapter);

  return {
    benchmark: 'feed',
    resources: RESOURCES,
    bodyCharacters: BODY,
    adapters: adapters.map((a) => a.name),
    ...(brokers
      ? {}
      : { kafka: 'skipped: KAFKA_BROKERS is not set (env $(npm run -s engines -- status) npm run bench -- feed)' }),
    latency: latencies,
    backfill: { ...backfills, baselineRawSqlite: raw, target: '≥ 0.5× raw SQLite' },
    inbound: inbounds,
  };
}
