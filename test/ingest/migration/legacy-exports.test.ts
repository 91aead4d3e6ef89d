/**
 * R-LIB-4: each legacy export of `corpus/legacy/` and the sample corpus migrate by their example configuration alone,
 * with the counts their READMEs imply, bodies sanitised, GBK and gb2312 text intact, index numbers recorded as they
 * are, and uniform metadata valid against the taxonomy. Everything here is a dry run: the plan and its report.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateResourceMetadata } from '../../../domain/metadata/index.js';
import { MIGRATION_EXAMPLES } from '../../../ingest/migration/example-configurations.js';
import {
  loadMigration,
  type MigrationItem,
  type MigrationReport,
  planMigration,
  type RowOutcome,
} from '../../../ingest/migration/index.js';
import { mapRegulation, parseRegulations, STATE_COUNCIL } from '../../../ingest/national-regulations.js';
import { SAMPLE_CORPUS_PATH } from '../../../ingest/sample-corpus.js';

const RUN = { runId: 'run-test-1', migratedAt: '2026-12-01T10:00:00+08:00' };

interface Run {
  outcomes: RowOutcome[];
  items: MigrationItem[];
  report: MigrationReport;
}

async function run(file: string): Promise<Run> {
  const migration = await loadMigration(file);
  const plan = planMigration(migration, RUN);
  const outcomes: RowOutcome[] = [];
  for await (const outcome of plan.outcomes()) outcomes.push(outcome);
  const items = outcomes.flatMap((outcome) => (outcome.kind === 'item' ? [outcome.item] : []));
  return { outcomes, items, report: await plan.dryRun() };
}

const byId = (items: MigrationItem[], id: string) => items.find((item) => item.key.originalId === id);

/** What a sanitised body must never hold, in any form a browser would run or style. */
const UNSAFE = [/<script/i, /<iframe/i, /\son[a-z]+\s*=/i, /\sstyle\s*=/i, /javascript:/i, /<font/i];

function expectSafeBodies(items: MigrationItem[]) {
  const bodies = items
    .map((item) => item.metadata?.body ?? item.fields.body?.value)
    .filter((b) => typeof b === 'string');
  expect(bodies.length).toBeGreaterThan(0);
  for (const body of bodies as string[]) for (const pattern of UNSAFE) expect(body).not.toMatch(pattern);
}

function expectValidMetadata(items: MigrationItem[]) {
  for (const item of items.filter((i) => i.ready)) {
    expect(() => validateResourceMetadata(item.metadata)).not.toThrow();
    expect(item.metadata?.source).toEqual({
      system: item.provenance.system,
      originalId: item.provenance.originalId,
      ...(item.provenance.originalUrl ? { originalUrl: item.provenance.originalUrl } : {}),
      migratedAt: RUN.migratedAt,
    });
    expect(item.provenance.runId).toBe(RUN.runId);
    expect(item.rowHash).toMatch(/^[0-9a-f]{64}$/);
  }
}

