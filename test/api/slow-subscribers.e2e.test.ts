/**
 * A slow or stuck subscriber cannot hurt the others, over real WebSockets: the scenario, a few sockets that
 * subscribe and then stop reading while resources with 500 KB bodies are published. The stalled connections are
 * ended with SUBSCRIBER_TOO_SLOW and closed with code 4413 and a reason naming the cursor of the last message sent;
 * what was sent before still reaches them once they read, and they resume from that cursor; a subscriber that reads
 * receives every publication. The process's memory before and after is printed, not asserted (memory on a shared
 * machine is no test); `npm run bench -- slow-subscribers` measures a server process alone, with and without the bound.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOO_SLOW_CLOSE_CODE } from '../../graphql/live-updates/subscription-errors.js';
import { startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { RawSubscriber } from '../support/raw-subscriber.js';
import { subscriptionStarted } from '../support/subscription-probe.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId } }`;
const PUBLISH = `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["city-news"] }) { status } }`;

const STALLED = 6;
const RESOURCES = 20;
const BODY = '推进全市政府网站集约化平台统一信息资源库建设，规范信息发布、共享和推送。'.repeat(4_700); // ~500 KB of UTF-8

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

// A full collection before each reading, so that what is measured is what the process holds, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function memory() {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, held: m.heapUsed + m.external };
}

async function scenario(env: Record<string, string>) {
  const api = await startApiServer({ RATE_LIMIT_PER_MINUTE: '100000', ...env });
  const tokens: Record<string, string> = {};
  for (const who of ['portal-editor', 'portal-editor2', 'portal-reviewer', 'portal-approver', 'portal-webmaster'])
    tokens[who] = await api.token(who);
  const ok = async (query: string, variables: Record<string, unknown>, who: string) => {
    const result = await api.gql(query, variables, tokens[who]);
    expect(result.errors, query.slice(0, 40)).toBeUndefined();
  };
  const url = `${api.url.replace('http', 'ws')}/graphql`;
  const reader = new RawSubscriber(url);
  const started = (first: Promise<boolean>) => subscriptionStarted(api, first, 'resourcePublished', 'portal');
  await reader.subscribe(tokens['portal-webmaster']!, undefined, started);
  const stalled = Array.from({ length: STALLED }, () => new RawSubscriber(url));
  for (const s of stalled) await s.subscribe(tokens['portal-reviewer']!, undefined, started);
  for (const s of stalled) s.stopReading();

  const before = memory();
  let rssPeak = before.rss;
  for (let i = 0; i < RESOURCES; i++) {
    const id = `large-${i}`;
    const metadata = sampleMetadata({ title: `大文件 ${i}`, body: BODY });
    await ok(DRAFT, { input: { resourceId: id, siteId: 'portal', metadata } }, 'portal-editor');
    await ok(step('submitResource'), { id }, 'portal-editor');
    await ok(step('passFirstReview'), { id }, 'portal-editor2');
    await ok(step('passSecondReview'), { id }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id }, 'portal-approver');
    await ok(PUBLISH, { id }, 'portal-approver');
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  await reader.until(() => reader.published.length >= RESOURCES);
  const after = memory();
  const figures = `RSS ${mib(before.rss)} MiB before, ${mib(rssPeak)} MiB peak, ${mib(after.rss)} MiB after; heap and buffers held ${mib(before.held)} MiB before, ${mib(after.held)} MiB after`;
  return { api, tokens, url, reader, stalled, figures };
}

const inOrder = (n: number) => Array.from({ length: n }, (_, i) => `large-${i}`);

describe('slow subscribers cannot hurt the others', () => {
  let run: Awaited<ReturnType<typeof scenario>>;

  beforeAll(async () => {
    run = await scenario({ SUBSCRIPTION_BUFFER_BYTES: String(1024 * 1024) });
  }, 240_000);
  afterAll(async () => {
    for (const s of run?.stalled ?? []) s.close();
    run?.reader.close();
    await run?.api.close();
  });

  it('a reader receives every publication while stalled sockets are closed with 4413 and a cursor to resume from', async () => {
    const { reader, stalled, figures } = run;
    expect(reader.published.map((p) => p.id)).toEqual(inOrder(RESOURCES));
    expect(reader.closed).toBeNull();

    // Once they read again, the stalled ones receive what was sent before the bound was passed, then the error and
    // the close frame behind it.
    for (const s of stalled) s.startReading();
    for (const s of stalled) await s.until(() => s.closed !== null);
    process.stdout.write(
      `slow subscribers (${STALLED} stalled, ${RESOURCES} × ${mib(Buffer.byteLength(BODY))} MiB, bound 1 MiB): ${figures}; stalled sockets received ${stalled.map((s) => s.published.length).join(', ')} of ${RESOURCES}\n`,
    );
    for (const s of stalled) {
      const sent = s.published;
      expect(sent.length).toBeLessThan(RESOURCES);
      expect(sent.map((p) => p.id)).toEqual(inOrder(sent.length));
      const error = s.frames.find((f) => f.type === 'error');
      expect(error?.payload?.[0]?.extensions.code).toBe('SUBSCRIBER_TOO_SLOW');
      const last = sent.at(-1)?.cursor ?? null;
      expect(error?.payload?.[0]?.extensions.cursor).toBe(last);
      expect(s.closed!.code).toBe(TOO_SLOW_CLOSE_CODE);
      expect(Buffer.byteLength(s.closed!.reason)).toBeLessThanOrEqual(123);
      if (last) expect(s.closed!.reason).toBe(`SUBSCRIBER_TOO_SLOW: resume resourcePublished after ${last}`);
    }
    expect(await run.api.scrapeMetrics()).toContain(`graphql_errors_total{code="SUBSCRIBER_TOO_SLOW"} ${STALLED}`);
  });

  it('a closed subscriber resumes from the cursor in its close reason and receives exactly the rest', async () => {
    const { tokens, url, stalled } = run;
    const slow = stalled.find((s) => s.published.length > 0) ?? stalled[0]!;
    const cursor = slow.closed!.reason.split(' after ')[1];
    const again = new RawSubscriber(url);
    await again.subscribe(tokens['portal-reviewer']!, cursor);
    await again.until(() => again.published.length >= RESOURCES - slow.published.length);
    expect([...slow.published, ...again.published].map((p) => p.id)).toEqual(inOrder(RESOURCES));
    again.close();
  });
});
