/**
 * Migration at scale (R-LIB-4): the sample corpus replicated to ITEMS items (683 regulations, each copy under its own
 * original id) migrated by the national-regulations example configuration through the whole write side: the run's
 * digests checked against the export, every row mapped and cleansed, its source row and index number claimed, the
 * resource written, batches announced and recorded.
 *   (a) items/s of the run (from approval to completion), against appending the very events it wrote, grouped as
 *       it appended them, with raw event-store appends into a fresh store in the same run (same WAL/FULL mode, the
 *       same 64 appends in flight);
 *   (b) the time until all are searchable: the same run into another platform while the library projection follows
 *       the log in a process of its own, as `npm start` does while the platform team runs the CLI.
 * The dry run that precedes a run (the report its approver reads, and the plan the run writes from, kept beside
 * the event log as the CLI keeps it) is timed on its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NewEvent, RecordedEvent } from '../../domain/event-store/event.js';
import { Platform } from '../../domain/platform.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import { loadMigration, MIGRATION_EXAMPLES } from '../../ingest/migration/index.js';
import { executeMigrationRun, startMigrationRun } from '../../ingest/migration/write/migration-runs.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { eventsAfter } from '../support/migration-runs.js';
import { tempDir } from '../support/temp-dir.js';
import { progress, round, seconds } from './measure.js';

const ITEMS = Number(process.env.BENCH_MIGRATE_ITEMS ?? 20_000);
const IN_FLIGHT = 64;
const MIGRATED_AT = '2026-12-01T10:00:00+08:00';

/** The corpus replicated: copy n of a regulation is `copy-<n>/<its path>`, so the file date still ends the path. */
async function replicatedCorpus(file: string): Promise<void> {
  const items = readFileSync(SAMPLE_CORPUS_PATH, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { path: string });
  const out = createWriteStream(file);
  for (let n = 0; n < ITEMS; n++) {
    const item = items[n % items.length]!;
    const line = `${JSON.stringify({ ...item, path: `copy-${Math.floor(n / items.length)}/${item.path}` })}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface Platformed {
  dir: { path: string; remove(): void };
  store: ReturnType<typeof openSqliteEventStore>;
  platform: Platform;
}

async function platformIn(label: string): Promise<Platformed> {
  const dir = tempDir(label);
  const store = openSqliteEventStore(dir.path);
  const platform = new Platform(store);
  await createDemoPlatform(platform);
  return { dir, store, platform };
}

/** Where the CLI keeps runs' plans: beside the event log. */
const plansIn = (dataDir: string) => join(dataDir, 'migration-plans');

/** Starts and approves a run of `config` on `platform`; returns the time its dry run took. */
async function approvedRun(platform: Platform, config: string, runId: string, plans: string): Promise<number> {
  const migration = await loadMigration(config, { taxonomy: await platform.reader.subjectTaxonomy() });
  const start = process.hrtime.bigint();
  await startMigrationRun(platform, migration, {
    runId,
    migratedAt: MIGRATED_AT,
    actorId: 'portal-webmaster',
    occurredAt: new Date().toISOString(),
    plans,
  });
  const dryRun = seconds(start);
  await platform.execute(
    'ApproveMigrationRun',
    { runId },
    { actorId: 'portal-approver', occurredAt: new Date().toISOString() },
  );
  return dryRun;
}

/** The run's appends again, raw: consecutive events of one stream were one append. */
async function rawAppends(events: RecordedEvent[], dataDir: string): Promise<number> {
  const store = openSqliteEventStore(dataDir);
  const appends: Array<{ streamId: string; events: NewEvent[] }> = [];
  for (const event of events) {
    const last = appends.at(-1);
    const copy: NewEvent = { id: event.id, type: event.type, data: event.data, metadata: event.metadata };
    if (last?.streamId === event.streamId) last.events.push(copy);
    else appends.push({ streamId: event.streamId, events: [copy] });
  }
  const start = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < appends.length) {
      const append = appends[next++]!;
      await store.append(append.streamId, append.events, { expectedRevision: 'any' });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const elapsed = seconds(start);
  await store.close();
  return elapsed;
}

function follower(dataDir: string): { child: ChildProcess; checkpoint: () => number } {
  const script = new URL('./library-follower.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let checkpoint = 0;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    checkpoint = (JSON.parse(line) as { checkpoint: number }).checkpoint;
  });
  return { child, checkpoint: () => checkpoint };
}

export async function migrateBenchmark() {
  const files = tempDir('bench-migrate-export');
  const exportFile = join(files.path, 'regulations.jsonl');
  progress(`migrate: replicating the sample corpus to ${ITEMS} items`);
  await replicatedCorpus(exportFile);
  const config = join(files.path, 'regulations.yaml');
  const example = readFileSync(MIGRATION_EXAMPLES.nationalRegulations, 'utf8');
  writeFileSync(
    config,
    example.replace(/path: \.\.\/\.\.\/\.\.\/corpus\/national-regulations\.jsonl/, `path: ${exportFile}`),
  );

  // (a) the run, then its appends raw.
  const a = await platformIn('bench-migrate');
  progress('migrate: dry run and approval');
  const dryRunSeconds = await approvedRun(a.platform, config, 'bench-a', plansIn(a.dir.path));
  const head = await a.store.headPosition();
  progress(`migrate: writing ${ITEMS} items`);
  let start = process.hrtime.bigint();
  const run = await executeMigrationRun(a.platform, await loadMigration(config), 'bench-a', {
    plans: plansIn(a.dir.path),
    onBatch: (batch) => {
      if (batch % 20 === 0) progress(`migrate: batch ${batch}`);
    },
  });
  const runSeconds = seconds(start);
  const written = await eventsAfter(a.store, head);
  const created = run.state.completion!.counts.created;
  progress(`migrate: appending the run's ${written.length} events raw`);
  const raw = tempDir('bench-migrate-raw');
  const rawSeconds = await rawAppends(written, raw.path);
  raw.remove();
  await a.store.close();
  a.dir.remove();

  // (b) the same run while the library follows the log in another process.
  const b = await platformIn('bench-migrate-live');
  await approvedRun(b.platform, config, 'bench-b', plansIn(b.dir.path));
  const live = follower(b.dir.path);
  progress(`migrate: writing ${ITEMS} items with the library projection following`);
  start = process.hrtime.bigint();
  await executeMigrationRun(b.platform, await loadMigration(config), 'bench-b', { plans: plansIn(b.dir.path) });
  const writtenSeconds = seconds(start);
  // The follower's checkpoint passes the events it does not handle too: at the head, everything is in the index.
  const last = (await b.store.headPosition())!;
  while (live.checkpoint() < last) await new Promise((resolve) => setTimeout(resolve, 50));
  const searchableSeconds = seconds(start);
  live.child.kill('SIGTERM');
  await once(live.child, 'close');
  const index = await openSqliteSearchIndex(b.dir.path);
  const found = (await index.search({ filters: { siteIds: ['portal'] }, first: 1 })).total;
  await index.close();
  await b.store.close();
  b.dir.remove();
  files.remove();

  const itemsPerSecond = created / runSeconds;
  const baselineItemsPerSecond = created / rawSeconds;
  const ratio = round(itemsPerSecond / baselineItemsPerSecond, 3);
  return {
    name: `migration of the sample corpus replicated to ${ITEMS} items (national-regulations configuration)`,
    items: ITEMS,
    created,
    /** Rows the run took from the plan its start kept (the rest it mapped from the export again). */
    rowsFromPlan: run.rows.planned,
    events: written.length,
    dryRunItemsPerSecond: Math.round(ITEMS / dryRunSeconds),
    itemsPerSecond: Math.round(itemsPerSecond),
    baselineItemsPerSecond: Math.round(baselineItemsPerSecond),
    ratio,
    target: 0.5,
    meetsTarget: ratio >= 0.5,
    withLibraryFollowing: {
      writtenSeconds: round(writtenSeconds, 1),
      allSearchableSeconds: round(searchableSeconds, 1),
      searchableDocuments: found,
    },
  };
}
