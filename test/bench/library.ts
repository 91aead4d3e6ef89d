/**
 * The resource library at scale: the sample corpus, loaded through the real command path, then replicated with
 * varied titles (and fresh ids and index numbers) to RESOURCES resources by copying the events the command path
 * wrote, so the log holds exactly what production would.
 *   (a) rebuild throughput: events → searchable documents, against jieba + INSERT into a bare FTS5 table in the same run;
 *   (b) search latency p50/p99 over a fixed set of queries (words, phrases, exclusions, filters, facets, deep pages), and RSS;
 *   (c) freshness: publication → visible in search, with the projection following live.
 * (b) is set beside the engine beneath it: the same query texts as bare FTS5 `MATCH … ORDER BY bm25 LIMIT 20` on the
 * baseline table of (a), whose p99 the search's p99 is reported against as a ratio (target: at most 2).
 * With OPENSEARCH_URL set, (a)-(c) are measured on OpenSearch too, on the same log in the same run (a fresh index
 * prefix, dropped at the end), and `sideBySide` puts the two adapters' figures next to each other.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '../../domain/event-store/event.js';
import type { OpenSearchSearchIndex } from '../../infra/search/opensearch/opensearch-search-index.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import { loadRegulations } from '../../ingest/load-regulations.js';
import { LIBRARY_PROJECTION_VERSION, libraryProjection } from '../../projections/library/library-projection.js';
import type { SearchIndex, SearchQuery } from '../../projections/library/search-index.js';
import { generationOf } from '../../projections/runner/projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { sampleMetadata } from '../support/fixtures.js';
import { corpus, REGULATION_MAPPING, scratchOpenSearchIndex } from '../support/library-platform.js';
import { at, type PlatformFixture, staffedPlatform } from '../support/platform-fixture.js';
import { median, percentile, progress, round, seconds } from './measure.js';

const RESOURCES = Number(process.env.BENCH_LIBRARY_RESOURCES ?? 100_000);
const FRESHNESS_SAMPLES = 100;
const COPY_BODY = 2_000;
const VARIANTS = ['（修订）', '（试行）', '实施办法', '配套规定', '补充通知', '解读', '（征求意见稿）', '执行细则'];
const PLACES = ['六安市', '金安区', '裕安区', '叶集区', '霍邱县', '舒城县', '金寨县', '霍山县'];

/** Copies one resource's events under a new id and title, as if another resource had gone through the same steps. */
function replicate(events: RecordedEvent[], copy: number, sequence: number): { streamId: string; events: NewEvent[] } {
  const resourceId = `copy-${copy}`;
  const suffix = `${PLACES[copy % PLACES.length]}${VARIANTS[Math.floor(copy / PLACES.length) % VARIANTS.length]}第${copy}号`;
  // Sequences run past one year's 99,999 numbers: later copies go to earlier years.
  const year = 2026 - Math.floor(sequence / 99_999);
  const indexNumber = `${REGULATION_MAPPING.publisherCode}/${year}-${String((sequence % 99_999) + 1).padStart(5, '0')}`;
  return {
    streamId: `resource-${resourceId}`,
    events: events.map((e) => {
      const data = structuredClone(e.data) as Record<string, unknown>;
      data.resourceId = resourceId;
      const metadata = data.metadata as Record<string, unknown> | undefined;
      if (metadata) {
        metadata.title = `${metadata.title as string}${suffix}`;
        // Copies carry the first COPY_BODY characters of the regulation: the length of a typical web article, where
        // the originals (14,000 characters on average) would make the benchmark measure jieba on statute books.
        if (typeof metadata.body === 'string') metadata.body = metadata.body.slice(0, COPY_BODY);
      }
      if (e.type === 'ResourcePublished') data.indexNumber = indexNumber;
      return { id: randomUUID(), type: e.type, data: data as NewEvent['data'], metadata: e.metadata };
    }),
  };
}

