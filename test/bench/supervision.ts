/**
 * Supervision at the platform's scale:
 *   (a) the scorecard of the national single-veto items for 100 sites × 40 columns over 100,000 published resources
 *       (and 2,000 public messages), p50/p99 for every site at once and for one site, against a bare read of the same
 *       rows with better-sqlite3 in the same run; the read model is built by the real projection from a real log, and
 *       that rebuild's throughput is reported too;
 *   (b) the content check of a 100,000-character body against 10,000 expressions: the Aho-Corasick matcher against a
 *       loop of `indexOf` over the same list, same text, same hits.
 * Target: scorecard p99 ≤ 50 ms.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PhraseMatcher } from '../../domain/content-check/phrase-matcher.js';
import type { NewEvent } from '../../domain/event-store/event.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { openSupervisionReadModel } from '../../projections/supervision/supervision-read-model.js';
import { sampleMetadata } from '../support/fixtures.js';
import { tempDir } from '../support/temp-dir.js';
import { median, percentile, progress, round, seconds } from './measure.js';

const SITES = Number(process.env.BENCH_SUPERVISION_SITES ?? 100);
const COLUMNS = 40;
const RESOURCES = Number(process.env.BENCH_SUPERVISION_RESOURCES ?? 100_000);
const MESSAGES = 2_000;
const RUNS = 200;
const BODY = 100_000;
const EXPRESSIONS = 10_000;
const CYCLES = ['news', 'notices_policy', 'other'] as const;
const DAY = 86_400_000;

/** A small seeded generator, so every run measures the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const meta = (occurredAt: string, siteId: string | null) => ({
  actorId: 'bench',
  actorRole: 'system',
  siteId,
  correlationId: randomUUID(),
  causationId: null,
  occurredAt,
  schemaVersion: 1,
});
const event = (type: string, data: Record<string, unknown>, occurredAt: string, siteId: string | null): NewEvent => ({
  id: randomUUID(),
  type,
  data: data as NewEvent['data'],
  metadata: meta(occurredAt, siteId),
});

async function scorecardBenchmark() {
  const dir = tempDir('bench-supervision');
  const store = openSqliteEventStore(dir.path, { synchronous: 'NORMAL' });
  const rnd = random(7);
  const now = Date.parse('2026-12-01T04:00:00Z');
  const opened = new Date(now - 800 * DAY).toISOString();
  progress(
    `writing ${SITES} sites × ${COLUMNS} columns, ${RESOURCES} publications and ${MESSAGES} messages to the log`,
  );
  for (let s = 0; s < SITES; s++) {
    const siteId = `site-${s}`;
    const events: NewEvent[] = [
      event(
        'SiteOpened',
        {
          siteId,
          kind: 'department',
          hostUnit: { name: `单位${s}`, code: '11341500003089416J' },
          name: `站点${s}`,
          domains: { english: `s${s}.luan.gov.cn`, chinese: `单位${s}.政务` },
          approvedBy: 'admin',
          reason: 'bench',
        },
        opened,
        siteId,
      ),
    ];
    for (let c = 0; c < COLUMNS; c++)
      events.push(
        event(
          'ColumnAdded',
          {
            siteId,
            channelId: 'news',
            columnId: `col-${c}`,
            name: `栏目${c}`,
            path: `/c/col-${c}`,
            updateCycle: CYCLES[c % 3],
            topic: false,
          },
          opened,
          siteId,
        ),
      );
    await store.append(`site-${siteId}`, events, { expectedRevision: 'no_stream' });
  }
  const { body: _body, summary: _summary, ...metadata } = sampleMetadata();
  const batch: Array<{ streamId: string; event: NewEvent }> = [];
  for (let r = 0; r < RESOURCES; r++) {
    const siteId = `site-${Math.floor(rnd() * SITES)}`;
    // Spread over the last 400 days, so some columns are fresh, some stale, some (on a few sites) blank.
    const publishedAt = new Date(now - Math.floor(rnd() * 400 * DAY)).toISOString();
    const columnId = `col-${Math.floor(rnd() * (COLUMNS - (Number(siteId.slice(5)) % 7)))}`;
    batch.push({
      streamId: `resource-r${r}`,
      event: event(
        'ResourcePublished',
        {
          resourceId: `r${r}`,
          version: 1,
          metadata: { ...metadata, title: `资源${r}` },
          placements: [{ siteId, columnId }],
          indexNumber: `11341500003089416J/2026-${String((r % 99_999) + 1).padStart(5, '0')}`,
          publishedAt,
          by: 'bench',
        },
        publishedAt,
        siteId,
      ),
    });
  }
  for (let m = 0; m < MESSAGES; m++) {
    const siteId = `site-${m % SITES}`;
    const receivedAt = new Date(now - Math.floor(rnd() * 200 * DAY)).toISOString();
    batch.push({
      streamId: `message-m${m}`,
      event: event(
        'MessageReceived',
        {
          messageId: `m${m}`,
          siteId,
          category: 'normal',
          subject: `留言${m}`,
          question: '请问……',
          asker: { name: '某某' },
          receivedAt,
          workingDays: 5,
          dueDate: receivedAt.slice(0, 10),
        },
        receivedAt,
        siteId,
      ),
    });
  }
  for (const { streamId, event: e } of batch) await store.append(streamId, [e], { expectedRevision: 'no_stream' });

  const model = openSupervisionReadModel(dir.path);
  const head = (await store.headPosition()) ?? 0;
  progress(`projecting ${head} events into the supervision read model`);
  const started = process.hrtime.bigint();
  const runner = new ProjectionRunner(store, model.projection());
  await runner.start();
  const rebuildSeconds = seconds(started);
  await runner.stop();

  const at = new Date(now);
  const time = (f: () => unknown) => {
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) f();
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      f();
      samples.push(seconds(start) * 1000);
    }
    return { p50: round(median(samples)), p99: round(percentile(samples, 99)) };
  };
  progress('timing scorecards');
  const cards = model.scorecards(at);
  const all = time(() => model.scorecards(at));
  const one = time(() => model.scorecard('site-42', at));
  const tables = model.tables()!;
  const bare = model.db.prepare(`SELECT site_id, column_id, update_cycle, last_published_at FROM ${tables.columns}`);
  const bareMessages = model.db.prepare(
    `SELECT site_id, received_at FROM ${tables.messages} WHERE answered_at IS NULL`,
  );
  const baseline = time(() => [bare.all(), bareMessages.all()]);
  const result = {
    sites: SITES,
    columns: SITES * COLUMNS,
    resources: RESOURCES,
    messages: MESSAGES,
    rebuild: { events: head, seconds: round(rebuildSeconds), eventsPerSecond: Math.round(head / rebuildSeconds) },
    allSitesScorecardMs: all,
    oneSiteScorecardMs: one,
    baselineBareReadOfTheSameRowsMs: baseline,
    failingSites: cards.filter((c) => c.failed).length,
    target: 'p99 <= 50 ms',
    met: all.p99 <= 50 && one.p99 <= 50,
  };
  model.close();
  await store.close();
  dir.remove();
  return result;
}

function contentCheckBenchmark() {
  const rnd = random(11);
  // A real body: the sample corpus's regulations, joined until 100,000 characters.
  const corpus = readFileSync(SAMPLE_CORPUS_PATH, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { markdown: string }).markdown);
  let body = '';
  for (const text of corpus) {
    body += text;
    if (body.length >= BODY) break;
  }
  body = body.slice(0, BODY);
  const han = Array.from({ length: 3500 }, (_, i) => String.fromCharCode(0x4e00 + i));
  const expressions = new Set<string>();
  // One in a hundred is a phrase of the body (a hit); the rest are random Han strings, as most of a real list is.
  while (expressions.size < EXPRESSIONS / 100) {
    const at = Math.floor(rnd() * (body.length - 8));
    const phrase = body.slice(at, at + 2 + Math.floor(rnd() * 5));
    if (!/\s/.test(phrase)) expressions.add(phrase);
  }
  while (expressions.size < EXPRESSIONS)
    expressions.add(
      Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => han[Math.floor(rnd() * han.length)]).join(''),
    );
  const list = [...expressions];

  progress('building the matcher');
  const built = process.hrtime.bigint();
  const matcher = new PhraseMatcher(list);
  const buildMs = seconds(built) * 1000;
  const indexOfScan = () => {
    let hits = 0;
    for (const expression of list)
      for (let at = body.indexOf(expression); at >= 0; at = body.indexOf(expression, at + 1)) hits++;
    return hits;
  };
  const time = (f: () => number, runs: number) => {
    const samples: number[] = [];
    let hits = 0;
    f();
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      hits = f();
      samples.push(seconds(start) * 1000);
    }
    return { p50: round(median(samples)), p99: round(percentile(samples, 99)), hits };
  };
  progress('timing the matcher and the indexOf scan');
  const automaton = time(() => matcher.find(body).length, 50);
  const scan = time(indexOfScan, 10);
  return {
    bodyCharacters: body.length,
    expressions: list.length,
    matcherBuildMs: round(buildMs),
    ahoCorasickMs: automaton,
    baselineIndexOfScanMs: scan,
    sameHits: automaton.hits === scan.hits,
    speedupAtP50: round(scan.p50 / automaton.p50, 1),
  };
}

export async function supervisionBenchmark() {
  return { benchmark: 'supervision', scorecard: await scorecardBenchmark(), contentCheck: contentCheckBenchmark() };
}
