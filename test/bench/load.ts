/**
 * Load and soak: server processes on one data directory under a steady mix of clients for a fixed time (default
 * 5 minutes each; `BENCH_LOAD_SECONDS`), loopback only, with bounded request loops:
 *   searches, `resource(id)` reads, complete review workflows ending in publication, pushes to 金安 with its review and
 *   acceptance, and 200 subscribers of `resourcePublished` spread over the processes.
 * Reported per operation: requests/s, p50/p99, errors (target 0); whether every subscriber received every publication
 * and no acknowledged write is missing from the log; each process's resident memory after the warm-up (the first
 * fifth, at most a minute) and at the end, all of it and its anonymous part, from windows of samples taken every
 * 10 s (target: growth of the anonymous floor ≤ 10 %; see memoryMiB and memoryGrowth), with the timeline of samples
 * and the JavaScript heap's share of them. Two processes, then one, in the same run, so the two can be compared
 * (`BENCH_LOAD_PROCESSES=1` runs only one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Platform } from '../../domain/platform.js';
import { loadConfig } from '../../infra/config.js';
import { createDemoPlatform, loadDemoCorpus } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { sampleMetadata } from '../support/fixtures.js';
import { eventually, type ServerProcess, type Subscriber, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';
import { median, percentile, progress, round } from './measure.js';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 300);
const SUBSCRIBERS = Number(process.env.BENCH_LOAD_SUBSCRIBERS ?? 200);
/** Which phases run, in order: `2,1` (the default) compares two processes with one in the same run. */
const PHASES = (process.env.BENCH_LOAD_PROCESSES ?? '2,1').split(',').map(Number);
const SAMPLE_EVERY_MS = 10_000;
const METRICS_TOKEN = 'load-benchmark-metrics';
/**
 * The servers' old-generation heap cap, MiB (`--max-old-space-size`; 256 by default, `default` for V8's own). The
 * servers run as the README advises running them: without a cap V8 sizes the heap to the allocation rate it sees and
 * lets it grow to several times what survives a collection (measured: 80 MiB in use after a collection, 300 before
 * the next, the allocation following), which is growth of the collector's budget, not of what the process holds.
 */
const MAX_OLD_SPACE_MIB =
  process.env.BENCH_LOAD_MAX_OLD_SPACE_MIB === 'default'
    ? undefined
    : (process.env.BENCH_LOAD_MAX_OLD_SPACE_MIB ?? '256');
const CORPUS_ITEMS = 150;
const WORDS = [
  '安全生产',
  '条例',
  '管理',
  '行政',
  '许可',
  '监督',
  '环境保护',
  '规定 管理',
  '"县级以上人民政府"',
  '价格',
];

