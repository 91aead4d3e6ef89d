/**
 * R-LIB-4: crawled pages are decoded by the charset they declare (`<meta charset>` or `http-equiv`), fields are
 * picked with CSS selectors and metadata tables read by their labels; a page whose bytes do not fit its declaration
 * is read with a message for a person, never silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigration, planMigration, type RowOutcome } from '../../../ingest/migration/index.js';
import { type MigrationFolder, migrationFolder } from './migration-files.js';

/** The page's Chinese text in each encoding (GBK bytes written out, since the platform has no GBK encoder). */
const TEXT = {
  gbk: {
    title: Buffer.from('bbe1bcc6b7a8', 'hex'), // 会计法
    name: Buffer.from('c3fba1a1a1a1b3c6a3ba', 'hex'), // 名　　称：
    publisherLabel: Buffer.from('b7a2b2bcbbfab9b93a', 'hex'), // 发布机构:
    publisher: Buffer.from('cfd8d5feb8aeb0ec', 'hex'), // 县政府办
    article: Buffer.from('b5dad2bbccf5', 'hex'), // 第一条
  },
  utf8: {
    title: Buffer.from('会计法'),
    name: Buffer.from('名　　称：'),
    publisherLabel: Buffer.from('发布机构:'),
    publisher: Buffer.from('县政府办'),
    article: Buffer.from('第一条'),
  },
};

function page(head: string, text: (typeof TEXT)['gbk'], extra = ''): Buffer {
  const ascii = (s: string) => Buffer.from(s, 'latin1');
  return Buffer.concat([
    ascii(`<!DOCTYPE html><html><head>${head}<title>t</title></head><body><table class="meta"><tr><th>`),
    text.name,
    ascii('</th><td>'),
    text.title,
    ascii('</td><th>'),
    text.publisherLabel,
    ascii('</th><td>'),
    text.publisher,
    ascii('</td></tr></table><h1>'),
    text.title,
    ascii('</h1><div id="zoom"><p onclick="x()">'),
    text.article,
    ascii(`</p>${extra}</div></body></html>`),
  ]);
}

const CONFIG = `
migration: pages-test
source:
  system: 测试站
  reader:
    type: html
    directory: pages
    defaultEncoding: utf-8
    fields:
      heading: h1
      body: { selector: '#zoom', take: html }
      paragraphs: { selector: '#zoom p', all: true }
    labelled:
      meta: { selector: 'table.meta th' }
  id: file
destination: { site: test, column: { value: notices } }
fields:
  title: { first: [meta.名称, heading] }
  body: { from: body, steps: [sanitizeHtml] }
  publisher: { value: 测试县人民政府办公室 }
  publisherCode: { value: 11100000000014001A }
  subject: { value: 其他 }
  genre: { value: 其他 }
  disclosure: { value: 主动公开 }
  resourceType: { value: article }
  format: { value: text/html }
  keywords: { from: meta.发布机构, steps: [{ split: ',' }] }
`;

describe('R-LIB-4 HTML pages by their declared charset', () => {
  let folder: MigrationFolder;
  let outcomes: RowOutcome[];
  const item = (file: string) => {
    const found = outcomes.find((o) => o.kind === 'item' && o.item.key.originalId === file);
    if (found?.kind !== 'item') throw new Error(`no item for ${file}`);
    return found;
  };

  beforeAll(async () => {
    folder = migrationFolder();
    folder.write('pages/a-meta-charset.html', page('<meta charset="gbk">', TEXT.gbk));
    folder.write(
      'pages/b-http-equiv.html',
      page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', TEXT.gbk),
    );
    folder.write('pages/c-undeclared.html', page('', TEXT.utf8));
    folder.write(
      'pages/d-wrong-declaration.html',
      page('<meta charset="utf-8">', { ...TEXT.utf8, title: TEXT.gbk.title }, '<script>alert(1)</script>'),
    );
    folder.write('pages/notes.txt', 'not a page');
    const migration = await loadMigration(folder.write('pages.yaml', CONFIG));
    outcomes = [];
    for await (const outcome of planMigration(migration, {
      runId: 'r',
      migratedAt: '2026-12-01T10:00:00+08:00',
    }).outcomes()) {
      outcomes.push(outcome);
    }
  });
  afterAll(() => folder.remove());

  it('R-LIB-4 decodes <meta charset> and http-equiv declarations, and the default for undeclared pages', () => {
    expect(outcomes.map((o) => o.location)).toEqual([
      'a-meta-charset.html',
      'b-http-equiv.html',
      'c-undeclared.html',
      'd-wrong-declaration.html',
    ]);
    for (const file of ['a-meta-charset.html', 'b-http-equiv.html', 'c-undeclared.html']) {
      expect(item(file).item.metadata?.title).toBe('会计法');
      expect(item(file).item.messages.filter((m) => m.status === 'reader')).toEqual([]);
    }
    expect(item('a-meta-charset.html').info.encoding).toBe('GBK');
    expect(item('b-http-equiv.html').info.encoding).toBe('GBK');
    expect(item('c-undeclared.html').info.encoding).toBe('UTF-8');
  });

  it('R-LIB-4 reads a page whose bytes break its declaration with a message, never silently', () => {
    const { item: broken } = item('d-wrong-declaration.html');
    expect(broken.messages).toContainEqual({
      status: 'reader',
      message: expect.stringMatching(/declares UTF-8 but \d+ byte sequence\(s\) are not UTF-8/),
    });
    expect(broken.metadata?.title).toContain('\uFFFD');
  });

  it('R-LIB-4 picks fields by selector and labelled cells by their label, whatever their spacing and colon', () => {
    const { item: page } = item('a-meta-charset.html');
    expect(page.fields.title).toMatchObject({ status: 'given', value: '会计法' });
    expect(page.fields.keywords?.value).toEqual(['县政府办']);
    expect(page.metadata?.body).toBe('<p>第一条</p>');
    expect(item('d-wrong-declaration.html').item.metadata?.body).toBe('<p>第一条</p>');
  });
});
