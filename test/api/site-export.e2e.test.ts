/**
 * R-LIB-5 over real HTTP: a site administrator requests a batch export of the unit's data (events record the
 * request, the manifest and every download); the export is every resource the site owns, every version, placements
 * and review history, as JSON Lines with a manifest of counts and SHA-256 digests; only the unit's staff and
 * auditors download it; produced again it is the same bytes; and migrating it into an empty platform gives the same
 * library documents (R-LIB-4: the export is a format the migration reads).
 */
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { MIGRATION_EXAMPLES, SITE_EXPORT_MIGRATION } from '../../ingest/migration/example-configurations.js';
import { derivedResourceId } from '../../ingest/migration/row-hash.js';
import type { ExportedResource } from '../../projections/export/site-export-file.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { eventsAfter, migrateOverApi } from '../support/migration-runs.js';
import { tempDir } from '../support/temp-dir.js';

let clock = Date.parse('2026-11-20T01:00:00Z');
const by = (actorId: string): CommandMeta => {
  clock += 1000;
  return { actorId, occurredAt: new Date(clock).toISOString() };
};

/** Drafts and takes a resource through the whole review and publication on 教育体育局's site. */
async function publish(api: ApiServer, resourceId: string, title: string, columnId = 'notices') {
  const { platform } = api.c;
  await platform.execute(
    'DraftResource',
    {
      resourceId,
      siteId: 'edu',
      metadata: sampleMetadata({ title }),
    },
    by('edu-editor'),
  );
  await review(api, resourceId);
  await platform.execute('PublishResource', { resourceId, columnIds: [columnId] }, by('edu-approver'));
}

async function review(api: ApiServer, resourceId: string) {
  const { platform } = api.c;
  await platform.execute('SubmitResource', { resourceId }, by('edu-editor'));
  await platform.execute('PassFirstReview', { resourceId }, by('edu-editor2'));
  await platform.execute('PassSecondReview', { resourceId }, by('edu-reviewer'));
  await platform.execute('PassFinalReview', { resourceId, comment: '同意发布' }, by('edu-approver'));
}

