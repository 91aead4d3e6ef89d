/**
 * R-LIB-4: a bad migration configuration is refused before anything runs, with every problem and the line that is
 * wrong: YAML syntax, unknown keys and metadata fields, unknown steps and options, CSS selectors and regular
 * expressions that do not compile, lookup tables referenced but not declared or not on disk, source fields the
 * export does not have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadMigration, MigrationConfigError } from '../../../ingest/migration/index.js';
import { type MigrationFolder, migrationFolder } from './migration-files.js';

// Line numbers in the assertions below are those of this text (line 1 is `migration:`).
const BASE = [
  'migration: test-site', // 1
  'source:', // 2
  '  system: 测试旧站', // 3
  '  reader:', // 4
  '    type: csv', // 5
  '    path: export.csv', // 6
  '    encoding: utf-8', // 7
  '  id: 编号', // 8
  '  skip:', // 9
  '    - { when: 状态, in: [草稿], reason: draft }', // 10
  'destination:', // 11
  '  site: test', // 12
  '  column: { value: notices }', // 13
  'fields:', // 14
  '  title: { from: 标题, steps: [whitespace] }', // 15
  '  body: { from: 正文, steps: [sanitizeHtml] }', // 16
  '  publisher: { from: 发布机构, steps: [{ lookup: { table: publishers, column: name } }] }', // 17
  '  publisherCode: { from: 发布机构, steps: [{ lookup: { table: publishers, column: code } }] }', // 18
  '  writtenAt: { from: 成文日期, steps: [date] }', // 19
  '  subject: { value: 其他 }', // 20
  '  genre: { value: 通知 }', // 21
  '  disclosure: { value: 主动公开 }', // 22
  '  resourceType: { value: notice }', // 23
  '  format: { value: text/html }', // 24
  'tables:', // 25
  '  publishers: { file: publishers.yaml }', // 26
];

const CSV = '编号,标题,正文,发布机构,成文日期,状态\n1,关于开展检查的通知,<p>正文</p>,县政府办,2021年12月16日,已发布\n';
const PUBLISHERS = '县政府办: { name: 测试县人民政府办公室, code: 11100000000014001A }\n';

describe('R-LIB-4 bad migration configuration is refused with the line', () => {
  let folder: MigrationFolder;
  beforeAll(() => {
    folder = migrationFolder();
    folder.write('export.csv', CSV);
    folder.write('publishers.yaml', PUBLISHERS);
  });
  afterAll(() => folder.remove());

  /** The base with lines replaced (1-based) or inserted after a line (`after`). */
  function config(changes: { line: number; text: string; after?: boolean }[]): string {
    const lines = [...BASE];
    for (const change of [...changes].sort((a, b) => b.line - a.line)) {
      if (change.after) lines.splice(change.line, 0, change.text);
      else lines[change.line - 1] = change.text;
    }
    return folder.write(`config-${Math.random().toString(36).slice(2)}.yaml`, `${lines.join('\n')}\n`);
  }

  async function problems(file: string): Promise<ConfigProblem[]> {
    try {
      await loadMigration(file);
    } catch (error) {
      expect(error).toBeInstanceOf(MigrationConfigError);
      return (error as MigrationConfigError).problems;
    }
    throw new Error('the configuration was accepted');
  }

  it('R-LIB-4 accepts the base configuration (so each refusal below is its one change)', async () => {
    const migration = await loadMigration(config([]));
    expect(migration.preflight.fields).toEqual(['编号', '标题', '正文', '发布机构', '成文日期', '状态']);
  });

  it('R-LIB-4 refuses an unknown metadata field at its key', async () => {
    const found = await problems(config([{ line: 21, text: '  titel: { from: 标题 }', after: true }]));
    expect(found).toEqual([
      expect.objectContaining({
        line: 22,
        column: 3,
        path: 'fields.titel',
        message: expect.stringMatching(/unknown key "titel"/),
      }),
    ]);
  });

  it('R-LIB-4 refuses an unknown step, naming the steps there are', async () => {
    const found = await problems(
      config([{ line: 15, text: '  title: { from: 标题, steps: [whitespace, normalize] }' }]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        line: 15,
        path: 'fields.title.steps[1]',
        message: expect.stringMatching(/unknown step "normalize".*trim/),
      }),
    ]);
  });

  it('R-LIB-4 refuses a lookup of a table that is not declared', async () => {
    const found = await problems(
      config([
        { line: 17, text: '  publisher: { from: 发布机构, steps: [{ lookup: { table: publisher, column: name } }] }' },
      ]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        line: 17,
        path: 'fields.publisher.steps[0].lookup.table',
        message: 'no lookup table "publisher" in `tables` (there are: publishers)',
      }),
    ]);
  });

  it('R-LIB-4 refuses a table whose file is missing', async () => {
    const found = await problems(config([{ line: 26, text: '  publishers: { file: publisher-table.yaml }' }]));
    expect(found).toEqual([
      expect.objectContaining({
        line: 26,
        path: 'tables.publishers.file',
        message: expect.stringMatching(/no table file publisher-table\.yaml/),
      }),
    ]);
  });

  it('R-LIB-4 refuses a bad CSS selector of an HTML reader at its line', async () => {
    const file = config([
      { line: 5, text: '    type: html' },
      { line: 6, text: '    directory: .' },
      { line: 7, text: '    fields: { title: "h1.article-title", body: "div#zoom[[" }' },
      { line: 8, text: '  id: file' },
    ]);
    const found = await problems(file);
    expect(found).toContainEqual(
      expect.objectContaining({
        line: 7,
        path: 'source.reader.fields.body',
        message: expect.stringMatching(/not a CSS selector/),
      }),
    );
  });

  it('R-LIB-4 refuses an option a step does not have and a regular expression that does not compile', async () => {
    const found = await problems(
      config([
        { line: 15, text: '  title: { from: 标题, steps: [{ match: { pattern: "([0-9]+" } }] }' },
        {
          line: 19,
          text: '  writtenAt: { from: 成文日期, steps: [{ datetime: { assumeOffset: "+08:00", timezone: CST } }] }',
        },
      ]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        line: 15,
        path: 'fields.title.steps[0].match.pattern',
        message: expect.stringMatching(/not a regular expression/),
      }),
      expect.objectContaining({
        line: 19,
        path: 'fields.writtenAt.steps[0].datetime.timezone',
        message: expect.stringMatching(/unknown key "timezone"/),
      }),
    ]);
  });

  it('R-LIB-4 refuses a field the CSV header does not have', async () => {
    const found = await problems(config([{ line: 19, text: '  writtenAt: { from: 成文时间, steps: [date] }' }]));
    expect(found).toEqual([
      expect.objectContaining({
        line: 19,
        path: 'fields.writtenAt.from',
        message: expect.stringMatching(/no field "成文时间".*成文日期/),
      }),
    ]);
  });

  it('R-LIB-4 refuses an unknown reader, an unknown encoding and a missing required field, all at once', async () => {
    const encoding = await problems(config([{ line: 7, text: '    encoding: gbk2312' }]));
    expect(encoding).toEqual([expect.objectContaining({ line: 7, path: 'source.reader.encoding' })]);
    const reader = await problems(config([{ line: 5, text: '    type: excel' }]));
    expect(reader).toEqual([
      expect.objectContaining({ line: 5, message: 'a reader has a type: csv, json, jsonl or html' }),
    ]);
    const many = await problems(
      config([
        { line: 21, text: '  # no genre' },
        { line: 16, text: '  body: { from: 正文, steps: [sanitise] }' },
      ]),
    );
    expect(many.map((p) => p.line).sort((a, b) => a - b)).toEqual([14, 16]);
    expect(many.find((p) => p.line === 14)?.message).toMatch(/fields\.genre is required/);
  });

  it('R-LIB-4 refuses YAML that does not parse, at the line it breaks', async () => {
    const found = await problems(config([{ line: 15, text: '  title: { from: 标题, steps: [whitespace }' }]));
    expect(found[0]?.line).toBe(15);
  });

  it('R-LIB-4 refuses a derived value used before it is declared', async () => {
    const found = await problems(config([{ line: 15, text: "  title: { from: '@heading' }" }]));
    expect(found).toEqual([
      expect.objectContaining({ line: 15, message: expect.stringMatching(/no derived value @heading/) }),
    ]);
  });
});
