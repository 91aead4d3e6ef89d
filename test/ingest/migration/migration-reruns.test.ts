/**
 * R-LIB-4, runs after runs of one old system's export: the id map makes a re-run idempotent (unchanged rows skipped,
 * changed rows a new version, new rows added), an incremental run takes only what is past the last high-water mark,
 * a dry run writes nothing, the approval comes before any write and is the API's, and a rollback withdraws what a
 * run created while keeping what was edited on the platform since; rolled-back rows come back with a later run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigration } from '../../../ingest/migration/index.js';
import { derivedResourceId } from '../../../ingest/migration/row-hash.js';
import {
  dryRunReport,
  executeMigrationRun,
  startMigrationRun,
} from '../../../ingest/migration/write/migration-runs.js';
import { type ApiServer, startApiServer } from '../../support/api-server.js';
import { eventsAfter, MIGRATED_AT, migrateOverApi } from '../../support/migration-runs.js';
import { jsonl, type MigrationFolder, migrationFolder } from './migration-files.js';

const CONFIG = `
migration: notices-feed
source:
  system: 金安区旧版通知系统
  reader: { type: jsonl, path: export.jsonl }
  id: id
  watermark: &published { from: publishedAt, steps: [{ datetime: { assumeOffset: "+08:00" } }] }
  skip:
    - { when: status, in: [draft], reason: draft }
destination:
  site: jinan
  column: { value: notices }
original:
  publishedAt: *published
  indexNumber: { from: indexNumber, steps: [trim, indexNumber] }
fields:
  title: { from: title, steps: [whitespace] }
  body: { from: body, steps: [sanitizeHtml] }
  publisher: { value: 六安市人民政府办公室 }
  publisherCode: { value: 11341500003089416J }
  writtenAt: { from: writtenAt, steps: [date] }
  subject: { value: 综合政务/政务公开 }
  genre: { value: 通知 }
  disclosure: { value: 主动公开 }
  resourceType: { value: notice }
  format: { value: text/html }
`;

interface Row {
  id: string;
  title: string;
  body: string;
  writtenAt: string;
  publishedAt: string;
  indexNumber?: string;
  status?: string;
}

const row = (n: number, extra: Partial<Row> = {}): Row => ({
  id: `N${n}`,
  title: `关于做好第${n}批政务公开工作的通知`,
  body: `<p onclick="x()">第${n}批通知正文<script>alert(1)</script></p>`,
  writtenAt: `2023-0${n}-01`,
  publishedAt: `2023-0${n}-02 09:30`,
  ...extra,
});

describe('R-LIB-4 re-runs, incremental runs and rollbacks of one export', () => {
  let api: ApiServer;
  let folder: MigrationFolder;
  let config: string;
  let auditor: string;
  const write = (rows: Row[]) => folder.write('export.jsonl', jsonl(rows));
  const rows = [
    row(1, { indexNumber: '11341500003089416J/2023-00001' }),
    row(2, { indexNumber: '11341500003089416J-2023-00002' }),
    // The same old number as N1: the first row keeps it, this one gets a new one.
    row(3, { indexNumber: '11341500003089416J/2023-00001' }),
    row(4, { status: 'draft' }),
  ];

  beforeAll(async () => {
    api = await startApiServer();
    folder = migrationFolder();
    config = folder.write('notices.yaml', CONFIG);
    auditor = await api.token('auditor');
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    folder?.remove();
  });

  const document = (originalId: string) => {
    return api.c.searchIndex.get(derivedResourceId('notices-feed-', originalId));
  };

  it('R-LIB-4 a dry run writes nothing, and nothing is written before the approver approves over the API', async () => {
    write(rows);
    const migration = await loadMigration(config);
    const head = await api.c.eventStore.headPosition();
    const report = await dryRunReport(api.c.platform, migration, { runId: 'dry', migratedAt: MIGRATED_AT });
    expect(report.rows).toMatchObject({ read: 4, ready: 3, skipped: 1 });
    expect(await api.c.eventStore.headPosition()).toBe(head);

    await startMigrationRun(api.c.platform, migration, {
      runId: 'notices-1',
      migratedAt: MIGRATED_AT,
      actorId: 'jinan-webmaster',
      occurredAt: new Date().toISOString(),
    });
    await expect(executeMigrationRun(api.c.platform, migration, 'notices-1')).rejects.toMatchObject({
      code: 'MIGRATION_NOT_APPROVED',
    });
    const refused = await api.gql(
      'mutation { approveMigrationRun(input: { runId: "notices-1" }) { run { status } } }',
      {},
      await api.token('jinan-webmaster'),
    );
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await eventsAfter(api.c.eventStore, head)).map((e) => e.type)).toEqual(['MigrationRunStarted']);

    const approved = await api.gql<{ approveMigrationRun: { run: { status: string; approvedBy: string } } }>(
      'mutation { approveMigrationRun(input: { runId: "notices-1", comment: "已核对报告" }) { run { status approvedBy } } }',
      {},
      await api.token('jinan-approver'),
    );
    expect(approved.data?.approveMigrationRun.run).toEqual({ status: 'approved', approvedBy: 'jinan-approver' });
    const result = await executeMigrationRun(api.c.platform, migration, 'notices-1');
    await api.settle();
    expect(result.state.completion?.counts).toMatchObject({ created: 3, skipped: 1 });
    expect((await document('N1'))?.indexNumber).toBe('11341500003089416J/2023-00001');
    const n3 = (await document('N3'))!;
    expect(n3.indexNumber).not.toBe('11341500003089416J/2023-00001');
    expect(n3.metadata.body).toBe('<p>第3批通知正文</p>');
  });

  it('R-LIB-4 a run of an export that changed since its approval is refused before it writes', async () => {
    const migration = await loadMigration(config);
    await startMigrationRun(api.c.platform, migration, {
      runId: 'notices-stale',
      migratedAt: MIGRATED_AT,
      actorId: 'jinan-webmaster',
      occurredAt: new Date().toISOString(),
    });
    await api.gql(
      'mutation { approveMigrationRun(input: { runId: "notices-stale" }) { run { status } } }',
      {},
      await api.token('jinan-approver'),
    );
    write([...rows, row(5)]);
    await expect(executeMigrationRun(api.c.platform, migration, 'notices-stale')).rejects.toMatchObject({
      code: 'MIGRATION_SOURCE_CHANGED',
    });
    write(rows);
    await executeMigrationRun(api.c.platform, migration, 'notices-stale');
  });

  it('R-LIB-4 a changed row becomes a new version, a new row is added, unchanged rows are skipped', async () => {
    write([
      ...rows.slice(0, 1),
      row(2, { indexNumber: rows[1]!.indexNumber, title: '关于做好第2批政务公开工作的通知（修订）' }),
      ...rows.slice(2),
      row(5),
    ]);
    const head = await api.c.eventStore.headPosition();
    const run = await migrateOverApi(api, config);
    expect(run.state.completion?.counts).toMatchObject({ created: 1, revised: 1, unchanged: 2, skipped: 1 });
    const migrated = await eventsAfter(api.c.eventStore, head, ['ResourceMigrated']);
    expect(migrated).toHaveLength(2);
    const n2 = (await document('N2'))!;
    expect(n2.version).toBe(2);
    expect(n2.versions.map((v) => v.title)).toEqual([
      '关于做好第2批政务公开工作的通知',
      '关于做好第2批政务公开工作的通知（修订）',
    ]);
    expect(n2.firstPublishedAt).toBe('2023-02-02T09:30:00+08:00');
    expect((await document('N5'))?.metadata.title).toBe('关于做好第5批政务公开工作的通知');
  });

  it('R-LIB-4 an incremental run takes only the rows past the last high-water mark', async () => {
    const runs = await api.gql<{
      migrationRuns: Array<{ runId: string; status: string; highWaterMark: string | null }>;
    }>('{ migrationRuns(siteId: "jinan") { runId status highWaterMark } }', {}, auditor);
    const last = runs.data!.migrationRuns[0]!;
    expect(last).toMatchObject({ status: 'completed', highWaterMark: '2023-05-02T09:30:00+08:00' });
    // N1 changed, but it is not past the mark; N6 is new and past it.
    write([row(1, { title: '改过的标题', indexNumber: rows[0]!.indexNumber }), ...rows.slice(1), row(5), row(6)]);
    const run = await migrateOverApi(api, config, { after: last.highWaterMark! });
    expect(run.state.completion?.counts).toMatchObject({ created: 1, revised: 0, unchanged: 0, skipped: 5 });
    expect(run.report.skipped.byReason).toMatchObject({ 'not after the high-water mark': 4 });
    expect((await document('N1'))?.metadata.title).toBe('关于做好第1批政务公开工作的通知');
    expect(run.state.completion?.highWaterMark).toBe('2023-06-02T09:30:00+08:00');
  });

  it('R-LIB-4 a rollback withdraws what the run created and keeps what was edited since', async () => {
    // Staff correct N3 on the platform: a new version through the whole review.
    const n3 = (await document('N3'))!;
    const as = async (person: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await api.gql(query, { id: n3.resourceId, ...variables }, await api.token(person));
      expect(response.errors).toBeUndefined();
    };
    await as(
      'jinan-editor',
      'mutation($id: ID!, $metadata: JSON!) { correctResource(input: { resourceId: $id, reason: "错别字", metadata: $metadata }) { status } }',
      { metadata: { ...n3.metadata, title: '关于做好第3批政务公开工作的通知（更正）' } },
    );
    for (const [person, step] of [
      ['jinan-editor', 'submitResource(input: { resourceId: $id })'],
      ['jinan-editor2', 'passFirstReview(input: { resourceId: $id })'],
      ['jinan-reviewer', 'passSecondReview(input: { resourceId: $id })'],
      ['jinan-approver', 'passFinalReview(input: { resourceId: $id })'],
      ['jinan-approver', 'publishResource(input: { resourceId: $id })'],
    ] as const)
      await as(person, `mutation($id: ID!) { ${step} { status } }`);
    await api.settle();

    const rolledBack = await api.gql<{
      rollBackMigrationRun: {
        run: { status: string; rollback: { withdrawn: number; kept: Array<{ resourceId: string; reason: string }> } };
      };
    }>(
      'mutation { rollBackMigrationRun(input: { runId: "notices-1", reason: "旧系统数据需要重新整理" }) { run { status rollback { withdrawn kept { resourceId reason } } } } }',
      {},
      await api.token('jinan-approver'),
    );
    expect(rolledBack.errors).toBeUndefined();
    const run = rolledBack.data!.rollBackMigrationRun.run;
    expect(run.status).toBe('rolled_back');
    // N1 and N2 (revised by a later run, not on the platform) go; N3 was corrected on the platform and stays.
    expect(run.rollback.withdrawn).toBe(2);
    expect(run.rollback.kept).toEqual([{ resourceId: n3.resourceId, reason: expect.stringMatching(/edited/) }]);
    await api.settle();
    expect(await document('N1')).toBeNull();
    expect(await document('N2')).toBeNull();
    expect((await document('N3'))?.metadata.title).toBe('关于做好第3批政务公开工作的通知（更正）');
    expect(await document('N5')).not.toBeNull();

    const again = await api.gql(
      'mutation { rollBackMigrationRun(input: { runId: "notices-1", reason: "再来一次" }) { run { status } } }',
      {},
      await api.token('jinan-approver'),
    );
    expect(again.errors?.[0]?.extensions.code).toBe('INVALID_MIGRATION_STATUS');
  });

  it('R-LIB-4 rows a rollback withdrew come back with a later run', async () => {
    const run = await migrateOverApi(api, config);
    expect(run.state.completion?.counts).toMatchObject({ created: 2, unchanged: 3 });
    expect((await document('N1'))?.indexNumber).toBe('11341500003089416J/2023-00001');
    expect((await document('N1'))?.status).toBe('published');
  });

  it('R-LIB-4 runs are read by the site administrators, approvers and auditors, not by editors', async () => {
    const query =
      '{ migrationRuns(siteId: "jinan") { runId status startedBy approvedBy report { rows { read ready } } outcome { created } } }';
    const byEditor = await api.gql(query, {}, await api.token('jinan-editor'));
    expect(byEditor.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const byWebmaster = await api.gql<{ migrationRuns: Array<{ runId: string; startedBy: string }> }>(
      query,
      {},
      await api.token('jinan-webmaster'),
    );
    expect(byWebmaster.data?.migrationRuns.at(-1)).toMatchObject({ runId: 'notices-1', startedBy: 'jinan-webmaster' });
  });
});
