/**
 * The issue's stalled-reader scenario against a real server process: one subscriber that reads and
 * BENCH_STALLED (30) that subscribe to `resourcePublished` and then stop reading, while BENCH_LARGE (20) resources
 * with 500 KB bodies are published through the API. Measured: the server's resident memory (VmRSS, and its peak VmHWM)
 * before and after, how many stalled connections it closed, and whether the reader got everything; three runs in one:
 * no stalled readers (the baseline: what publishing alone costs), stalled readers with the bound
 * (SUBSCRIPTION_BUFFER_BYTES default), and stalled readers without it.
 */
import { readFileSync } from 'node:fs';
import { Platform } from '../../domain/platform.js';
import { loadConfig } from '../../infra/config.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { sampleMetadata } from '../support/fixtures.js';
import { RawSubscriber } from '../support/raw-subscriber.js';
import { startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';
import { progress, round } from './measure.js';

const STALLED = Number(process.env.BENCH_STALLED ?? 30);
const LARGE = Number(process.env.BENCH_LARGE ?? 20);
const BODY = '推进全市政府网站集约化平台统一信息资源库建设，规范信息发布、共享和推送。'.repeat(4_700);

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId } }`;
const PUBLISH = `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["city-news"] }) { status } }`;

const large = (s: RawSubscriber) => s.published.filter((p) => p.id.startsWith('large-')).length;

function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: round(kib('VmRSS') / 1024, 1), peakMiB: round(kib('VmHWM') / 1024, 1) };
}

async function run(stalledCount: number, env: Record<string, string>) {
  const dir = tempDir('bench-slow');
  const config = { DATA_DIR: dir.path, AUDIT_CHECKPOINT_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '100000', ...env };
  const store = openSqliteEventStore(dir.path);
  await createDemoPlatform(new Platform(store));
  await store.close();
  const key = await localSigningKey(loadConfig(config));
  const tokens: Record<string, string> = {};
  for (const who of ['portal-editor', 'portal-editor2', 'portal-reviewer', 'portal-approver', 'portal-webmaster'])
    tokens[who] = await key.issue(who);
  const server = await startServerProcess({ ...config, SUBSCRIPTIONS_PER_IDENTITY: String(STALLED + 10) });
  try {
    const publish = async (id: string, body: string) => {
      const metadata = sampleMetadata({ title: id, body });
      const steps: Array<[string, Record<string, unknown>, string]> = [
        [DRAFT, { input: { resourceId: id, siteId: 'portal', metadata } }, 'portal-editor'],
        [step('submitResource'), { id }, 'portal-editor'],
        [step('passFirstReview'), { id }, 'portal-editor2'],
        [step('passSecondReview'), { id }, 'portal-reviewer'],
        [step('passFinalReview'), { id }, 'portal-approver'],
        [PUBLISH, { id }, 'portal-approver'],
      ];
      for (const [query, variables, who] of steps) {
        const result = await server.gql(query, variables, tokens[who]);
        if (result.errors) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(result.errors)}`);
      }
    };
    const url = `${server.url.replace('http', 'ws')}/graphql`;
    const reader = new RawSubscriber(url);
    const stalled = Array.from({ length: stalledCount }, () => new RawSubscriber(url));
    for (const s of [reader, ...stalled]) await s.subscribe(tokens['portal-reviewer']!);
    // Subscriptions start a moment after the acknowledgement: small publications until one has reached all.
    const all = [reader, ...stalled];
    for (let attempt = 0; all.some((s) => s.published.length === 0); attempt++) {
      if (attempt === 10) throw new Error('the subscriptions did not start');
      await publish(`warm-up-${attempt}`, '预热。');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const s of stalled) s.stopReading();
    const before = memoryOf(server.child.pid!);
    progress(`${stalledCount} stalled, ${JSON.stringify(env)}: publishing ${LARGE} × 500 KB`);
    for (let i = 0; i < LARGE; i++) await publish(`large-${i}`, BODY);
    await reader.until(() => large(reader) >= LARGE);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = memoryOf(server.child.pid!);
    for (const s of stalled) s.startReading();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const closed = stalled.filter((s) => s.closed !== null);
    const result = {
      stalled: stalledCount,
      rssBeforeMiB: before.rssMiB,
      rssAfterMiB: after.rssMiB,
      rssGrowthMiB: round(after.rssMiB - before.rssMiB, 1),
      peakMiB: after.peakMiB,
      readerReceivedAll: large(reader) === LARGE,
      stalledClosed: closed.length,
      closeCodes: [...new Set(closed.map((s) => s.closed!.code))],
      stalledReceived: stalled.map(large),
    };
    for (const s of [reader, ...stalled]) s.close();
    return result;
  } finally {
    await server.stop();
    dir.remove();
  }
}

export async function slowSubscribersBenchmark() {
  const baseline = await run(0, {});
  const bounded = await run(STALLED, {});
  const unbounded = await run(STALLED, { SUBSCRIPTION_BUFFER_BYTES: String(2 ** 40) });
  return {
    benchmark: 'slow-subscribers',
    scenario: `${STALLED} sockets stop reading while ${LARGE} resources with 500 KB bodies are published; one reader`,
    baseline,
    bounded,
    unbounded,
  };
}
