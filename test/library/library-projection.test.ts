/**
 * The library read model through the real command path: what is published is findable, with its placements,
 * versions and index number; corrections, withdrawals, archiving and content migration show as the rules say.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleMetadata } from '../support/fixtures.js';
import { type LibraryPlatform, libraryPlatform } from '../support/library-platform.js';
import { at } from '../support/platform-fixture.js';

describe('library projection', () => {
  let lib: LibraryPlatform;
  beforeEach(async () => {
    lib = await libraryPlatform();
  });
  afterEach(async () => lib.dispose());

  async function publish(resourceId: string, metadata = sampleMetadata()) {
    const { platform } = lib;
    await platform.execute('DraftResource', { resourceId, siteId: 'jinan', metadata }, at('wang'));
    await platform.execute('SubmitResource', { resourceId }, at('wang'));
    await platform.execute('PassFirstReview', { resourceId }, at('zhao'));
    await platform.execute('PassSecondReview', { resourceId }, at('li'));
    await platform.execute('PassFinalReview', { resourceId }, at('chen'));
    await platform.execute('PublishResource', { resourceId, columnIds: ['notices'] }, at('chen'));
    await lib.settle();
  }

  it('R-LIB-1: only published resources are in the library, with placements and index number, findable by a Chinese word of the body', async () => {
    await lib.platform.execute(
      'DraftResource',
      { resourceId: 'draft', siteId: 'jinan', metadata: sampleMetadata({ body: '集约化草稿内容' }) },
      at('wang'),
    );
    await publish('r1', sampleMetadata({ body: '为加强和规范全市政府网站集约化平台建设管理，制定本办法。' }));
    const page = await lib.searchIndex.search({ text: '集约化' });
    expect(page.hits.map((h) => h.document.resourceId)).toEqual(['r1']);
    const document = page.hits[0]!.document;
    expect(document).toMatchObject({
      indexNumber: '11341500003089416J/2026-00001',
      siteId: 'jinan',
      status: 'published',
      version: 1,
      placements: [{ siteId: 'jinan', columnId: 'notices' }],
    });
    expect(await lib.searchIndex.byIndexNumber('11341500003089416J/2026-00001')).toMatchObject({ resourceId: 'r1' });
    expect(await lib.searchIndex.get('draft')).toBeNull();
  });

  it('R-REVIEW-4: a correction replaces the document only when it is published, keeping the index number and the history', async () => {
    await publish('r1', sampleMetadata({ title: '原标题通知' }));
    const { platform } = lib;
    await platform.execute(
      'CorrectResource',
      { resourceId: 'r1', metadata: sampleMetadata({ title: '更正后的通知' }), reason: '标题有误' },
      at('zhao'),
    );
    await platform.execute('SubmitResource', { resourceId: 'r1' }, at('zhao'));
    await lib.settle();
    expect((await lib.searchIndex.get('r1'))?.metadata.title).toBe('原标题通知');
    await platform.execute('PassFirstReview', { resourceId: 'r1' }, at('wang'));
    await platform.execute('PassSecondReview', { resourceId: 'r1' }, at('li'));
    await platform.execute('PassFinalReview', { resourceId: 'r1' }, at('chen'));
    await platform.execute('PublishResource', { resourceId: 'r1' }, at('chen'));
    await lib.settle();
    const document = await lib.searchIndex.get('r1');
    expect(document).toMatchObject({ version: 2, indexNumber: '11341500003089416J/2026-00001' });
    expect(document!.metadata.title).toBe('更正后的通知');
    expect(document!.versions.map((v) => [v.version, v.title])).toEqual([
      [1, '原标题通知'],
      [2, '更正后的通知'],
    ]);
  });

  it('R-REVIEW-4: a withdrawn resource leaves the library; an archived one stays, marked, out of default searches', async () => {
    await publish('gone', sampleMetadata({ title: '撤回的通知' }));
    await publish('old', sampleMetadata({ title: '归档的通知' }));
    await lib.platform.execute('WithdrawResource', { resourceId: 'gone', reason: '政策废止' }, at('chen'));
    await lib.platform.execute('ArchiveResource', { resourceId: 'old', reason: '过期' }, at('chen'));
    await lib.settle();
    expect(await lib.searchIndex.get('gone')).toBeNull();
    expect((await lib.searchIndex.get('old'))?.status).toBe('archived');
    expect((await lib.searchIndex.search({ text: '通知' })).hits).toEqual([]);
    const archived = await lib.searchIndex.search({ text: '通知', filters: { statuses: ['archived'] } });
    expect(archived.hits.map((h) => h.document.resourceId)).toEqual(['old']);
  });

  it('R-SITE-5: migrating a site’s content moves the placements in its columns to the target site', async () => {
    await publish('r1');
    await lib.platform.execute(
      'MigrateSiteContent',
      { siteId: 'jinan', toSiteId: 'portal', reason: '区划调整' },
      at('admin'),
    );
    await lib.settle();
    expect((await lib.searchIndex.get('r1'))?.placements).toEqual([{ siteId: 'portal', columnId: 'notices' }]);
  });
});

describe('library freshness', () => {
  it('a resource is found by a query that was already asked before it was published', async () => {
    const lib = await libraryPlatform();
    try {
      const { platform } = lib;
      expect((await lib.searchIndex.search({ text: '"鲜度测试0号"' })).total).toBe(0);
      expect((await lib.searchIndex.search({ text: '鲜度' })).total).toBe(0);
      await platform.execute(
        'DraftResource',
        { resourceId: 'fresh', siteId: 'jinan', metadata: sampleMetadata({ title: '关于鲜度测试0号的通知' }) },
        at('wang'),
      );
      await platform.execute('SubmitResource', { resourceId: 'fresh' }, at('wang'));
      await platform.execute('PassFirstReview', { resourceId: 'fresh' }, at('zhao'));
      await platform.execute('PassSecondReview', { resourceId: 'fresh' }, at('li'));
      await platform.execute('PassFinalReview', { resourceId: 'fresh' }, at('chen'));
      await platform.execute('PublishResource', { resourceId: 'fresh', columnIds: ['notices'] }, at('chen'));
      await lib.settle();
      expect((await lib.searchIndex.search({ text: '鲜度' })).hits.map((h) => h.document.resourceId)).toEqual([
        'fresh',
      ]);
      expect((await lib.searchIndex.search({ text: '"鲜度测试0号"' })).hits.map((h) => h.document.resourceId)).toEqual([
        'fresh',
      ]);
    } finally {
      await lib.dispose();
    }
  });
});