describe('R-LIB-4 the 舒城县 CSV export (GBK) migrates by configuration', () => {
  let result: Run;
  beforeAll(async () => {
    result = await run(MIGRATION_EXAMPLES.shucheng);
  });

  it('R-LIB-4 reads every row, collapses the 8 rows exported twice and skips drafts and withdrawn rows', () => {
    // The file holds 447 records (439 ids, 8 of them written twice); the README's "455 rows" counts more than it has.
    const { rows, skipped, duplicates } = result.report;
    expect(rows).toMatchObject({ read: 447, duplicates: 8, conflicts: 0, skipped: 11, unreadable: 0, items: 428 });
    expect(skipped.byReason).toEqual({ draft: 5, withdrawn: 6 });
    expect(duplicates.map((d) => d.originalId).sort()).toEqual(
      ['A100019', 'A100103', 'A100108', 'A100162', 'A100209', 'A100371', 'A100380', 'A100424'].sort(),
    );
    expect(new Set(result.items.map((item) => item.key.originalId)).size).toBe(428);
    const skippedIds = skipped.rows.map((row) => row.originalId);
    for (const id of ['A100315', 'A100054', 'A100301', 'A100010']) expect(skippedIds).toContain(id);
    expect(result.items.some((item) => ['草稿', '已撤稿'].includes(String(item.fields.title?.original)))).toBe(false);
  });

  it('R-LIB-4 reports the rows with an empty title as held, never invents one', () => {
    const held = result.report.held.filter((h) => h.problems.some((p) => p.path === 'metadata.title'));
    expect(held.map((h) => h.originalId).sort()).toEqual(['A100145', 'A100379']);
    for (const id of ['A100145', 'A100379']) {
      const item = byId(result.items, id)!;
      expect(item.ready).toBe(false);
      expect(item.fields.title?.status).toBe('missing');
      expect(item.metadata).toBeUndefined();
    }
  });

  it('R-LIB-4 keeps GBK text intact', () => {
    expect(byId(result.items, 'A100070')?.metadata?.title).toBe(
      '最高人民法院、最高人民检察院关于办理非法制造、买卖、运输、储存毒鼠强等禁用剧毒化学品刑事案件具体应用法律若干问题的解释',
    );
    expect(byId(result.items, 'A100232')?.metadata?.title).toBe(
      '最高人民法院关于审理垄断民事纠纷案件适用法律若干问题的解释',
    );
    expect(byId(result.items, 'A100414')?.metadata?.title).toBe(
      '最高人民法院关于适用《中华人民共和国民事诉讼法》的解释',
    );
    // — (U+2014) is in GBK but not in GB2312: a decoder that is only GB2312 would lose it.
    expect(byId(result.items, 'A100135')?.metadata?.body).toContain('—');
    expect(result.items.every((item) => !JSON.stringify(item.fields).includes('\uFFFD'))).toBe(true);
  });

  it('R-LIB-4 flags the characters the GBK export lost as ?, keeping the text for a person', () => {
    const lost = result.report.flags.filter((f) => f.field === 'body').map((f) => f.originalId);
    expect(lost.sort()).toEqual(['A100001', 'A100163', 'A100289', 'A100366'].sort());
    expect(byId(result.items, 'A100001')?.fields.body?.status).toBe('flagged');
    expect(byId(result.items, 'A100001')?.metadata?.body).toContain('?');
  });

  it('R-LIB-4 normalises dates, document numbers and publishers with the domain rules, flagging what cannot be repaired', () => {
    const a100232 = byId(result.items, 'A100232')!;
    expect(a100232.metadata).toMatchObject({ docNumber: '法释〔2024〕6号', writtenAt: '2024-02-04' });
    expect(a100232.original.publishedAt).toBe('2024-06-24T14:35:00+08:00');
    const impossible = result.report.flags.find((f) => f.field === 'writtenAt');
    expect(impossible?.original).toBe('2018年13月45日');
    const item = byId(result.items, impossible!.originalId!)!;
    expect(item.metadata?.writtenAt ?? item.fields.writtenAt?.value).toBeUndefined();
    const abbreviated = result.items.filter((i) => i.fields.publisher?.original === '最高法');
    expect(abbreviated.length).toBeGreaterThan(100);
    for (const i of abbreviated) {
      expect(i.fields.publisher?.value).toBe('最高人民法院');
      expect(i.fields.publisher?.status).toBe('normalised');
    }
    expect(result.report.fields.publisher?.missing).toBe(1);
  });

  it('R-LIB-4 maps old subjects through the table and proposes the rest, marked as proposals', () => {
    const { fields, proposals } = result.report;
    expect(fields.subject?.normalised).toBeGreaterThan(0);
    expect(fields.subject?.proposed).toBe(proposals.length);
    for (const proposal of proposals) {
      expect(proposal.confidence).toBeGreaterThanOrEqual(0.5);
      expect(proposal.evidence.length).toBeGreaterThan(0);
      const item = byId(result.items, proposal.originalId!)!;
      expect(item.proposals).toContainEqual(expect.objectContaining({ field: 'subject', value: proposal.value }));
      expect(item.fields.subject?.status).toBe('proposed');
    }
    const mapped = result.items.find((i) => i.fields.subject?.original === '政法')!;
    expect(mapped.metadata?.subject).toBe('公安、安全、司法/司法');
    expect(mapped.proposals).toEqual([]);
  });

  it('R-LIB-4 sanitises every body: no script, iframe, event handler, inline style or javascript: link', () => {
    const raw = readFileSync(new URL('../../../corpus/legacy/shucheng-old-cms.csv', import.meta.url));
    const text = new TextDecoder('gbk').decode(raw);
    expect(text).toMatch(/<script/);
    expect(text).toMatch(/onclick=/);
    expect(text).toMatch(/<iframe/);
    expectSafeBodies(result.items);
    expect(result.report.messages.some((m) => m.field === 'body' && /<script>/.test(m.message))).toBe(true);
  });

  it('R-LIB-4 gives every ready item valid uniform metadata, a column and its provenance', () => {
    expectValidMetadata(result.items);
    expect(result.report.rows.ready).toBe(424);
    expect(new Set(result.items.map((i) => i.columnId))).toEqual(
      new Set(['notices', 'policies', 'laws', 'interpretations']),
    );
  });
});

