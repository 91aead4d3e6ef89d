/**
 * R-LIB-3 with two server processes on one data directory: only one of them publishes the outbound feed (the
 * other stands by and says so on /metrics), so each publication is in the embedded feed once, not once per process;
 * both are ready; when the publisher is killed with SIGKILL the other takes the lease over within its term and goes
 * on from the last acknowledged position: publications made after the kill reach the feed, nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structuredEvent } from '../../domain/feed/cloud-event.js';
import { Platform } from '../../domain/platform.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openSqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { type PortalTokens, portalTokens, publishThrough } from '../support/publish-through.js';
import { eventually, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

const TOPIC = 'luan.library.resources';
const METRICS_TOKEN = 'outbound-publisher-test-metrics';

describe('R-LIB-3: one publisher of the outbound feed among two processes', () => {
  const dir = tempDir('outbound-publisher');
  const env = {
    DATA_DIR: dir.path,
    AUDIT_CHECKPOINT_INTERVAL_MS: '0',
    FEED_OUTBOUND_LEASE_MS: '3000',
    METRICS_TOKEN,
  };
  let tokens: PortalTokens;
  let a: ServerProcess;
  let b: ServerProcess;

  /** Index numbers of the publications in the embedded feed, in feed order, duplicates kept. */
  const published = () => {
    const feed = openSqliteFeed(dir.path);
    try {
      return feed
        .read(TOPIC, 0, 1_000)
        .map((m) => structuredEvent(m))
        .filter((e) => String(e.type).includes('published'))
        .map((e) => String(e.subject));
    } finally {
      void feed.close();
    }
  };
  const publisherGauge = async (server: ServerProcess) => {
    const text = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    return Number(/^feed_outbound_publisher (\S+)/m.exec(text)?.[1]);
  };

  beforeAll(async () => {
    const store = openSqliteEventStore(dir.path);
    await createDemoPlatform(new Platform(store));
    await store.close();
    tokens = await portalTokens(env);
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    await eventually('both servers ready', async () => (await a.ready()) && (await b.ready()), 120_000);
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    dir.remove();
  });

  it('R-LIB-3: each publication is in the feed once; one process publishes, the other stands by; both ready', async () => {
    const numbers = [
      await publishThrough(a, tokens, 'one-publisher-1', '关于甲服务器发布第一件的通知'),
      await publishThrough(b, tokens, 'one-publisher-2', '关于乙服务器发布第二件的通知'),
      await publishThrough(a, tokens, 'one-publisher-3', '关于甲服务器发布第三件的通知'),
    ];
    await eventually('the three in the feed', () => numbers.every((n) => published().includes(n)));
    // Give a second publisher, if there were one, time to write its copies.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const inFeed = published();
    for (const n of numbers)
      expect(
        inFeed.filter((x) => x === n),
        n,
      ).toHaveLength(1);
    expect([await publisherGauge(a), await publisherGauge(b)].sort()).toEqual([0, 1]);
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
  }, 120_000);

  it('R-LIB-3: the publisher killed, the other takes over and publishes what came after; nothing is lost', async () => {
    const [publisher, standby] = (await publisherGauge(a)) === 1 ? [a, b] : [b, a];
    await publisher.kill();
    const after = [
      await publishThrough(standby, tokens, 'one-publisher-4', '关于停机后发布第四件的通知'),
      await publishThrough(standby, tokens, 'one-publisher-5', '关于停机后发布第五件的通知'),
    ];
    await eventually(
      'the publications after the kill in the feed',
      () => after.every((n) => published().includes(n)),
      30_000,
    );
    expect(await publisherGauge(standby)).toBe(1);
    expect(new Set(published()).size).toBe(5);
  }, 120_000);
});
