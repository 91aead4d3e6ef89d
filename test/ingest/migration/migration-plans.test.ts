/**
 * R-LIB-4, the plan a run's start keeps beside the event log: the run writes the items of the dry run its approver
 * approved instead of mapping the export again, the same items a second mapping gives; a plan that is not the
 * approved one (edited, or gone) is never written from; the export is still compared with what was approved (by its
 * bytes, else row by row), so a changed row is refused before its batch writes; a start that is refused leaves the
 * plan of the run it collided with alone; a completed run's plan is removed.
 */
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../domain/event-store/event.js';
import { Platform } from '../../../domain/platform.js';
import { createDemoPlatform } from '../../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../../infra/event-store/sqlite-event-store.js';
import { loadMigration, MIGRATION_EXAMPLES } from '../../../ingest/migration/index.js';
import { derivedResourceId } from '../../../ingest/migration/row-hash.js';
import {
  executeMigrationRun,
  startMigrationRun,
  sweepMigrationPlans,
} from '../../../ingest/migration/write/migration-runs.js';
import { eventsAfter, MIGRATED_AT } from '../../support/migration-runs.js';
import { tempDir } from '../../support/temp-dir.js';
import { jsonl, type MigrationFolder, migrationFolder } from './migration-files.js';

const CONFIG = `
migration: plan-notices
source:
  system: 金安区旧版通知系统
  reader: { type: jsonl, path: export.jsonl }
  id: id
destination:
  site: jinan
  column: { value: notices }
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

const row = (n: number, title = `关于做好第${n}批政务公开工作的通知`) => ({
  id: `P${n}`,
  title,
  body: `<p onclick="x()">第${n}批通知正文</p>`,
  writtenAt: `2023-0${n}-01`,
});
const ROWS = [1, 2, 3].map((n) => row(n));

interface Embedded {
  store: ReturnType<typeof openSqliteEventStore>;
  platform: Platform;
  plans: string;
  close(): Promise<void>;
}

const opened: Embedded[] = [];
const folders: MigrationFolder[] = [];
afterEach(async () => {
  for (const platform of opened.splice(0)) await platform.close();
  for (const folder of folders.splice(0)) folder.remove();
});

async function embedded(): Promise<Embedded> {
  const dir = tempDir('migration-plans');
  const store = openSqliteEventStore(dir.path);
  const platform = new Platform(store);
  await createDemoPlatform(platform);
  const handle = {
    store,
    platform,
    plans: join(dir.path, 'migration-plans'),
    close: async () => {
      await store.close();
      dir.remove();
    },
  };
  opened.push(handle);
  return handle;
}

async function startApproved(
  at: Embedded,
  file: string,
  runId: string,
  site: string,
  plans: string | undefined = at.plans,
): Promise<void> {
  const migration = await loadMigration(file, { taxonomy: await at.platform.reader.subjectTaxonomy() });
  await startMigrationRun(at.platform, migration, {
    runId,
    migratedAt: MIGRATED_AT,
    actorId: `${site}-webmaster`,
    occurredAt: new Date().toISOString(),
    ...(plans === undefined ? {} : { plans }),
  });
  await at.platform.execute(
    'ApproveMigrationRun',
    { runId },
    { actorId: `${site}-approver`, occurredAt: new Date().toISOString() },
  );
}

/** A run's migrated resources by id, with the number a sequence assigned (in whatever order) left out. */
function migrated(events: RecordedEvent[]) {
  return new Map(
    events.map((event) => {
      const data = event.data as {
        resourceId: string;
        indexNumber: string;
        migration: { indexNumber: { origin: string } };
      };
      const assigned = data.migration.indexNumber.origin === 'assigned';
      return [data.resourceId, { ...data, indexNumber: assigned ? 'assigned' : data.indexNumber }];
    }),
  );
}

function notices(): { folder: MigrationFolder; config: string; write: (rows: object[] | string) => void } {
  const folder = migrationFolder();
  folders.push(folder);
  const config = folder.write('notices.yaml', CONFIG);
  const write = (rows: object[] | string) => {
    folder.write('export.jsonl', typeof rows === 'string' ? rows : jsonl(rows));
  };
  write(ROWS);
  return { folder, config, write };
}

const title = async (at: Embedded, n: number) =>
  (await at.platform.reader.resource(derivedResourceId('plan-notices-', `P${n}`))).published?.metadata.title;

describe('R-LIB-4 a run writes the plan its approver approved', () => {
  it('R-LIB-4 the items written from the plan are those a second mapping of the export writes; the plan goes once the run completes', async () => {
    const [fromPlan, mappedAgain] = [await embedded(), await embedded()];
    await startApproved(fromPlan, MIGRATION_EXAMPLES.jinan, 'jinan-plan', 'jinan');
    await startApproved(mappedAgain, MIGRATION_EXAMPLES.jinan, 'jinan-plan', 'jinan', undefined);
    expect(readdirSync(fromPlan.plans)).toHaveLength(1);

    const heads = [await fromPlan.store.headPosition(), await mappedAgain.store.headPosition()];
    const a = await executeMigrationRun(
      fromPlan.platform,
      await loadMigration(MIGRATION_EXAMPLES.jinan),
      'jinan-plan',
      {
        plans: fromPlan.plans,
      },
    );
    const b = await executeMigrationRun(
      mappedAgain.platform,
      await loadMigration(MIGRATION_EXAMPLES.jinan),
      'jinan-plan',
    );
    expect(a.rows).toEqual({ planned: 263, mapped: 0 });
    expect(b.rows).toEqual({ planned: 0, mapped: 263 });
    expect(a.state.completion?.counts).toEqual(b.state.completion?.counts);
    expect(a.state.completion?.counts.created).toBe(262);
    const written = migrated(await eventsAfter(fromPlan.store, heads[0]!, ['ResourceMigrated']));
    expect(written).toEqual(migrated(await eventsAfter(mappedAgain.store, heads[1]!, ['ResourceMigrated'])));
    expect(readdirSync(fromPlan.plans)).toEqual([]);
  }, 120_000);

  it('R-LIB-4 a plan that is not the approved one is never written from: the run maps the export again', async () => {
    const at = await embedded();
    const { config } = notices();
    await startApproved(at, config, 'edited-plan', 'jinan');
    const [file] = readdirSync(at.plans);
    const path = join(at.plans, file!);
    // Someone edits a title in the plan: its batch no longer has the approved digest.
    const plan = readFileSync(path).toString('utf16le');
    expect(plan).toContain('关于做好第2批政务公开工作的通知');
    writeFileSync(path, Buffer.from(plan.replace('第2批', '第9批'), 'utf16le'));
    const run = await executeMigrationRun(at.platform, await loadMigration(config), 'edited-plan', { plans: at.plans });
    expect(run.rows).toEqual({ planned: 0, mapped: 3 });
    expect(run.state.completion?.counts).toMatchObject({ created: 3, failed: 0 });
    expect(await title(at, 2)).toBe('关于做好第2批政务公开工作的通知');

    // A plan that is gone: the same.
    const { config: other, write } = notices();
    write([row(4), row(5)]);
    await startApproved(at, other, 'lost-plan', 'jinan');
    for (const name of readdirSync(at.plans)) rmSync(join(at.plans, name));
    const lost = await executeMigrationRun(at.platform, await loadMigration(other), 'lost-plan', { plans: at.plans });
    expect(lost.rows).toEqual({ planned: 0, mapped: 2 });
    expect(lost.state.completion?.counts).toMatchObject({ created: 2, failed: 0 });
    expect(await title(at, 5)).toBe('关于做好第5批政务公开工作的通知');
  }, 60_000);

  it('R-LIB-4 an export whose bytes changed but not its rows is the approved one; a changed row is refused before its batch writes', async () => {
    const at = await embedded();
    const { config, write } = notices();
    await startApproved(at, config, 'reordered', 'jinan');
    // The same rows with their fields in another order and other white space: other bytes, the same row hashes.
    write(
      `${ROWS.map((r) => JSON.stringify({ writtenAt: r.writtenAt, body: r.body, title: r.title, id: r.id }, null, 0)).join('\r\n')}\r\n`,
    );
    const run = await executeMigrationRun(at.platform, await loadMigration(config), 'reordered', { plans: at.plans });
    expect(run.rows).toEqual({ planned: 3, mapped: 0 });
    expect(run.state.completion?.counts).toMatchObject({ created: 3 });

    write([...ROWS, row(4)]);
    await startApproved(at, config, 'changed', 'jinan');
    write([...ROWS, row(4, '改过的标题')]);
    const head = await at.store.headPosition();
    await expect(
      executeMigrationRun(at.platform, await loadMigration(config), 'changed', { plans: at.plans }),
    ).rejects.toMatchObject({ code: 'MIGRATION_SOURCE_CHANGED' });
    expect(await at.store.headPosition()).toBe(head);
    write([...ROWS, row(4)]);
    const after = await executeMigrationRun(at.platform, await loadMigration(config), 'changed', { plans: at.plans });
    expect(after.state.completion?.counts).toMatchObject({ created: 1, unchanged: 3 });
  }, 60_000);

  it('R-LIB-4 an export with a row more than the approved plan is refused and nothing is written', async () => {
    const at = await embedded();
    const { config, write } = notices();
    await startApproved(at, config, 'grown', 'jinan');
    write([...ROWS, row(4)]);
    const head = await at.store.headPosition();
    await expect(
      executeMigrationRun(at.platform, await loadMigration(config), 'grown', { plans: at.plans }),
    ).rejects.toMatchObject({ code: 'MIGRATION_SOURCE_CHANGED' });
    expect(await at.store.headPosition()).toBe(head);
  }, 60_000);

  it('R-LIB-4 a start refused for a run id already taken leaves that run’s plan as it was', async () => {
    const at = await embedded();
    const { config, write } = notices();
    await startApproved(at, config, 'taken', 'jinan');
    const [file] = readdirSync(at.plans);
    const before = readFileSync(join(at.plans, file!));
    write([row(1, '另一个导出')]);
    const migration = await loadMigration(config, { taxonomy: await at.platform.reader.subjectTaxonomy() });
    await expect(
      startMigrationRun(at.platform, migration, {
        runId: 'taken',
        migratedAt: MIGRATED_AT,
        actorId: 'jinan-webmaster',
        occurredAt: new Date().toISOString(),
        plans: at.plans,
      }),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(readdirSync(at.plans)).toEqual([file]);
    expect(readFileSync(join(at.plans, file!)).equals(before)).toBe(true);
    expect(existsSync(join(at.plans, file!))).toBe(true);
  }, 60_000);

  it('R-LIB-4 plans no run needs go: a run rejected elsewhere, a start that died an hour ago; a run awaiting approval and a start under way keep theirs', async () => {
    const at = await embedded();
    const { config } = notices();
    const migration = await loadMigration(config, { taxonomy: await at.platform.reader.subjectTaxonomy() });
    const start = (runId: string) =>
      startMigrationRun(at.platform, migration, {
        runId,
        migratedAt: MIGRATED_AT,
        actorId: 'jinan-webmaster',
        occurredAt: new Date().toISOString(),
        plans: at.plans,
      });
    await start('waiting');
    await start('turned-down');
    // Rejected the way an approver does it over GraphQL: the CLI that started it hears nothing.
    await at.platform.execute(
      'RejectMigrationRun',
      { runId: 'turned-down', reason: '栏目对应关系有误' },
      { actorId: 'jinan-approver', occurredAt: new Date().toISOString() },
    );
    const [waiting, turnedDown] = ['waiting', 'turned-down'].map((id) => `${id}.plan.utf16le.jsonl`);
    const died = 'died.plan.utf16le.jsonl.7f0c.tmp';
    const underWay = 'under-way.plan.utf16le.jsonl.91ab.tmp';
    writeFileSync(join(at.plans, died), 'x');
    writeFileSync(join(at.plans, underWay), 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(at.plans, died), twoHoursAgo, twoHoursAgo);
    expect(readdirSync(at.plans).sort()).toEqual([died, turnedDown, underWay, waiting].sort());

    const removed = await sweepMigrationPlans(at.platform, at.plans);
    expect(removed.sort()).toEqual([died, turnedDown].sort());
    expect(readdirSync(at.plans).sort()).toEqual([underWay, waiting].sort());
    expect(await sweepMigrationPlans(at.platform, join(at.plans, 'none'))).toEqual([]);
  }, 60_000);
});
