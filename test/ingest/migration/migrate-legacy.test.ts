/**
 * R-LIB-4, the write side on the three legacy exports and the sample corpus: each example configuration, started by
 * the site's administrator and approved by its approver over GraphQL, writes exactly the items its dry run's report
 * calls ready (duplicates collapsed, drafts, withdrawn and deleted rows skipped, rows with invalid metadata held),
 * with sanitised bodies and GBK text intact, and the library serves them through GraphQL afterwards; a second run
 * writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../domain/event-store/event.js';
import { MIGRATION_EXAMPLES } from '../../../ingest/migration/index.js';
import { type ApiServer, startApiServer } from '../../support/api-server.js';
import { eventsAfter, type MigratedRun, migrateOverApi } from '../../support/migration-runs.js';

const EXAMPLES = [
  ['shucheng', MIGRATION_EXAMPLES.shucheng, 'shucheng'],
  ['jinan', MIGRATION_EXAMPLES.jinan, 'jinan'],
  ['edu', MIGRATION_EXAMPLES.edu, 'edu'],
  ['national regulations', MIGRATION_EXAMPLES.nationalRegulations, 'portal'],
] as const;

/** What a sanitised body never holds. */
const UNSAFE = [/<script/i, /<iframe/i, /\son[a-z]+\s*=/i, /\sstyle\s*=/i, /javascript:/i];

interface Migrated extends MigratedRun {
  siteId: string;
  events: RecordedEvent[];
}

