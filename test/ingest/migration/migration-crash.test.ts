/**
 * R-LIB-4: a run that crashed resumes where it stopped. A child process writes an approved run of the 金安 crawl
 * (old index numbers kept and claimed, others assigned) and is killed with SIGKILL at random moments while it
 * writes; running it again goes on after the last recorded batch, with nothing to reset. At the end every ready
 * item is in the log exactly once, every index number once, and the run's totals are its report's.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Platform } from '../../../domain/platform.js';
import { createDemoPlatform } from '../../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../../infra/event-store/sqlite-event-store.js';
import { loadMigration, MIGRATION_EXAMPLES } from '../../../ingest/migration/index.js';
import { executeMigrationRun, startMigrationRun } from '../../../ingest/migration/write/migration-runs.js';
import { eventsAfter, MIGRATED_AT } from '../../support/migration-runs.js';
import { tempDir } from '../../support/temp-dir.js';
import { killWorkers, startWorker } from '../../support/worker-process.js';

const worker = new URL('../../support/migration-worker.ts', import.meta.url);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(killWorkers);

describe('R-LIB-4 a migration run killed with SIGKILL resumes where it stopped', () => {
  it('R-LIB-4 kill -9 of a run, twice, then resume: every item exactly once, every index number once', async () => {
    const dir = tempDir('migration-kill');
    const runId = 'jinan-kill';
    let store = openSqliteEventStore(dir.path);
    let platform = new Platform(store);
    await createDemoPlatform(platform);
    const migration = await loadMigration(MIGRATION_EXAMPLES.jinan);
    const { report } = await startMigrationRun(platform, migration, {
      runId,
      migratedAt: MIGRATED_AT,
      actorId: 'jinan-webmaster',
      occurredAt: new Date().toISOString(),
      // Small batches: a kill lands inside one often.
      batchSize: 15,
      plans: join(dir.path, 'migration-plans'),
    });
    await platform.execute(
      'ApproveMigrationRun',
      { runId },
      { actorId: 'jinan-approver', occurredAt: new Date().toISOString() },
    );
    const head = await store.headPosition();
    await store.close();

    let batchesBeforeKills = 0;
    for (let round = 0; round < 2; round++) {
      const run = startWorker(worker, dir.path, MIGRATION_EXAMPLES.jinan, runId);
      // Kill it at a random moment of its work: after a random few of its batches (each prints a line), a random
      // moment into the next. Counted in batches, not in time: a run written from its plan is fast enough to finish
      // within any fixed delay on a quiet machine, and one that finished was never killed.
      const batches = 1 + Math.floor(Math.random() * 4);
      while (run.lines.length < batches) await sleep(5);
      await sleep(Math.floor(Math.random() * 30));
      run.child.kill('SIGKILL');
      await run.exited;
      batchesBeforeKills += run.lines.length;
      expect(run.lines.some((line) => line.includes('"done"'))).toBe(false);
    }
    expect(batchesBeforeKills).toBeGreaterThan(1);

    store = openSqliteEventStore(dir.path);
    platform = new Platform(store);
    const resumed = await executeMigrationRun(platform, await loadMigration(MIGRATION_EXAMPLES.jinan), runId, {
      plans: join(dir.path, 'migration-plans'),
    });
    expect(resumed.resumedFrom).toBeGreaterThan(1);
    // Every process wrote from the plan the run's start kept.
    expect(resumed.rows.mapped).toBe(0);
    expect(resumed.state.status).toBe('completed');
    expect(resumed.state.completion!.counts).toMatchObject({
      created: report.rows.ready,
      held: report.rows.held,
      failed: 0,
      conflicts: 0,
    });

    const migrated = await eventsAfter(store, head, ['ResourceMigrated']);
    const perStream = new Map<string, number>();
    for (const event of migrated) perStream.set(event.streamId, (perStream.get(event.streamId) ?? 0) + 1);
    expect(perStream.size).toBe(report.rows.ready);
    expect([...perStream.values()].every((n) => n === 1)).toBe(true);
    const numbers = migrated.map((e) => (e.data as { indexNumber: string }).indexNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    const kept = migrated.filter(
      (e) => (e.data as { migration: { indexNumber: { origin: string } } }).migration.indexNumber.origin === 'kept',
    );
    expect(kept.length).toBeGreaterThanOrEqual(248);
    // Every row's key is claimed by its resource once, whatever the process that wrote it.
    const keys = await eventsAfter(store, head, ['ValueClaimed']);
    const sources = keys.filter((e) => (e.data as { scope: string }).scope === 'migration-source');
    expect(sources).toHaveLength(report.rows.ready);
    await store.close();
    dir.remove();
  }, 240_000);
});