describe('R-LIB-4 the 金安区 crawled pages migrate by configuration', () => {
  let result: Run;
  beforeAll(async () => {
    result = await run(MIGRATION_EXAMPLES.jinan);
  });

  it('R-LIB-4 reads all 263 pages, decoding the gb2312 ones by their declared charset', () => {
    expect(result.report.rows).toMatchObject({ read: 263, items: 263, skipped: 0, unreadable: 0 });
    expect(result.report.encodings).toEqual({ 'UTF-8': 254, GBK: 9 });
    const titles = Object.fromEntries(result.items.map((item) => [item.key.originalId, item.metadata?.title]));
    expect(titles['content_20009.html']).toBe('中华人民共和国会计法');
    expect(titles['art_20116.html']).toBe('中华人民共和国反间谍法');
    expect(titles['content_20207.html']).toBe('中华人民共和国黑土地保护法');
    expect(titles['art_20000.html']).toBe('中华人民共和国个人所得税法');
    expect(byId(result.items, 'content_20009.html')?.metadata?.body).toContain('第一条');
  });

  it('R-LIB-4 keeps well-formed old index numbers and records malformed ones as such', () => {
    expect(result.report.oldIndexNumbers).toEqual({ wellFormed: 249, malformed: 9, none: 5 });
    expect(byId(result.items, 'art_20000.html')?.original.indexNumber).toMatchObject({
      value: '11341502MB1P04557X/2018-00001',
      wellFormed: true,
    });
    expect(byId(result.items, 'art_20076.html')?.original.indexNumber).toMatchObject({
      value: '11341502MB1P04557X-2016-00077',
      wellFormed: false,
    });
    expect(result.report.flags.filter((f) => f.field === 'original.indexNumber')).toHaveLength(9);
  });

  it('R-LIB-4 reads the metadata table by its labels and maps the breadcrumbs to columns', () => {
    const item = byId(result.items, 'art_20000.html')!;
    expect(item.metadata).toMatchObject({ publisher: '全国人民代表大会常务委员会', writtenAt: '1980-09-10' });
    expect(item.original.publishedAt).toBe('2018-08-31T12:25:00+08:00');
    expect(item.columnId).toBe('policies');
    expect(new Set(result.items.map((i) => i.columnId))).toEqual(new Set(['laws', 'policies']));
  });

  it('R-LIB-4 narrows an old top-level class within its category, never outside it', () => {
    for (const item of result.items) {
      const old = String(item.fields.subject?.original ?? '');
      if (['财政、金融、审计', '劳动、人事、监察', '市场监管、安全生产监管'].includes(old)) {
        expect(item.metadata?.subject?.startsWith(`${old}/`)).toBe(true);
      }
    }
  });

  it('R-LIB-4 sanitises every body and gives valid metadata', () => {
    expectSafeBodies(result.items);
    expectValidMetadata(result.items);
    expect(result.report.held.map((h) => h.originalId)).toEqual(['content_20115.html']);
  });
});