describe('R-LIB-4 the legacy exports migrate into the library by their example configurations', () => {
  let api: ApiServer;
  let token: string;
  const migrated = new Map<string, Migrated>();

  beforeAll(async () => {
    api = await startApiServer();
    token = await api.token('auditor');
    for (const [name, file, siteId] of EXAMPLES) {
      const head = await api.c.eventStore.headPosition();
      const run = await migrateOverApi(api, file);
      migrated.set(name, { ...run, siteId, events: await eventsAfter(api.c.eventStore, head, ['ResourceMigrated']) });
    }
  }, 600_000);
  afterAll(async () => api?.close());

  const search = async (variables: Record<string, unknown>) =>
    (
      await api.gql<{
        search: { totalCount: number; edges: Array<{ node: { title: string; metadata: Record<string, unknown> } }> };
      }>(
        'query($text: String, $filters: SearchFilters, $first: Int) { search(text: $text, filters: $filters, first: $first) { totalCount edges { node { title metadata } } } }',
        variables,
        token,
      )
    ).data!.search;

  it.each(EXAMPLES)(
    'R-LIB-4 %s: the run writes exactly what its report calls ready, and no more',
    async (name, _file, siteId) => {
      const { report, state, events } = migrated.get(name)!;
      const totals = state.completion!.counts;
      expect(state.status).toBe('completed');
      expect(totals).toEqual({
        created: report.rows.ready,
        revised: 0,
        unchanged: 0,
        conflicts: report.rows.conflicts,
        held: report.rows.held,
        skipped: report.rows.skipped,
        duplicates: report.rows.duplicates,
        unreadable: report.rows.unreadable,
        failed: 0,
      });
      expect(events).toHaveLength(report.rows.ready);
      expect(new Set(events.map((e) => e.streamId)).size).toBe(report.rows.ready);
      expect((await search({ filters: { siteIds: [siteId] }, first: 1 })).totalCount).toBe(report.rows.ready);
    },
  );

  it('R-LIB-4 the counts are those the exports imply: duplicates collapsed, drafts, withdrawn and deleted rows skipped', () => {
    expect(migrated.get('shucheng')!.state.completion!.counts).toMatchObject({
      created: 424,
      duplicates: 8,
      skipped: 11,
      held: 4,
    });
    expect(migrated.get('shucheng')!.report.skipped.byReason).toEqual({ draft: 5, withdrawn: 6 });
    expect(migrated.get('edu')!.report.skipped.byReason).toEqual({ draft: 4, deleted: 1 });
    expect(migrated.get('jinan')!.state.completion!.counts).toMatchObject({ created: 262, held: 1 });
    expect(migrated.get('national regulations')!.state.completion!.counts).toMatchObject({ created: 683 });
  });

  it('R-LIB-4 no stored body holds a script, an iframe, an event handler, an inline style or a javascript: link', () => {
    const bodies = [...migrated.values()].flatMap((run) =>
      run.events.map((e) => (e.data as { metadata: { body?: string } }).metadata.body ?? ''),
    );
    expect(bodies.length).toBe(424 + 262 + 89 + 683);
    for (const body of bodies) for (const pattern of UNSAFE) expect(body).not.toMatch(pattern);
  });

  it('R-LIB-4 GBK text is intact and searchable through GraphQL', async () => {
    const found = await search({ text: '毒鼠强', filters: { siteIds: ['shucheng'] }, first: 5 });
    expect(found.edges.map((e) => e.node.title)).toContain(
      '最高人民法院、最高人民检察院关于办理非法制造、买卖、运输、储存毒鼠强等禁用剧毒化学品刑事案件具体应用法律若干问题的解释',
    );
    const all = [...migrated.get('shucheng')!.events];
    expect(all.every((e) => !JSON.stringify(e.data).includes('\uFFFD'))).toBe(true);
    expect(all.some((e) => ((e.data as { metadata: { body?: string } }).metadata.body ?? '').includes('—'))).toBe(true);
  });

  it('R-LIB-4 well-formed old index numbers are kept and claimed; malformed ones are recorded and a new number assigned', async () => {
    const { events } = migrated.get('jinan')!;
    type Migration = { indexNumber: { origin: string }; original: { indexNumber?: { wellFormed: boolean } } };
    const migration = (e: RecordedEvent) => (e.data as { migration: Migration }).migration;
    const kept = events.filter((e) => migration(e).indexNumber.origin === 'kept');
    const wellFormed = events.filter((e) => migration(e).original.indexNumber?.wellFormed === true);
    // Every well-formed old number is kept: the export gives no two rows the same one. (The report's 249 counts
    // the held row's too.)
    expect(kept).toEqual(wellFormed);
    expect(kept.length).toBeGreaterThanOrEqual(248);
    for (const event of kept) {
      const data = event.data as { indexNumber: string; migration: { original: { indexNumber: { value: string } } } };
      expect(data.indexNumber).toBe(data.migration.original.indexNumber.value);
    }
    const malformed = events.filter((e) => {
      const m = (e.data as { migration: { original: { indexNumber?: { wellFormed: boolean } } } }).migration;
      return m.original.indexNumber?.wellFormed === false;
    });
    expect(malformed).toHaveLength(9);
    for (const event of malformed) {
      const data = event.data as {
        indexNumber: string;
        migration: { indexNumber: { origin: string; reason: string } };
      };
      expect(data.migration.indexNumber).toMatchObject({ origin: 'assigned' });
      expect(data.migration.indexNumber.reason).toMatch(/malformed/);
      expect(data.indexNumber).toMatch(/^[0-9A-Z]{18}\/2026-\d{5}$/);
    }
    expect(new Set(events.map((e) => (e.data as { indexNumber: string }).indexNumber)).size).toBe(events.length);
    const claim = await api.c.platform.reader.claim('index-number', '11341502MB1P04557X/2018-00001');
    expect(claim.owner).toMatch(/^jinan-crawl-/);
    const byNumber = await api.gql<{ resource: { title: string; metadata: { source: Record<string, string> } } }>(
      '{ resource(indexNumber: "11341502MB1P04557X/2018-00001") { title metadata } }',
      {},
      token,
    );
    expect(byNumber.data?.resource.title).toBe('中华人民共和国个人所得税法');
    expect(byNumber.data?.resource.metadata.source).toMatchObject({
      system: '金安区政府网站',
      originalId: 'art_20000.html',
    });
  });

  it('R-LIB-4 a migrated item keeps its original dates; its review history names the run that approved it', async () => {
    const run = migrated.get('jinan')!;
    const event = run.events.find(
      (e) => (e.data as { migration: { originalId: string } }).migration.originalId === 'art_20000.html',
    )!;
    const resourceId = (event.data as { resourceId: string }).resourceId;
    const resource = await api.gql<{
      resource: { publishedAt: string; firstPublishedAt: string; metadata: { writtenAt: string } };
    }>('query($id: ID!) { resource(id: $id) { publishedAt firstPublishedAt metadata } }', { id: resourceId }, token);
    expect(resource.data?.resource).toMatchObject({
      publishedAt: '2018-08-31T12:25:00+08:00',
      firstPublishedAt: '2018-08-31T12:25:00+08:00',
      metadata: { writtenAt: '1980-09-10' },
    });
    const history = await api.gql<{ reviewHistory: Array<{ type: string; comment: string }> }>(
      'query($id: ID!) { reviewHistory(resourceId: $id) { type comment } }',
      { id: resourceId },
      await api.token('jinan-approver'),
    );
    expect(history.data?.reviewHistory).toEqual([
      { type: 'ResourceMigrated', comment: `migration run ${run.runId}, approved by jinan-approver` },
    ]);
  });

  it('R-LIB-4 subjects the classifier proposed are carried with their confidence', () => {
    const { events, report } = migrated.get('national regulations')!;
    const proposals = events.flatMap(
      (e) => (e.data as { migration: { proposals: Array<{ confidence: number }> } }).migration.proposals,
    );
    expect(proposals.length).toBe(report.proposals.length);
    for (const proposal of proposals) expect(proposal.confidence).toBeGreaterThan(0);
  });

  it('R-LIB-4 a second run of the same export writes nothing to any resource', async () => {
    const head = await api.c.eventStore.headPosition();
    const again = await migrateOverApi(api, MIGRATION_EXAMPLES.edu);
    expect(again.state.completion!.counts).toMatchObject({ created: 0, revised: 0, unchanged: 89, failed: 0 });
    const written = await eventsAfter(api.c.eventStore, head);
    expect(written.filter((e) => !e.streamId.startsWith('migration-'))).toEqual([]);
  });
});
