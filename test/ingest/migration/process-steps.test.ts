/**
 * R-LIB-4: the process steps cleanse with the domain's rules and say what they did; what cannot be repaired with
 * confidence is flagged and never stored as a guess; drafts are skipped, exact duplicates collapse, conflicting
 * rows are held; a row's hash is stable; an incremental run passes over rows before the high-water mark; the report
 * counts every field and comes out as CSV too.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fieldsCsv,
  loadMigration,
  type MigrationItem,
  type MigrationReport,
  planMigration,
  type RowOutcome,
  rowsCsv,
} from '../../../ingest/migration/index.js';
import { canonicalJson, rowHash } from '../../../ingest/migration/row-hash.js';
import { jsonl, type MigrationFolder, migrationFolder } from './migration-files.js';

const CONFIG = `
migration: steps-test
source:
  system: 测试旧站
  reader: { type: jsonl, path: export.jsonl }
  id: id
  url: url
  watermark: { from: modified, steps: [{ datetime: { assumeOffset: '+08:00', timeUnreadable: drop } }] }
  skip:
    - { when: status, in: [draft], reason: draft }
    - { when: status, matches: '^(deleted|gone)$', reason: deleted }
destination:
  site: test
  column: { from: column, steps: [{ lookup: { table: columns } }] }
original:
  publishedAt: { from: published, steps: [{ datetime: { assumeOffset: '+08:00', timeUnreadable: drop } }] }
  indexNumber: { from: index, steps: [trim, indexNumber] }
fields:
  title: { from: title, steps: [whitespace, lostCharacters] }
  body:
    first:
      - { from: html, steps: [sanitizeHtml, whitespace] }
      - { from: markdown, steps: [markdown] }
  publisher: { from: org, steps: [trim, { lookup: { table: publishers, column: name } }] }
  publisherCode:
    first:
      - { from: code, steps: [organisationCode] }
      - { from: org, steps: [trim, { lookup: { table: publishers, column: code } }] }
  docNumber: { from: number, steps: [docNumber] }
  writtenAt: { from: written, steps: [date] }
  subject:
    from: class
    steps:
      - { lookup: { table: subjects, else: keep } }
      - classify: { title: title, text: { first: [{ from: html, steps: [htmlText] }, markdown] } }
  genre: { from: title, steps: [{ lookup: { table: genres, match: suffix, else: missing } }, { default: 其他 }] }
  keywords: { from: tags, steps: [{ split: { pattern: '[,，\\s]+' } }, unique] }
  disclosure: { value: 主动公开 }
  validity: { value: 有效 }
  resourceType: { value: notice }
  format: { value: text/html }
tables:
  publishers:
    entries:
      县政府办: { name: 测试县人民政府办公室, code: 11100000000014001A }
      测试县人民政府办公室: { name: 测试县人民政府办公室, code: 11100000000014001A }
  subjects: { entries: { 政务: 综合政务/政务公开 } }
  columns: { entries: { 通知: notices } }
  genres: { entries: { 通知: 通知, 办法: 办法 } }
`;

const BASE = {
  url: 'http://old.example/1.html',
  modified: '2021-12-20 09:00',
  published: '2021年12月16日 10:30',
  index: '11341502MB1P04557X/2021-00001',
  column: '通知',
  org: '县政府办',
  written: '2021.12.16',
  class: '政务',
  status: 'published',
  title: '关于做好政府信息公开工作的通知',
  html: '<p>各乡镇：</p><p>现将有关事项通知如下。</p>',
  tags: '公开，政务 公开',
};

const ROWS = [
  { ...BASE, id: 'n1' },
  {
    ...BASE,
    id: 'n2',
    written: '2013年13月45日',
    number: '六政办秘〔2021148',
    org: '测试县人民政府办公室',
    code: '11100000000012563K',
    index: '11341502MB1P04557X-2021-00002',
    published: '20211216T10:30:00+08:00',
    html: '<p style="text-indent:2em" onclick="go()">正文<font face="仿宋">一</font><script>alert(1)</script></p><iframe src="//v.example/x"></iframe><p><a href="javascript:void(0)" onclick="window.print()">【打印本页】</a><a href="/xxgk/2.html">相关</a></p>',
  },
  { ...BASE, id: 'n3', status: 'draft' },
  { ...BASE, id: 'n4', status: 'gone' },
  { ...BASE, id: 'n1' },
  {
    ...BASE,
    id: 'n5',
    title: '关于印发政府信息公开?理办法的通知',
    org: '某某局',
    class: '',
    number: '六政办〔98〕3号',
  },
  { ...BASE, id: 'n5', title: '另一个版本的通知' },
  {
    ...BASE,
    id: 'n6',
    html: undefined,
    markdown:
      '第一条 为规范学校教育教师管理。\n\n<script>alert(1)</script>\n\n见《关于修改<机动车登记规定>的决定》，<span onclick="x()">教育</span>。',
    class: '科技、教育',
    title: '学校管理办法',
    modified: '2020-01-01 08:00',
  },
  { ...BASE, id: '', title: '无编号' },
];

describe('R-LIB-4 process steps, duplicates and the report', () => {
  let folder: MigrationFolder;
  let outcomes: RowOutcome[];
  let report: MigrationReport;
  let item: (id: string) => MigrationItem;
  const RUN = { runId: 'run-7', migratedAt: '2026-12-01T10:00:00+08:00' };

  beforeAll(async () => {
    folder = migrationFolder();
    folder.write('export.jsonl', jsonl(ROWS));
    const migration = await loadMigration(folder.write('steps.yaml', CONFIG));
    const plan = planMigration(migration, RUN);
    outcomes = [];
    for await (const outcome of plan.outcomes()) outcomes.push(outcome);
    report = await plan.dryRun();
    item = (id) => {
      const found = outcomes.find((o) => o.kind === 'item' && o.item.key.originalId === id);
      if (found?.kind !== 'item') throw new Error(`no item ${id}`);
      return found.item;
    };
  });
  afterAll(() => folder.remove());

  it('R-LIB-4 yields one outcome per row, in order: items, skips with their reasons, duplicates and conflicts', () => {
    expect(outcomes.map((o) => [o.sequence, o.kind])).toEqual([
      [1, 'item'],
      [2, 'item'],
      [3, 'skipped'],
      [4, 'skipped'],
      [5, 'duplicate'],
      [6, 'item'],
      [7, 'conflict'],
      [8, 'item'],
      [9, 'skipped'],
    ]);
    expect(report.skipped.byReason).toEqual({ draft: 1, deleted: 1, 'no original id': 1 });
    expect(report.duplicates).toEqual([{ originalId: 'n1', rowHash: item('n1').rowHash, sequences: [1, 5] }]);
    expect(report.conflicts).toEqual([{ originalId: 'n5', sequences: [6, 7] }]);
    expect(report.rows).toMatchObject({ read: 9, items: 4, skipped: 3, duplicates: 1, conflicts: 1 });
  });

  it('R-LIB-4 normalises dates and numbers, and records the original facts and provenance', () => {
    const n1 = item('n1');
    expect(n1.ready).toBe(true);
    expect(n1.metadata).toMatchObject({
      title: '关于做好政府信息公开工作的通知',
      publisher: '测试县人民政府办公室',
      publisherCode: '11100000000014001A',
      writtenAt: '2021-12-16',
      subject: '综合政务/政务公开',
      genre: '通知',
      keywords: ['公开', '政务'],
      source: {
        system: '测试旧站',
        originalId: 'n1',
        originalUrl: 'http://old.example/1.html',
        migratedAt: RUN.migratedAt,
      },
    });
    expect(n1.columnId).toBe('notices');
    expect(n1.original).toEqual({
      writtenAt: '2021-12-16',
      publishedAt: '2021-12-16T10:30:00+08:00',
      indexNumber: {
        value: '11341502MB1P04557X/2021-00001',
        wellFormed: true,
        note: expect.stringMatching(/check character/),
      },
    });
    expect(n1.provenance).toEqual({
      system: '测试旧站',
      originalId: 'n1',
      originalUrl: 'http://old.example/1.html',
      migratedAt: RUN.migratedAt,
      runId: 'run-7',
    });
    expect(n1.fields.writtenAt).toMatchObject({ status: 'normalised', original: '2021.12.16', value: '2021-12-16' });
    expect(n1.fields.keywords?.notes).toEqual(['unique: 1 repeated item(s) dropped']);
  });

  it('R-LIB-4 flags what cannot be repaired with confidence and stores no guess', () => {
    const n2 = item('n2');
    expect(n2.fields.writtenAt).toMatchObject({
      status: 'flagged',
      original: '2013年13月45日',
      flagReason: 'month 13 does not exist',
    });
    expect(n2.fields.writtenAt?.value).toBeUndefined();
    expect(n2.metadata?.writtenAt).toBeUndefined();
    // 通知 is an official document: without a 成文日期 it is held, not written with an invented one.
    expect(n2.ready).toBe(false);
    expect(n2.problems).toEqual([
      { path: 'metadata.writtenAt', message: 'required for official documents (通知): 成文日期' },
    ]);
    expect(n2.original.indexNumber).toMatchObject({ value: '11341502MB1P04557X-2021-00002', wellFormed: false });
    expect(n2.fields.docNumber).toMatchObject({ status: 'normalised', value: '六政办秘〔2021〕148号' });
    expect(n2.fields.docNumber?.notes[0]).toMatch(/closing bracket 〕 restored/);
    expect(n2.fields.publisherCode?.value).toBe('11100000000014001A');
    expect(n2.fields.publisherCode?.notes[0]).toMatch(
      /^alternative 1 flagged: 11100000000012563K: check character is K/,
    );
    expect(n2.original.publishedAt).toBe('2021-12-16');
    expect(n2.fields['original.publishedAt']?.notes[0]).toMatch(
      /the time in "20211216T10:30:00\+08:00" could not be read/,
    );
    const n5 = item('n5');
    expect(n5.fields.docNumber).toMatchObject({ status: 'flagged', original: '六政办〔98〕3号' });
    expect(n5.fields.publisher).toMatchObject({
      status: 'flagged',
      flagReason: '"某某局" is not in the table publishers',
    });
    expect(n5.fields.title).toMatchObject({ status: 'flagged', value: '关于印发政府信息公开?理办法的通知' });
    expect(n5.problems.map((p) => p.path)).toEqual(['metadata.publisher', 'metadata.publisherCode']);
    expect(report.flags.map((f) => `${f.originalId} ${f.field}`).sort()).toEqual(
      [
        'n2 original.indexNumber',
        'n2 writtenAt',
        'n5 docNumber',
        'n5 publisher',
        'n5 publisherCode',
        'n5 title',
      ].sort(),
    );
  });

  it('R-LIB-4 sanitises HTML and strips raw HTML from Markdown, keeping the text', () => {
    const body = item('n2').metadata?.body ?? String(item('n2').fields.body?.value);
    expect(body).toBe('<p>正文一</p><p><a href="/xxgk/2.html">相关</a></p>');
    expect(item('n2').fields.body?.notes[0]).toBe(
      'sanitizeHtml: removed 1 <font>, 1 <iframe>, 1 <script>, 1 javascript: link, 2 onclick, 1 style=',
    );
    const markdown = String(item('n6').fields.body?.value);
    expect(markdown).not.toMatch(/<script|onclick|<span/);
    expect(markdown).toContain('见《关于修改<机动车登记规定>的决定》，教育。');
    expect(markdown).toContain('第一条 为规范学校教育教师管理。');
  });

  it('R-LIB-4 proposes a subject where the old class is missing or only a category, marked with its confidence', () => {
    const n6 = item('n6');
    expect(n6.fields.subject).toMatchObject({ status: 'proposed', value: '科技、教育/教育', original: '科技、教育' });
    expect(n6.proposals).toEqual([
      expect.objectContaining({
        field: 'subject',
        value: '科技、教育/教育',
        by: 'keyword-lists',
        confidence: expect.any(Number),
      }),
    ]);
    expect(n6.proposals[0]!.confidence).toBeGreaterThanOrEqual(0.5);
    const n5 = item('n5');
    expect(n5.fields.subject?.status).toBe('proposed');
    expect(n5.fields.subject?.notes[0]).toMatch(/^classify: no subject given; proposed 综合政务\/政务公开/);
    expect(report.proposals.map((p) => p.originalId).sort()).toEqual(['n5', 'n6']);
  });

  it('R-LIB-4 hashes a row canonically: key order does not matter, any change does', () => {
    expect(rowHash({ a: '1', b: ['x', { c: 2 }] })).toBe(rowHash({ b: ['x', { c: 2 }], a: '1' }));
    expect(rowHash({ a: '1' })).not.toBe(rowHash({ a: '2' }));
    expect(canonicalJson({ b: 1, a: [true, null, '中'] })).toBe('{"a":[true,null,"中"],"b":1}');
    expect(item('n1').rowHash).toBe(rowHash(ROWS[0] as never));
    expect(item('n1').rowHash).not.toBe(item('n2').rowHash);
  });

  it('R-LIB-4 passes over rows before the high-water mark in an incremental run, and reports the new mark', async () => {
    const migration = await loadMigration(`${folder.path}/steps.yaml`);
    const incremental = await planMigration(migration, { ...RUN, after: '2021-01-01T00:00:00+08:00' }).dryRun();
    expect(incremental.skipped.byReason['not after the high-water mark']).toBe(1);
    expect(incremental.skipped.rows.find((r) => r.reason === 'not after the high-water mark')?.originalId).toBe('n6');
    expect(incremental.rows.items).toBe(3);
    expect(report.highWaterMark).toBe('2021-12-20T09:00:00+08:00');
  });

  it('R-LIB-4 counts every field by outcome, and writes the same counts and messages as CSV', () => {
    expect(report.fields.writtenAt).toEqual({
      given: 0,
      normalised: 3,
      defaulted: 0,
      proposed: 0,
      flagged: 1,
      missing: 0,
    });
    expect(report.fields.disclosure?.defaulted).toBe(4);
    const fields = parse(fieldsCsv(report), { columns: true, bom: true }) as Record<string, string>[];
    const writtenAt = fields.find((row) => row.field === 'writtenAt');
    expect(writtenAt).toEqual({
      field: 'writtenAt',
      given: '0',
      normalised: '3',
      defaulted: '0',
      proposed: '0',
      flagged: '1',
      missing: '0',
    });
    const rows = parse(rowsCsv(report), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.filter((row) => row.kind === 'skipped').map((row) => row.originalId)).toEqual(['n3', 'n4', '']);
    expect(rows.find((row) => row.kind === 'duplicate')).toMatchObject({ sequence: '5', originalId: 'n1' });
    expect(rows.find((row) => row.originalId === 'n2' && row.field === 'writtenAt')).toMatchObject({
      kind: 'flagged',
      message: 'date: month 13 does not exist',
    });
    expect(rows.length).toBe(report.messages.length + report.skipped.rows.length + 1);
  });
});

describe('R-LIB-4 what a dry run saw is identified by digests', () => {
  let folder: MigrationFolder;
  beforeAll(() => {
    folder = migrationFolder();
  });
  afterAll(() => folder.remove());

  it('R-LIB-4 gives the same configuration and export the same digests, and any change another', async () => {
    const RUN = { runId: 'r', migratedAt: '2026-12-01T10:00:00+08:00' };
    folder.write('export.jsonl', jsonl(ROWS));
    const file = folder.write('steps.yaml', CONFIG);
    const first = await planMigration(await loadMigration(file), RUN).dryRun();
    const again = await planMigration(await loadMigration(file), { ...RUN, runId: 'other' }).dryRun();
    expect(again.configurationDigest).toBe(first.configurationDigest);
    expect(again.sourceDigest).toBe(first.sourceDigest);
    expect(first.sourceDigest).toMatch(/^[0-9a-f]{64}$/);

    folder.write('export.jsonl', jsonl([...ROWS.slice(0, 1), { ...ROWS[1], title: '改过的标题' }, ...ROWS.slice(2)]));
    const changedExport = await planMigration(await loadMigration(file), RUN).dryRun();
    expect(changedExport.sourceDigest).not.toBe(first.sourceDigest);
    expect(changedExport.configurationDigest).toBe(first.configurationDigest);

    const changedTable = await loadMigration(folder.write('steps.yaml', CONFIG.replace('通知: notices', '通知: news')));
    expect(changedTable.digest).not.toBe(first.configurationDigest);
  });
});