const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { status } }`;

interface OperationFigures {
  count: number;
  errors: number;
  latencies: number[];
  firstError?: string;
}

/** Who writes: the portal's staff for the workflows, 金安's for the pushes. */
const STAFF = [
  'portal-editor',
  'portal-editor2',
  'portal-reviewer',
  'portal-approver',
  'jinan-reviewer',
  'jinan-approver',
];
/** Who subscribes: everyone of the demo platform who may read the library. */
const READERS = [
  'admin',
  'auditor',
  ...['portal', 'jinan', 'shucheng', 'edu'].flatMap((site) =>
    ['webmaster', 'editor', 'editor2', 'reviewer', 'approver'].map((role) => `${site}-${role}`),
  ),
];

/**
 * A process's resident memory, MiB: all of it (VmRSS), and its anonymous part (RssAnon: the JavaScript heaps of the
 * main and worker threads, buffers, native allocations such as SQLite's page caches, which cache_size bounds). The
 * target is on the anonymous part: VmRSS also counts the pages of the search index that SQLite maps into memory
 * (mmap_size), which grow with the library during a soak and which the kernel takes back when it needs them.
 */
function memoryMiB(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: Math.round(kib('VmRSS') / 1024), anon: Math.round(kib('RssAnon') / 1024) };
}

/**
 * Where a process's anonymous memory is, MiB, from its own `/metrics`: the JavaScript heap in use and the memory
 * outside it that V8 knows of (Buffers). What RssAnon holds beyond those is native: SQLite's page caches, the code.
 */
async function heapMiB(server: ServerProcess): Promise<{ heapUsed: number; heapTotal: number; external: number }> {
  const text = await (
    await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
  ).text();
  const gauge = (name: string) =>
    Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN) / 2 ** 20);
  return {
    heapUsed: gauge('nodejs_heap_size_used_bytes'),
    heapTotal: gauge('nodejs_heap_size_total_bytes'),
    external: gauge('nodejs_external_memory_bytes'),
  };
}

interface Sample {
  second: number;
  rss: number;
  anon: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
}

/**
 * Resident memory after the warm-up and at the end, from the samples of a window at each end (the minute after the
 * warm-up, the last minute). The JavaScript heap saws up and down by tens of MiB between collections (the heap's
 * share is in the timeline), so one reading at each end, or a window's median, measures where the collector happened
 * to be more than whether memory grows. The lowest reading of each window is what memory comes back down to after a
 * collection: what a process holds on to. A leak raises that floor; the sawtooth does not. The target is on the
 * floor of the anonymous part; the windows' medians and peaks are reported beside it.
 */
function memoryGrowth(samples: Sample[], warmUpSeconds: number) {
  const window = Math.max(warmUpSeconds, 20);
  // Samples are in the order their /metrics answered; the last is the latest second, not the last pushed.
  const last = Math.max(...samples.map((s) => s.second));
  const after = samples.filter((s) => s.second >= warmUpSeconds && s.second <= warmUpSeconds + window);
  const end = samples.filter((s) => s.second >= last - window);
  const figures = (chosen: Sample[], field: 'rss' | 'anon') => {
    const values = chosen.map((s) => s[field]);
    return { floor: Math.min(...values), median: median(values), peak: Math.max(...values) };
  };
  const grown = (from: number, to: number) => round(to / from - 1, 3);
  const [rssAfter, rssEnd] = [figures(after, 'rss'), figures(end, 'rss')];
  const [anonAfter, anonEnd] = [figures(after, 'anon'), figures(end, 'anon')];
  return {
    windows: `seconds ${warmUpSeconds}-${warmUpSeconds + window} and ${last - window}-${last}`,
    afterWarmUp: rssAfter,
    atEnd: rssEnd,
    growth: grown(rssAfter.floor, rssEnd.floor),
    anonymousAfterWarmUp: anonAfter,
    anonymousAtEnd: anonEnd,
    anonymousGrowth: grown(anonAfter.floor, anonEnd.floor),
    anonymousGrowthOfMedians: grown(anonAfter.median, anonEnd.median),
  };
}

async function phase(processes: number, dataDir: string, tokens: Record<string, string>, resourceIds: string[]) {
  const env = {
    DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: '10000000',
    QUERY_COST_PER_MINUTE: '1000000000',
    AUDIT_CHECKPOINT_INTERVAL_MS: '10000',
    LOG_LEVEL: 'error',
    METRICS_TOKEN,
    ...(MAX_OLD_SPACE_MIB
      ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${MAX_OLD_SPACE_MIB}`.trim() }
      : {}),
  };
  progress(`load: starting ${processes} server process(es)`);
  const servers: ServerProcess[] = await Promise.all(Array.from({ length: processes }, () => startServerProcess(env)));
  try {
    await eventually(
      'servers ready',
      async () => (await Promise.all(servers.map((s) => s.ready()))).every(Boolean),
      300_000,
    );
    // The subscribers are the platform's people, each following from a few places as people do: one identity may
    // hold SUBSCRIPTIONS_PER_IDENTITY subscriptions per process, and 200 under one token would be refused past it.
    const readers = READERS.map((who) => tokens[who]!);
    const subscribers: Subscriber[] = Array.from({ length: SUBSCRIBERS }, (_, i) =>
      servers[i % servers.length]!.subscribe(
        `subscription { resourcePublished(siteId: "portal") { id } }`,
        {},
        readers[i % readers.length]!,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const figures: Record<string, OperationFigures> = {};
    const published: string[] = [];
    let stopAt = Date.now() + SECONDS * 1000;
    const warmUpMs = Math.min(60_000, (SECONDS * 1000) / 5);
    // Memory is sampled every 10 s; start and end are read from windows of samples (memoryGrowth says why).
    const began = Date.now();
    const timeline: Sample[][] = servers.map(() => []);
    const sample = async () =>
      Promise.all(
        servers.map(async (s, i) => {
          timeline[i]!.push({
            second: Math.round((Date.now() - began) / 1000),
            ...memoryMiB(s.child.pid!),
            ...(await heapMiB(s).catch(() => ({}))),
          });
        }),
      );
    const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);

    let n = 0;
    const server = () => servers[n++ % servers.length]!;
    async function timed(name: string, work: () => Promise<{ errors?: Array<{ message: string }> } | undefined>) {
      figures[name] ??= { count: 0, errors: 0, latencies: [] };
      const f = figures[name];
      const started = performance.now();
      try {
        const result = await work();
        if (result?.errors) throw new Error(result.errors[0]!.message);
      } catch (error) {
        f.errors++;
        f.firstError ??= (error as Error).message;
      }
      f.count++;
      f.latencies.push(performance.now() - started);
    }
    const loop = async (work: (i: number) => Promise<void>) => {
      for (let i = 0; Date.now() < stopAt; i++) await work(i);
    };
    let workflowId = 0;
    let pushId = 0;
    const loops = [
      ...Array.from({ length: 3 }, () =>
        loop((i) =>
          timed('search', () =>
            server().gql(
              `query($t: String) { search(text: $t, first: 10) { totalCount edges { node { id title } } } }`,
              {
                t: WORDS[i % WORDS.length],
              },
              tokens['portal-editor'],
            ),
          ),
        ),
      ),
      ...Array.from({ length: 3 }, () =>
        loop((i) =>
          timed('resource', () =>
            server().gql(
              `query($id: ID!) { resource(id: $id) { id title indexNumber placements { siteId } } }`,
              {
                id: resourceIds[i % resourceIds.length],
              },
              tokens['portal-editor'],
            ),
          ),
        ),
      ),
      ...Array.from({ length: 2 }, () =>
        loop(async () => {
          const id = `load-${processes}-${workflowId++}`;
          const via = server();
          let ok = true;
          const mark = (r: { errors?: unknown[] }) => {
            if (r.errors) ok = false;
            return r as { errors?: Array<{ message: string }> };
          };
          await timed('workflow (6 mutations)', async () => {
            mark(
              await via.gql(
                `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`,
                {
                  input: {
                    resourceId: id,
                    siteId: 'portal',
                    metadata: sampleMetadata({ title: `关于负载测试第${id}号的通知` }),
                  },
                },
                tokens['portal-editor'],
              ),
            );
            for (const [mutation, who] of [
              ['submitResource', 'portal-editor'],
              ['passFirstReview', 'portal-editor2'],
              ['passSecondReview', 'portal-reviewer'],
              ['passFinalReview', 'portal-approver'],
            ] as const)
              mark(await via.gql(step(mutation), { id }, tokens[who]));
            return mark(
              await via.gql(
                `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["policies"] }) { status } }`,
                { id },
                tokens['portal-approver'],
              ),
            );
          });
          if (ok) published.push(id);
        }),
      ),
      loop(async (i) => {
        const p = `load-push-${processes}-${pushId++}`;
        const via = server();
        await timed('push (offer, 2 reviews, acceptance)', async () => {
          const offer = await via.gql(
            `mutation($input: PushResourceInput!) { pushResource(input: $input) { pushId } }`,
            {
              input: {
                pushId: p,
                resourceId: resourceIds[i % resourceIds.length],
                targets: [{ siteId: 'jinan', columnId: 'notices' }],
              },
            },
            tokens['portal-approver'],
          );
          if (offer.errors) return offer;
          for (const [mutation, who] of [
            ['passPushSecondReview', 'jinan-reviewer'],
            ['passPushFinalReview', 'jinan-approver'],
            ['acceptPush', 'jinan-approver'],
          ] as const) {
            const r = await via.gql(
              `mutation($p: ID!) { ${mutation}(input: { pushId: $p, siteId: "jinan" }) { pushId } }`,
              { p },
              tokens[who],
            );
            if (r.errors) return r;
          }
          return undefined;
        });
      }),
    ];
    await Promise.all(loops);
    clearInterval(sampler);
    await sample();
    stopAt = 0;

    const ids = (s: Subscriber) =>
      new Set(
        s.received.map((m) => (m as { data?: { resourcePublished?: { id: string } } }).data?.resourcePublished?.id),
      );
    let everyoneGotEverything = true;
    try {
      await eventually(
        'every subscriber received every publication',
        () => subscribers.every((s) => published.every((id) => ids(s).has(id))),
        60_000,
      );
    } catch {
      everyoneGotEverything = false;
    }
    const subscriberErrors = subscribers.reduce((sum, s) => sum + s.errors.length, 0);
    const firstSubscriberError = subscribers.find((s) => s.errors.length > 0)?.errors[0];
    const store = openSqliteEventStore(dataDir);
    let lost = 0;
    for (const id of published) {
      const events = await store.readStream(`resource-${id}`);
      if (!events.some((e) => e.type === 'ResourcePublished')) lost++;
    }
    await store.close();
    for (const s of subscribers) await s.close();
    return {
      processes,
      seconds: SECONDS,
      subscribers: SUBSCRIBERS,
      maxOldSpaceMiB: MAX_OLD_SPACE_MIB ? Number(MAX_OLD_SPACE_MIB) : 'V8 default',
      operations: Object.fromEntries(
        Object.entries(figures).map(([name, f]) => [
          name,
          {
            count: f.count,
            perSecond: round(f.count / SECONDS, 1),
            p50ms: round(median(f.latencies), 1),
            p99ms: round(percentile(f.latencies, 99), 1),
            errors: f.errors,
            ...(f.firstError ? { firstError: f.firstError } : {}),
          },
        ]),
      ),
      publications: published.length,
      everySubscriberReceivedEveryPublication: everyoneGotEverything,
      subscriberErrors,
      ...(firstSubscriberError === undefined ? {} : { firstSubscriberError: String(firstSubscriberError) }),
      acknowledgedPublicationsMissingFromTheLog: lost,
      memoryMiB: timeline.map((samples) => memoryGrowth(samples, warmUpMs / 1000)),
      memoryTimelineMiB: timeline,
    };
  } finally {
    for (const s of servers) await s.stop();
  }
}