function queries(): SearchQuery[] {
  const words = [
    '集约化',
    '安全生产',
    '环境保护',
    '知识产权',
    '海关',
    '税收',
    '土地',
    '食品',
    '药品',
    '教育',
    '交通运输',
    '消防',
    '森林',
    '矿产资源',
    '社会保险',
    '价格',
  ];
  const phrases = [
    '"国务院批准"',
    '"本条例自发布之日起施行"',
    '"县级以上人民政府"',
    '"行政处罚"',
    '"法律责任"',
    '"主管部门"',
  ];
  const list: SearchQuery[] = [
    ...words.map((text) => ({ text })),
    ...phrases.map((text) => ({ text })),
    ...words.slice(0, 6).map((text) => ({ text: `${text} -罚款` })),
    ...words.slice(0, 6).map((text) => ({ text, filters: { genres: ['条例'] }, facets: ['genre', 'year'] as const })),
    ...words
      .slice(6, 12)
      .map((text) => ({ text, sort: 'newest' as const, filters: { publishedAt: { from: '2026-01-01' } } })),
    { text: '管理', facets: ['subject', 'genre', 'site', 'year'] },
    { facets: ['subject', 'genre', 'site', 'year'], first: 20 },
    { text: '条例', first: 50 },
    { text: '规定 管理' },
    { text: '人民政府 监督' },
    { filters: { genres: ['办法'] }, sort: 'newest' },
    // Every other filter of the port, each with a word.
    { text: '安全', filters: { columns: ['jinan/notices'] } },
    { text: '监督', filters: { siteIds: ['jinan'] }, sort: 'oldest' },
    { text: '许可', filters: { validity: ['有效'] } },
    { text: '保护', filters: { resourceTypes: ['policy'] } },
    { text: '国务院', filters: { publishers: ['中华人民共和国国务院'] } },
    {
      text: '条例',
      filters: { subjects: ['其他'], writtenAt: { from: '2000-01-01', to: '2010-12-31' } },
      facets: ['year'],
    },
  ];
  return list.map((q) => ({ ...q, facets: q.facets ? [...q.facets] : undefined }) as SearchQuery);
}

/**
 * A query's text as the bare engine's MATCH over the baseline table (jieba cutForSearch tokens): each word the AND of
 * its precise-mode words (which cutForSearch also emits), each "phrase" the phrase of its cutForSearch tokens (the
 * same tokens the phrase has in the text), each -exclusion a NOT. Null for a query without text (a listing, which
 * the bare engine has no counterpart of).
 */
function bareMatch(text: string | undefined, jieba: Jieba): string | null {
  if (text === undefined || text.trim() === '') return null;
  const quote = (tokens: string[]) => `"${tokens.join(' ').replaceAll('"', '""')}"`;
  const tokensOf = (words: string[]) => words.filter((word) => /[\p{L}\p{N}]/u.test(word));
  const include: string[] = [];
  const exclude: string[] = [];
  for (const match of text.matchAll(/(-?)(?:"([^"]+)"|(\S+))/gu)) {
    const [, minus, phrase, word] = match;
    const part =
      phrase !== undefined
        ? quote(tokensOf(jieba.cutForSearch(phrase, true)))
        : tokensOf(jieba.cut(word!, true))
            .map((token) => quote([token]))
            .join(' AND ');
    (minus === '-' ? exclude : include).push(`(${part})`);
  }
  const positive = include.join(' AND ');
  return exclude.length === 0 ? positive : `${positive} NOT (${exclude.join(' OR ')})`;
}

/** (b) beside the engine: each text once to warm up, then five rounds, as searchLatencies does. */
function bareLatencies(baseline: Database.Database, matches: string[]) {
  const search = baseline.prepare('SELECT rowid, bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 20');
  for (const match of matches) search.all(match);
  const latencies: number[] = [];
  const timed: Array<{ ms: number; match: string }> = [];
  for (let round = 0; round < 5; round++) {
    for (const match of matches) {
      const t = process.hrtime.bigint();
      search.all(match);
      latencies.push(seconds(t) * 1000);
      timed.push({ ms: latencies.at(-1)!, match });
    }
  }
  return { latencies, timed };
}

/** (a) events → searchable documents: a full rebuild of the library into a generation of the current version. */
async function rebuildInto(store: PlatformFixture['store'], searchIndex: SearchIndex) {
  const start = process.hrtime.bigint();
  // A generation of the current version, so that the live runner of (c) follows it rather than building another.
  const rebuild = new ProjectionRunner(store, libraryProjection(searchIndex), {
    generation: generationOf(LIBRARY_PROJECTION_VERSION, 'bench'),
  });
  await rebuild.start();
  const rebuildSeconds = seconds(start);
  await rebuild.stop();
  const documents = (await searchIndex.search({ first: 1 })).total;
  return { documents, rebuildSeconds, rate: documents / rebuildSeconds };
}

