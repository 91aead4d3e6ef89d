import { randomUUID } from 'node:crypto';
import { Platform } from './domain/platform.js';
import { createDemoPlatform } from './infra/demo-platform.js';
import { openSqliteEventStore } from './infra/event-store/sqlite-event-store.js';
import { loadMigration, MIGRATION_EXAMPLES } from './ingest/migration/index.js';
import { executeMigrationRun, startMigrationRun } from './ingest/migration/write/migration-runs.js';
import { tempDir } from './test/support/temp-dir.js';

const C = Number(process.argv[2] ?? 32);
const B = Number(process.argv[3] ?? 200);
const dir = tempDir('prof');
const store = openSqliteEventStore(dir.path);
const platform = new Platform(store);
await createDemoPlatform(platform);
const m = await loadMigration(MIGRATION_EXAMPLES.nationalRegulations);
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
const head = await store.headPosition();
const commits0 = store.commits;
const t = performance.now();
await executeMigrationRun(platform, m, 'r1', { concurrency: C });
const ms = performance.now() - t;
const events = await store.readAll({ after: head!, maxCount: 100000 });
const raw = openSqliteEventStore(`${dir.path}/raw`);
const appends: any[] = [];
for (const e of events) {
  const last = appends.at(-1);
  const copy = { id: e.id, type: e.type, data: e.data, metadata: e.metadata };
  if (last?.s === e.streamId) last.ev.push(copy);
  else appends.push({ s: e.streamId, ev: [copy] });
}
const t2 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < appends.length) {
      const a = appends[next++];
      await raw.append(a.s, a.ev, { expectedRevision: 'any' });
    }
  }),
);
const rawMs = performance.now() - t2;
console.log(
  `c=${C} b=${B} run ${(ms / 683).toFixed(2)} ms/item, commits ${store.commits - commits0}; raw ${(rawMs / 683).toFixed(2)} ms/item commits ${raw.commits}; ratio ${(rawMs / ms).toFixed(2)}; events ${events.length}`,
);
await raw.close();
await store.close();
dir.remove();