describe('R-LIB-5 batch export of a unit site data', () => {
  let api: ApiServer;
  let target: ApiServer;
  const files = tempDir('exports');
  let exportId: string;
  let manifest: {
    files: Array<{ name: string; lines: number; bytes: number; sha256: string }>;
    counts: Record<string, number>;
  };
  let body: string;
  let lines: ExportedResource[];

  const download = async (path: string, person?: string) =>
    fetch(`${api.url}${path}`, person ? { headers: { authorization: `Bearer ${await api.token(person)}` } } : {});

  beforeAll(async () => {
    api = await startApiServer();
    // The unit's content: an old CMS's export migrated in, and resources of every kind written on the platform.
    await migrateOverApi(api, MIGRATION_EXAMPLES.edu);
    await publish(api, 'edu-corrected', '六安市教育体育局关于做好2026年秋季开学工作的通知');
    await api.c.platform.execute(
      'CorrectResource',
      {
        resourceId: 'edu-corrected',
        reason: '补充开学时间',
        metadata: sampleMetadata({ title: '六安市教育体育局关于做好2026年秋季开学工作的通知（修订）' }),
      },
      by('edu-editor'),
    );
    await review(api, 'edu-corrected');
    await api.c.platform.execute('PublishResource', { resourceId: 'edu-corrected' }, by('edu-approver'));
    await publish(api, 'edu-withdrawn', '六安市教育体育局关于暂停校外培训的通知');
    await api.c.platform.execute(
      'WithdrawResource',
      { resourceId: 'edu-withdrawn', reason: '已失效' },
      by('edu-approver'),
    );
    await publish(api, 'edu-archived', '六安市教育体育局2020年工作要点', 'laws');
    await api.c.platform.execute(
      'ArchiveResource',
      { resourceId: 'edu-archived', reason: '年度归档' },
      by('edu-approver'),
    );
    await api.c.platform.execute(
      'DraftResource',
      { resourceId: 'edu-draft', siteId: 'edu', metadata: sampleMetadata({ title: '草稿：关于教师培训的通知' }) },
      by('edu-editor'),
    );
    await api.settle();
  }, 300_000);
  afterAll(async () => {
    await api?.close();
    await target?.close();
    files.remove();
  });

  it('R-LIB-5 only a site administrator of the unit requests an export; the request is an event', async () => {
    const request =
      'mutation($siteId: ID!) { requestSiteExport(input: { siteId: $siteId }) { siteExport { exportId status } events } }';
    for (const person of ['edu-editor', 'jinan-webmaster', 'admin', 'auditor']) {
      const refused = await api.gql(request, { siteId: 'edu' }, await api.token(person));
      expect(refused.errors?.[0]?.extensions.code, person).toBe('FORBIDDEN');
    }
    const requested = await api.gql<{
      requestSiteExport: { siteExport: { exportId: string; status: string }; events: string[] };
    }>(request, { siteId: 'edu' }, await api.token('edu-webmaster'));
    expect(requested.data?.requestSiteExport).toMatchObject({
      siteExport: { status: 'requested' },
      events: ['SiteExportRequested'],
    });
    exportId = requested.data!.requestSiteExport.siteExport.exportId;
  });

  it('R-LIB-5 the export is written with a manifest of counts and SHA-256 digests, recorded as an event', async () => {
    const query =
      'query($id: ID!) { siteExport(exportId: $id) { status manifest resourcesPath manifestPath throughPosition } }';
    let state: { status: string; manifest: typeof manifest; resourcesPath: string } | undefined;
    for (let i = 0; i < 200 && state?.status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = (
        await api.gql<{ siteExport: NonNullable<typeof state> }>(
          query,
          { id: exportId },
          await api.token('edu-approver'),
        )
      ).data?.siteExport;
    }
    expect(state?.status).toBe('completed');
    manifest = state!.manifest;
    expect(manifest.counts).toMatchObject({
      resources: 89 + 4,
      published: 90,
      withdrawn: 1,
      archived: 1,
      unpublished: 1,
    });
    const response = await download(state!.resourcesPath, 'edu-webmaster');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    body = await response.text();
    expect(createHash('sha256').update(body).digest('hex')).toBe(manifest.files[0]!.sha256);
    expect(Buffer.byteLength(body)).toBe(manifest.files[0]!.bytes);
    lines = body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportedResource);
    expect(lines).toHaveLength(manifest.files[0]!.lines);
    const completed = await eventsAfter(api.c.eventStore, null, ['SiteExportCompleted']);
    expect(completed.map((e) => (e.data as { manifest: unknown }).manifest)).toEqual([manifest]);
  });

  it('R-LIB-5 every resource, every version with its metadata, placements and review history', () => {
    const byId = new Map(lines.map((line) => [line.resourceId, line]));
    const corrected = byId.get('edu-corrected')!;
    expect(corrected).toMatchObject({
      library: 'published',
      version: 2,
      placements: [{ siteId: 'edu', columnId: 'notices' }],
    });
    expect(corrected.versions.map((v) => [v.version, v.metadata.title])).toEqual([
      [1, '六安市教育体育局关于做好2026年秋季开学工作的通知'],
      [2, '六安市教育体育局关于做好2026年秋季开学工作的通知（修订）'],
    ]);
    expect(corrected.earlierVersions.map((v) => v.version)).toEqual([1]);
    expect(corrected.reviewHistory.map((a) => [a.type, a.actorId])).toEqual([
      ['ResourceDrafted', 'edu-editor'],
      ['ResourceSubmitted', 'edu-editor'],
      ['FirstReviewPassed', 'edu-editor2'],
      ['SecondReviewPassed', 'edu-reviewer'],
      ['FinalReviewPassed', 'edu-approver'],
      ['ResourcePublished', 'edu-approver'],
      ['ResourceCorrectionStarted', 'edu-editor'],
      ['ResourceSubmitted', 'edu-editor'],
      ['FirstReviewPassed', 'edu-editor2'],
      ['SecondReviewPassed', 'edu-reviewer'],
      ['FinalReviewPassed', 'edu-approver'],
      ['ResourcePublished', 'edu-approver'],
    ]);
    expect(byId.get('edu-withdrawn')).toMatchObject({ library: 'withdrawn', status: 'withdrawn', placements: [] });
    expect(byId.get('edu-archived')).toMatchObject({ library: 'archived', status: 'archived' });
    expect(byId.get('edu-draft')).toMatchObject({
      library: 'unpublished',
      status: 'draft',
      working: { stage: 'draft' },
    });
    const migrated = lines.filter((line) => line.migratedFrom !== null);
    expect(migrated).toHaveLength(89);
    expect(migrated[0]!.migratedFrom).toMatchObject({ system: 'edu-cms 3.2' });
  });

  it('R-LIB-5 only the unit and auditors download it, and each download is recorded', async () => {
    const path = `/exports/${exportId}/resources.jsonl`;
    expect((await download(path)).status).toBe(401);
    for (const person of ['admin', 'jinan-webmaster', 'portal-editor'])
      expect((await download(path, person)).status, person).toBe(403);
    expect((await download(path, 'auditor')).status).toBe(200);
    const staff = await download(`/exports/${exportId}/manifest.json`, 'edu-editor');
    expect(staff.status).toBe(200);
    expect(await staff.json()).toEqual(manifest);
    const downloads = await eventsAfter(api.c.eventStore, null, ['SiteExportDownloaded']);
    expect(downloads.map((e) => [(e.data as { by: string }).by, (e.data as { role: string }).role])).toEqual([
      ['edu-webmaster', 'site_admin'],
      ['auditor', 'auditor'],
      ['edu-editor', 'editor'],
    ]);
  });

  it('R-LIB-5 produced again from the log (its file lost), the export is the same bytes', async () => {
    rmSync(join(api.c.config.DATA_DIR, 'exports', exportId), { recursive: true, force: true });
    const again = await (await download(`/exports/${exportId}/resources.jsonl`, 'edu-webmaster')).text();
    expect(again).toBe(body);
  });

  it('R-LIB-5 exporting a site and migrating the export into an empty platform gives the same library documents', async () => {
    const file = join(files.path, 'edu.jsonl');
    writeFileSync(file, body);
    target = await startApiServer();
    const run = await migrateOverApi(target, SITE_EXPORT_MIGRATION, { source: file, site: 'edu' });
    expect(run.report.skipped.byReason).toEqual({ 'never published': 1, withdrawn: 1, archived: 1 });
    expect(run.state.completion?.counts).toMatchObject({ created: 90, failed: 0, held: 0 });
    const same = (document: LibraryDocument | null) => {
      if (!document) return null;
      const { resourceId: _id, position: _position, metadata, ...rest } = document;
      const { source: _source, ...fields } = metadata;
      return { ...rest, metadata: fields };
    };
    const published = lines.filter((line) => line.library === 'published');
    expect(published).toHaveLength(90);
    for (const line of published) {
      const original = await api.c.searchIndex.get(line.resourceId);
      const migrated = await target.c.searchIndex.get(derivedResourceId('export-', line.resourceId));
      expect(original?.status).toBe('published');
      expect(same(migrated), line.resourceId).toEqual(same(original));
      expect(migrated?.metadata.source).toMatchObject({ system: '集约化平台站点导出', originalId: line.resourceId });
    }
  });
});
