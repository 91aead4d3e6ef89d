/**
 * R-LIB-3, at least once and in order: while the feed cannot write (another connection holds its write lock past
 * the busy timeout), the outbound feed's chunks under way fail, or are fenced off behind the first that failed; it
 * sends them again from there, in order, until the feed takes them, and only then moves its checkpoint.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openSqliteFeed, type SqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { type OutboundFeed, openOutboundFeed } from '../../projections/feed/outbound-feed.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { newEvent } from '../support/events.js';
import { sampleMetadata } from '../support/fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const TOPIC = 'luan.library.resources';
const RESOURCES = 260;

function publication(n: number, version: number, sharing = '无条件共享') {
  const event = newEvent('ResourcePublished', {
    resourceId: `r-${n}`,
    version,
    metadata: sampleMetadata({
      title: `六安市政务公开资源第${n}号（第${version}版）`,
      body: '第一条 为了规范政务公开，制定本办法。',
      sharing,
    } as never),
    placements: [{ siteId: 'portal', columnId: 'policies' }],
    indexNumber: `11341500003089416J/2026-${String(n + 1).padStart(5, '0')}`,
    publishedAt: '2026-11-26T10:00:00.000+08:00',
    by: 'portal-approver',
  } as never);
  event.metadata = { ...event.metadata, siteId: 'portal', actorId: 'portal-approver', actorRole: 'approver' };
  return event;
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

interface Setting {
  store: SqliteEventStore;
  feed: SqliteFeed;
  /** A second connection to `feed.sqlite`, as another process would hold one. */
  other: Database.Database;
  outbound: OutboundFeed;
}

/** A log and an embedded feed in a directory of their own, the outbound feed between them, retrying every 20 ms. */
async function withFeed(label: string, busyTimeoutMs: number, test: (setting: Setting) => Promise<void>) {
  const dir = tempDir(label);
  const store = openSqliteEventStore(dir.path);
  const feed = openSqliteFeed(dir.path, { busyTimeoutMs });
  const other = new Database(`${dir.path}/feed.sqlite`);
  const outbound = openOutboundFeed(dir.path, {
    feed,
    log: store,
    topic: TOPIC,
    source: 'https://www.luan.gov.cn',
    retryMs: 20,
    maxRetryMs: 80,
  });
  try {
    await feed.ensureTopic(TOPIC);
    await test({ store, feed, other, outbound });
  } finally {
    outbound.close();
    other.close();
    await feed.close();
    await store.close();
    dir.remove();
  }
}

describe('R-LIB-3: the outbound feed waits out a feed that cannot write', () => {
  it('R-LIB-3: chunks that failed or were fenced off are sent again in order, each once, and the checkpoint waits for them', async () => {
    await withFeed('outbound-retry', 50, async ({ store, feed, other, outbound }) => {
      // Every resource published, then the first ones corrected: one batch, several chunks, keys across chunks.
      for (let n = 0; n < RESOURCES; n++)
        await store.append(`resource-r-${n}`, [publication(n, 1)], { expectedRevision: 'any' });
      for (let n = 0; n < 20; n++)
        await store.append(`resource-r-${n}`, [publication(n, 2)], { expectedRevision: 'any' });
      other.exec('BEGIN IMMEDIATE');
      const runner = new ProjectionRunner(store, outbound.projection(), { batchSize: 500 });
      const live = runner.start();
      await until(() => outbound.status().publishFailures >= 3);
      expect(feed.nextOffset(TOPIC)).toBe(0);
      expect(outbound.storedCheckpoint()).toBeNull();
      expect(outbound.status().lastError).toMatch(/locked|busy/i);
      other.exec('COMMIT');
      await live;

      const messages = feed.read(TOPIC, 0, 1000);
      expect(messages).toHaveLength(RESOURCES + 20);
      // Each change once, in log order: nothing that was fenced off landed before the chunk it was behind.
      const positions = messages.map((m) => Number(m.headers.ce_position));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(messages.map((m) => m.headers.ce_id)).size).toBe(messages.length);
      const versions = (key: string) =>
        messages.filter((m) => m.key === key).map((m) => JSON.parse(m.value!.toString('utf8')).version);
      expect(versions('r-0')).toEqual([1, 2]);
      expect(versions('r-19')).toEqual([1, 2]);
      expect(versions('r-259')).toEqual([1]);
      expect(outbound.storedCheckpoint()).toBe(await store.headPosition());
      expect(outbound.status()).toMatchObject({ lastError: null, messagesPublished: RESOURCES + 20 });
      await runner.stop();
    });
  });

  it('R-LIB-3: a chunk that fails keeps the chunks called behind it from landing before it', async () => {
    await withFeed('outbound-fenced', 10_000, async ({ store, feed, other, outbound }) => {
      // The first chunk's messages run into the row planted at offset 10 below; the last chunk, mostly 不予共享,
      // makes only 2, which would fit in front of it if nothing kept them back.
      for (let n = 0; n < 200; n++) {
        const shared = n < 100 || n >= 198;
        await store.append(`resource-r-${n}`, [publication(n, 1, shared ? '无条件共享' : '不予共享')], {
          expectedRevision: 'any',
        });
      }
      other
        .prepare(
          `INSERT INTO feed_messages (topic, "offset", key, value, headers, timestamp) VALUES (?, 10, 'x', NULL, '{}', 0)`,
        )
        .run(TOPIC);
      const runner = new ProjectionRunner(store, outbound.projection(), { batchSize: 500 });
      const live = runner.start();
      await until(() => outbound.status().publishFailures >= 2);
      expect(feed.nextOffset(TOPIC)).toBe(0);
      other.prepare(`DELETE FROM feed_messages WHERE topic = ? AND "offset" = 10`).run(TOPIC);
      await live;

      const messages = feed.read(TOPIC, 0, 1000);
      expect(messages.map((m) => m.key)).toEqual([
        ...Array.from({ length: 100 }, (_, n) => `r-${n}`),
        'r-198',
        'r-199',
      ]);
      expect(new Set(messages.map((m) => m.headers.ce_id)).size).toBe(102);
      await runner.stop();
    });
  });
});