describe('R-LIB-4 the 教育体育局 JSON export migrates by configuration', () => {
  let result: Run;
  beforeAll(async () => {
    result = await run(MIGRATION_EXAMPLES.edu);
  });

  it('R-LIB-4 reads the 127 items the export declares and skips DRAFT and DELETED ones', () => {
    expect(result.report.rows).toMatchObject({ read: 127, items: 122, skipped: 5, duplicates: 0 });
    expect(result.report.skipped.byReason).toEqual({ draft: 4, deleted: 1 });
    expect(result.report.notices).toContain('the export declares 127 items and has them all');
  });

  it('R-LIB-4 writes epoch times in Beijing time and replaces a wrong credit code by the table, saying so', () => {
    const first = byId(result.items, '7000')!;
    expect(first.original.publishedAt).toBe('1998-06-26T15:15:00+08:00');
    const wrongCode = result.items.find((i) => i.fields.publisherCode?.notes.some((n) => /check character/.test(n)))!;
    expect(wrongCode.metadata?.publisherCode ?? wrongCode.fields.publisherCode?.value).toMatch(/^[0-9A-Z]{18}$/);
    expect(wrongCode.fields.publisherCode?.notes[0]).toMatch(/^alternative 1 flagged: 11100000000012563K/);
  });

  it('R-LIB-4 keeps Markdown bodies, classifies items without a class, and holds what lacks a publisher', () => {
    expect(result.report.fields.subject?.proposed).toBeGreaterThan(50);
    expect(result.report.fields.subject?.given).toBe(0);
    const noPublisher = result.report.held.filter((h) => h.problems.some((p) => p.path === 'metadata.publisher'));
    expect(noPublisher).toHaveLength(29);
    expectSafeBodies(result.items);
    expectValidMetadata(result.items);
    const withAngle = byId(result.items, '7062')!;
    expect(withAngle.fields.body?.value).toContain('<机动车登记规定>');
  });
});

describe('R-LIB-4 the sample corpus migrates by configuration as its loader code maps it', () => {
  let result: Run;
  beforeAll(async () => {
    result = await run(MIGRATION_EXAMPLES.nationalRegulations);
  });

  it('R-LIB-4 maps all 683 regulations to the same metadata as ingest/national-regulations.ts', () => {
    expect(result.report.rows).toMatchObject({ read: 683, items: 683, ready: 683, skipped: 0 });
    const corpus = parseRegulations(readFileSync(SAMPLE_CORPUS_PATH, 'utf8'));
    const mapping = { ...STATE_COUNCIL, migratedAt: RUN.migratedAt };
    const compared = [
      'title',
      'summary',
      'body',
      'publisher',
      'publisherCode',
      'docNumber',
      'writtenAt',
      'effectiveAt',
      'genre',
      'validity',
      'source',
    ] as const;
    corpus.forEach((regulation, i) => {
      const expected = mapRegulation(regulation, mapping);
      const item = result.items[i]!;
      expect(item.resourceId).toBe(expected.resourceId);
      for (const field of compared)
        expect(item.metadata?.[field], `${regulation.path} ${field}`).toEqual(expected.metadata[field]);
    });
  });

  it('R-LIB-4 proposes subjects for the unclassified corpus instead of asserting the catch-all', () => {
    const { fields, proposals } = result.report;
    expect(fields.subject?.proposed).toBe(proposals.length);
    expect((fields.subject?.proposed ?? 0) + (fields.subject?.defaulted ?? 0)).toBe(683);
    const tax = result.items.find((i) => i.metadata?.title === '中华人民共和国个人所得税法实施条例');
    expect(tax?.metadata?.subject).toBe('财政、金融、审计/税务');
    expectValidMetadata(result.items);
  });
});