export async function loadBenchmark() {
  const dir = tempDir('load');
  try {
    progress(`load: the sample platform and ${CORPUS_ITEMS} regulations`);
    const store = openSqliteEventStore(dir.path);
    const platform = new Platform(store);
    await createDemoPlatform(platform);
    const corpus = `${dir.path}/corpus.jsonl`;
    writeFileSync(
      corpus,
      `${readFileSync(SAMPLE_CORPUS_PATH, 'utf8').split('\n').slice(0, CORPUS_ITEMS).join('\n')}\n`,
    );
    await loadDemoCorpus(platform, corpus);
    const resourceIds = (await store.readAll({ maxCount: 100_000, filter: { eventTypes: ['ResourcePublished'] } })).map(
      (e) => (e.data as { resourceId: string }).resourceId,
    );
    await store.close();
    const key = await localSigningKey(loadConfig({ DATA_DIR: dir.path }));
    const tokens: Record<string, string> = {};
    for (const who of new Set([...STAFF, ...READERS])) tokens[who] = await key.issue(who, '2h');
    const phases: Awaited<ReturnType<typeof phase>>[] = [];
    for (const processes of PHASES) phases.push(await phase(processes, dir.path, tokens, resourceIds));
    const errors = (p: (typeof phases)[number]) => Object.values(p.operations).reduce((sum, o) => sum + o.errors, 0);
    const named = (p: (typeof phases)[number]) =>
      ({ 1: 'oneProcess', 2: 'twoProcesses' })[p.processes] ?? `processes${p.processes}`;
    return {
      benchmark: 'load',
      node: process.version,
      mix: 'per process pair: 3 search loops, 3 resource(id) loops, 2 workflow loops (draft → 3 reviews → publish), 1 push loop (offer → 2 reviews → acceptance at 金安)',
      ...Object.fromEntries(phases.map((p) => [named(p), p])),
      targets: {
        errors: { target: 0, ...Object.fromEntries(phases.map((p) => [named(p), errors(p)])) },
        anonymousMemoryGrowthAtMost: 0.1,
        met: phases.every(
          (p) =>
            errors(p) === 0 &&
            p.everySubscriberReceivedEveryPublication &&
            p.acknowledgedPublicationsMissingFromTheLog === 0 &&
            p.memoryMiB.every((m) => m.anonymousGrowth <= 0.1),
        ),
      },
    };
  } finally {
    dir.remove();
  }
}
