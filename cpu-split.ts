import { Platform } from './domain/platform.js';
import { createDemoPlatform } from './infra/demo-platform.js';
import { openSqliteEventStore } from './infra/event-store/sqlite-event-store.js';
import { loadMigration, MIGRATION_EXAMPLES, planMigration } from './ingest/migration/index.js';
import { sourceDigest } from './ingest/migration/source-digest.js';
import { executeMigrationRun, startMigrationRun } from './ingest/migration/write/migration-runs.js';
import { tempDir } from './test/support/temp-dir.js';

const cpu = async (label: string, f: () => Promise<unknown>) => {
  const c = process.cpuUsage();
  const t = performance.now();
  await f();
  const u = process.cpuUsage(c);
  console.log(
    label,
    'cpu ms/item',
    ((u.user + u.system) / 1000 / 683).toFixed(2),
    'wall',
    ((performance.now() - t) / 683).toFixed(2),
  );
};
const dir = tempDir('prof');
const store = openSqliteEventStore(dir.path);
const platform = new Platform(store);
await createDemoPlatform(platform);
const m = await loadMigration(MIGRATION_EXAMPLES.nationalRegulations);
await cpu('sourceDigest', () => sourceDigest(m));
await cpu('plan', async () => {
  for await (const _ of planMigration(m, { runId: 'x', migratedAt: '2026-12-01T10:00:00+08:00' }).outcomes());
});
await startMigrationRun(platform, m, {
  runId: 'r1',
  migratedAt: '2026-12-01T10:00:00+08:00',
  actorId: 'portal-webmaster',
  occurredAt: new Date().toISOString(),
});
await platform.execute(
  'ApproveMigrationRun',
  { runId: 'r1' },
  { actorId: 'portal-approver', occurredAt: new Date().toISOString() },
);
await cpu('execute', () => executeMigrationRun(platform, m, 'r1', { concurrency: 128 }));
await store.close();
dir.remove();