/** (b) each query once to warm up, then five rounds, with five deep pages of the first query in the first round. */
async function searchLatencies(searchIndex: SearchIndex, set: SearchQuery[]) {
  const latencies: number[] = [];
  /** Each search's latency with its query, to name the slowest. */
  const timed: Array<{ ms: number; query: SearchQuery }> = [];
  for (const q of set) await searchIndex.search(q);
  for (let round = 0; round < 5; round++) {
    for (const q of set) {
      const t = process.hrtime.bigint();
      let page = await searchIndex.search(q);
      latencies.push(seconds(t) * 1000);
      timed.push({ ms: latencies.at(-1)!, query: q });
      // Deep pages: follow the cursor five pages down for the first queries.
      if (round === 0 && q === set[0]) {
        for (let i = 0; i < 5 && page.endCursor; i++) {
          const t2 = process.hrtime.bigint();
          page = await searchIndex.search({ ...q, after: page.endCursor });
          latencies.push(seconds(t2) * 1000);
        }
      }
    }
  }
  return { latencies, timed };
}

/** (c) publish and wait until a search finds it, with the projection live; samples numbered from `first`. */
async function freshnessOf(fixture: PlatformFixture, searchIndex: SearchIndex, first: number): Promise<number[]> {
  const { platform, store } = fixture;
  const live = new ProjectionRunner(store, libraryProjection(searchIndex));
  await live.start();
  const freshness: number[] = [];
  for (let i = first; i < first + FRESHNESS_SAMPLES; i++) {
    const resourceId = `fresh-${i}`;
    const word = `鲜度测试${i}号`;
    await platform.execute(
      'DraftResource',
      { resourceId, siteId: 'jinan', metadata: sampleMetadata({ title: `关于${word}的通知` }) },
      at('wang'),
    );
    await platform.execute('SubmitResource', { resourceId }, at('wang'));
    await platform.execute('PassFirstReview', { resourceId }, at('zhao'));
    await platform.execute('PassSecondReview', { resourceId }, at('li'));
    await platform.execute('PassFinalReview', { resourceId }, at('chen'));
    const t = process.hrtime.bigint();
    await platform.execute('PublishResource', { resourceId, columnIds: ['notices'] }, at('chen'));
    // Poll the way a client would, a few times a millisecond at most, and give up after ten seconds.
    for (let tries = 0; ; tries++) {
      const page = await searchIndex.search({ text: `"${word}"`, first: 1 });
      if (page.hits[0]?.document.resourceId === resourceId) break;
      if (seconds(t) > 10) throw new Error(`${resourceId} not searchable after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, tries < 10 ? 0 : 2));
    }
    freshness.push(seconds(t) * 1000);
  }
  await live.stop();
  return freshness;
}

/** (a)-(c) on OpenSearch, after the embedded run, on the same log (which by then holds the embedded's fresh ones). */
async function openSearchFigures(fixture: PlatformFixture, searchIndex: OpenSearchSearchIndex, set: SearchQuery[]) {
  progress('(a) OpenSearch: rebuilding the library from the log');
  const rebuilt = await rebuildInto(fixture.store, searchIndex);
  progress(`(a) OpenSearch: ${Math.round(rebuilt.rate)} documents/s rebuilt`);
  progress('(b) OpenSearch: search latency');
  const { latencies, timed } = await searchLatencies(searchIndex, set);
  progress(
    `(b) OpenSearch: p50 ${round(median(latencies), 2)} ms, p99 ${round(percentile(latencies, 99), 2)} ms over ${latencies.length} searches`,
  );
  progress('(c) OpenSearch: freshness');
  const freshness = await freshnessOf(fixture, searchIndex, FRESHNESS_SAMPLES);
  return { rebuilt, latencies, timed, freshness };
}

export async function libraryBenchmark() {
  const fixture = await staffedPlatform();
  const { platform, store, dataDir } = fixture;
  const searchIndex = openSqliteSearchIndex(dataDir);
  const openSearchUrl = process.env.OPENSEARCH_URL;
  const openSearch = openSearchUrl ? await scratchOpenSearchIndex(openSearchUrl, 'bench') : undefined;
  try {
    // The sample corpus through the real command path.
    const items = corpus();
    progress(`loading ${items.length} regulations through the command path`);
    const report = await loadRegulations(platform, items, REGULATION_MAPPING, {
      siteId: 'jinan',
      columnId: 'notices',
      staff: { editor: 'wang', firstReviewer: 'zhao', reviewer: 'li', approver: 'chen' },
      concurrency: 16,
    });
    if (report.failed.length > 0) throw new Error(`corpus load failed: ${JSON.stringify(report.failed.slice(0, 3))}`);
    const originals = new Map<string, RecordedEvent[]>();
    for (const e of await store.readAll({ maxCount: 100_000, filter: { streamPrefixes: ['resource-'] } })) {
      originals.set(e.streamId, [...(originals.get(e.streamId) ?? []), e]);
    }
    const templates = [...originals.values()];
    progress(`replicating to ${RESOURCES} resources`);
    const pending: Array<Promise<unknown>> = [];
    for (let copy = templates.length, sequence = templates.length + 1; copy < RESOURCES; copy++, sequence++) {
      const { streamId, events } = replicate(templates[copy % templates.length]!, copy, sequence);
      // Up to 64 appends in flight share commits; all of them are awaited before the log is measured.
      pending.push(store.append(streamId, events, { expectedRevision: 'no_stream' }));
      if (pending.length === 64) await Promise.all(pending.splice(0));
      if (copy % 10_000 === 0) progress(`  ${copy} resources`);
    }
    await Promise.all(pending);
    const head = (await store.headPosition())!;
    const published = (await store.readAll({ maxCount: 100_000, filter: { eventTypes: ['ResourcePublished'] } }))
      .length;

    // (a) rebuild, then the baseline over the same published documents.
    progress('(a) rebuilding the library from the log');
    const { documents, rebuildSeconds, rate: rebuildRate } = await rebuildInto(store, searchIndex);

    progress('(a) baseline: jieba + INSERT into a bare FTS5 table');
    const jieba = Jieba.withDict(dict);
    const raw = new Database(`${dataDir}/baseline.sqlite`);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize = 'unicode61')");
    const insert = raw.prepare('INSERT INTO docs (title, body) VALUES (?, ?)');
    const start = process.hrtime.bigint();
    let after: number | undefined;
    let baselineDocs = 0;
    for (;;) {
      const page = await store.readAll({
        maxCount: 2_000,
        filter: { eventTypes: ['ResourcePublished'] },
        ...(after === undefined ? {} : { after }),
      });
      if (page.length === 0) break;
      raw.transaction(() => {
        for (const e of page) {
          const metadata = (e.data as { metadata: { title: string; body?: string } }).metadata;
          insert.run(
            jieba.cutForSearch(metadata.title, true).join(' '),
            jieba.cutForSearch(metadata.body ?? '', true).join(' '),
          );
          baselineDocs++;
        }
      })();
      after = page[page.length - 1]!.position;
    }
    const baselineSeconds = seconds(start);
    const baselineRate = baselineDocs / baselineSeconds;
    progress(`(a) ${Math.round(rebuildRate)} documents/s rebuilt, baseline ${Math.round(baselineRate)}/s`);

    // (b) search latency on the rebuilt library.
    progress('(b) search latency');
    const set = queries();
    const { latencies, timed } = await searchLatencies(searchIndex, set);

    progress(
      `(b) p50 ${round(median(latencies), 2)} ms, p99 ${round(percentile(latencies, 99), 2)} ms over ${latencies.length} searches`,
    );
    progress('(b) the same texts on the bare engine: MATCH … ORDER BY bm25 LIMIT 20 on the baseline table');
    const withText = set.flatMap((query) => {
      const match = bareMatch(query.text, jieba);
      return match === null ? [] : [{ query, match }];
    });
    const bare = bareLatencies(
      raw,
      withText.map(({ match }) => match),
    );
    raw.close();
    // The project's latencies of the same texts (its filters, facets and sorts included), from (b)'s five rounds.
    const sameTexts = timed.filter(({ query }) => withText.some((q) => q.query === query)).map(({ ms }) => ms);
    const bareP99 = percentile(bare.latencies, 99);
    progress(
      `(b) bare engine: p50 ${round(median(bare.latencies), 2)} ms, p99 ${round(bareP99, 2)} ms over ${bare.latencies.length} searches`,
    );

    const rssMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);

    // (c) freshness: publish and wait until a search finds it, with the projection live.
    progress('(c) freshness');
    const freshness = await freshnessOf(fixture, searchIndex, 0);
    const embeddedBytes = ['library.sqlite', 'library.sqlite-wal']
      .map((file) => join(dataDir, file))
      .filter((file) => existsSync(file))
      .reduce((sum, file) => sum + statSync(file).size, 0);
    const other = openSearch === undefined ? undefined : await openSearchFigures(fixture, openSearch.index, set);

    const ratio = round(rebuildRate / baselineRate, 3);
    const p99 = percentile(latencies, 99);
    const freshP99 = percentile(freshness, 99);
    return {
      benchmark: 'library',
      node: process.version,
      corpus: {
        regulations: items.length,
        resources: RESOURCES,
        copiesBodyCharacters: COPY_BODY,
        publishedEvents: published,
        logHead: head,
        documents,
      },
      results: [
        {
          name: 'rebuild: events → searchable documents',
          documentsPerSecond: Math.round(rebuildRate),
          seconds: round(rebuildSeconds, 1),
          baselineDocumentsPerSecond: Math.round(baselineRate),
          baseline: 'jieba cutForSearch + INSERT into a bare FTS5 table, 2,000 per transaction, same documents',
          ratio,
          target: 0.5,
          meetsTarget: ratio >= 0.5,
        },
        {
          name: 'search latency',
          queries: latencies.length,
          distinctQueries: set.length,
          p50ms: round(median(latencies), 2),
          p99ms: round(p99, 2),
          targetP99ms: 50,
          meetsTarget: p99 <= 50,
          rssMiB,
          slowest: [...timed]
            .sort((a, b) => b.ms - a.ms)
            .slice(0, 8)
            .map(({ ms, query }) => ({ ms: round(ms, 1), query })),
        },
        {
          name: 'search latency against the bare engine',
          engine:
            'FTS5 MATCH … ORDER BY bm25 LIMIT 20 on the baseline table of the rebuild (jieba cutForSearch tokens)',
          texts: withText.length,
          bare: {
            searches: bare.latencies.length,
            p50ms: round(median(bare.latencies), 2),
            p99ms: round(bareP99, 2),
            slowest: [...bare.timed]
              .sort((a, b) => b.ms - a.ms)
              .slice(0, 5)
              .map(({ ms, match }) => ({ ms: round(ms, 1), match })),
          },
          project: {
            searches: latencies.length,
            p50ms: round(median(latencies), 2),
            p99ms: round(p99, 2),
            sameTextsP50ms: round(median(sameTexts), 2),
            sameTextsP99ms: round(percentile(sameTexts, 99), 2),
          },
          p50Ratio: round(median(latencies) / median(bare.latencies), 2),
          p99Ratio: round(p99 / bareP99, 2),
          sameTextsP99Ratio: round(percentile(sameTexts, 99) / bareP99, 2),
          targetP99Ratio: 2,
          meetsTarget: p99 / bareP99 <= 2,
        },
        {
          name: 'freshness: publication → visible in search',
          samples: freshness.length,
          p50ms: round(median(freshness), 2),
          p99ms: round(freshP99, 2),
          targetP99ms: 200,
          meetsTarget: freshP99 <= 200,
        },
      ],
      ...(other === undefined || openSearch === undefined || openSearchUrl === undefined
        ? {}
        : sideBySide(
            {
              rebuildRate,
              latencies,
              freshness,
              bytes: embeddedBytes,
            },
            {
              rebuildRate: other.rebuilt.rate,
              rebuildSeconds: other.rebuilt.rebuildSeconds,
              documents: other.rebuilt.documents,
              latencies: other.latencies,
              timed: other.timed,
              freshness: other.freshness,
              bytes: await openSearchBytes(openSearchUrl, openSearch.prefix),
            },
          )),
    };
  } finally {
    await searchIndex.close();
    await openSearch?.drop();
    await fixture.dispose();
  }
}

/** The size on disk of the library's OpenSearch indices (primary store: one node, no replicas here). */
async function openSearchBytes(url: string, prefix: string): Promise<number> {
  const response = await fetch(`${url}/_cat/indices/${prefix}library-*?format=json&bytes=b&h=index,pri.store.size`);
  const rows = (await response.json()) as Array<{ 'pri.store.size': string }>;
  return rows.reduce((sum, row) => sum + Number(row['pri.store.size']), 0);
}

interface AdapterFigures {
  rebuildRate: number;
  latencies: number[];
  freshness: number[];
  bytes: number;
}

function sideBySide(
  embedded: AdapterFigures,
  openSearch: AdapterFigures & {
    rebuildSeconds: number;
    documents: number;
    timed: Array<{ ms: number; query: SearchQuery }>;
  },
) {
  const figures = (f: AdapterFigures) => ({
    rebuildDocumentsPerSecond: Math.round(f.rebuildRate),
    searchP50ms: round(median(f.latencies), 2),
    searchP99ms: round(percentile(f.latencies, 99), 2),
    freshnessP50ms: round(median(f.freshness), 2),
    freshnessP99ms: round(percentile(f.freshness, 99), 2),
    indexMiB: round(f.bytes / 1024 / 1024, 1),
  });
  return {
    opensearch: {
      documents: openSearch.documents,
      rebuildSeconds: round(openSearch.rebuildSeconds, 1),
      searches: openSearch.latencies.length,
      slowest: openSearch.timed
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 8)
        .map(({ ms, query }) => ({ ms: round(ms, 1), query })),
      freshnessSamples: openSearch.freshness.length,
    },
    sideBySide: { embedded: figures(embedded), opensearch: figures(openSearch) },
  };
}
