/**
 * `npm run cli -- migrate <config> [options]`: the platform team's migration of an old site's export (R-LIB-4).
 *
 *   --dry-run              reads the whole export through the configuration and writes the report; nothing else
 *   --as <person>          who starts the run: a site administrator of the destination site (or a platform
 *                          administrator); needed to start one, not to go on with one
 *   --approved-by <person> the site's approver approving here; otherwise the run waits for `approveMigrationRun`
 *                          (GraphQL) by an approver of the site, or ends at once with --no-wait
 *   --incremental          only rows past the high-water mark of the last completed run of this configuration
 *   --source <path>        reads this export instead of the one the configuration names
 *   --site <siteId>        migrates into this site instead of the configuration's
 *   --run <id>             the new run's id (default: <migration>-<time>)
 *   --out <folder>         where reports go (default: data/migration-reports)
 *
 * A configuration that cannot run is refused with every problem and its line before anything runs. Run again with
 * the same configuration and export, the command goes on with the run it started (waiting for approval, or
 * resuming after the last batch written); if a completed run already migrated exactly this, it writes nothing. The
 * run is written from the plan its start kept beside the event log (`migration-plans/` in EVENT_STORE_DIR, removed
 * once the run is completed or rejected), so the export is not mapped a second time. Each run of the command first
 * removes the plans no run needs any more (a run rejected over GraphQL, a start killed while it read the export).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EventStore } from '../../../domain/event-store/port.js';
import {
  type MigrationRunState,
  migrationRunAggregate,
  migrationRunStream,
  type OutcomeCounts,
} from '../../../domain/migration/migration-run.js';
import type { Platform } from '../../../domain/platform.js';
import { type CompiledMigration, loadMigration } from '../config/load-migration.js';
import { migrationProgressBar } from '../progress-bar.js';
import type { MigrationReport } from '../report/migration-report.js';
import { writeReport } from '../report/write-report.js';
import { sourceDigest, sourceFingerprint } from '../source-digest.js';
import {
  destinationSite,
  dryRunReport,
  executeMigrationRun,
  startMigrationRun,
  sweepMigrationPlans,
} from './migration-runs.js';
import { removePlan } from './run-plan.js';

export class MigrateUsageError extends Error {}

export const MIGRATE_USAGE =
  'npm run cli -- migrate <config.yaml> [--dry-run] [--as <site administrator>] [--approved-by <approver>] [--incremental] [--source <export>] [--site <siteId>] [--run <id>] [--out <folder>] [--no-wait]';

export interface MigrateEnvironment {
  platform: Platform;
  eventStore: EventStore;
  out: NodeJS.WritableStream;
  /** Progress bars (standard error), or none. */
  progress?: NodeJS.WritableStream;
  now?: () => Date;
  /** How often a run waiting for approval looks again. */
  pollMs?: number;
  /** Where runs' plans are kept, beside the event log (see run-plan.ts); without it a run maps the export again. */
  plans?: string;
}

/** Beijing time with its offset: what the site's staff read in the report. */
function beijing(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Every run of this configuration on its site, in the order they were started, as their streams say now. */
export async function runsOf(
  store: EventStore,
  platform: Platform,
  migration: Pick<CompiledMigration, 'siteId' | 'name'>,
): Promise<MigrationRunState[]> {
  const runIds: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(after === undefined ? {} : { after }),
      maxCount: 1000,
      filter: { streamPrefixes: ['migration-'], eventTypes: ['MigrationRunStarted'] },
    });
    for (const event of page) {
      const data = event.data as { runId: string; siteId: string; migration: string };
      if (data.siteId === migration.siteId && data.migration === migration.name) runIds.push(data.runId);
    }
    if (page.length < 1000) break;
    after = page.at(-1)!.position;
  }
  const states = [];
  for (const runId of runIds)
    states.push((await platform.reader.read(migrationRunAggregate, migrationRunStream(runId))).state);
  return states;
}

function reportLines(report: MigrationReport): string[] {
  const { rows } = report;
  return [
    `  ${rows.read} rows read: ${rows.ready} ready, ${rows.held} held (metadata or column not valid), ${rows.skipped} skipped, ${rows.duplicates} duplicates collapsed, ${rows.conflicts} conflicts, ${rows.unreadable} unreadable`,
    ...Object.entries(report.skipped.byReason).map(([reason, count]) => `  skipped as ${reason}: ${count}`),
    `  old index numbers: ${report.oldIndexNumbers.wellFormed} well-formed, ${report.oldIndexNumbers.malformed} malformed, ${report.oldIndexNumbers.none} none`,
    `  ${report.proposals.length} subject proposals, ${report.flags.length} flagged values`,
    ...report.notices.map((notice) => `  ${notice}`),
  ];
}

function outcomeLine(counts: OutcomeCounts): string {
  return `  ${counts.created} created, ${counts.revised} revised (new versions), ${counts.unchanged} unchanged, ${counts.conflicts} conflicts, ${counts.held} held, ${counts.skipped} skipped, ${counts.duplicates} duplicates, ${counts.unreadable} unreadable, ${counts.failed} failed`;
}

export interface MigrateResult {
  runId?: string;
  state?: MigrationRunState;
  report?: MigrationReport;
}

export async function migrateCommand(argv: string[], environment: MigrateEnvironment): Promise<MigrateResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      as: { type: 'string' },
      'approved-by': { type: 'string' },
      incremental: { type: 'boolean', default: false },
      source: { type: 'string' },
      site: { type: 'string' },
      run: { type: 'string' },
      out: { type: 'string', default: join('data', 'migration-reports') },
      'no-wait': { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1)
    throw new MigrateUsageError('give one migration configuration file');
  const { platform, eventStore, out } = environment;
  const now = environment.now ?? (() => new Date());
  const say = (...lines: string[]) => out.write(`${lines.join('\n')}\n`);

  const migration = await loadMigration(file, {
    taxonomy: await platform.reader.subjectTaxonomy(),
    ...(values.source === undefined ? {} : { source: values.source }),
    ...(values.site === undefined ? {} : { site: values.site }),
  });
  await destinationSite(platform, migration);
  const bar = () => (environment.progress ? migrationProgressBar(migration.name, environment.progress) : undefined);
  const reports = resolve(values.out);

  if (values['dry-run']) {
    const runId = values.run ?? `dry-${migration.name}-${now().getTime()}`;
    const progress = bar();
    let report: MigrationReport;
    try {
      report = await dryRunReport(platform, migration, {
        runId,
        migratedAt: beijing(now()),
        ...(progress ? { onProgress: progress.onProgress } : {}),
      });
    } finally {
      progress?.stop();
    }
    const files = await writeReport(report, reports);
    say(
      `${migration.name} → ${migration.siteId} (dry run ${runId}): nothing was written to the platform`,
      ...reportLines(report),
      `  report: ${files.json}`,
      `          ${files.fieldsCsv}`,
      `          ${files.rowsCsv}`,
    );
    return { report };
  }

  if (environment.plans !== undefined) {
    const swept = await sweepMigrationPlans(platform, environment.plans, now().getTime());
    if (swept.length > 0) say(`  removed ${swept.length} plan file(s) no run needs: ${swept.join(', ')}`);
  }
  const runs = (await runsOf(eventStore, platform, migration)).filter(
    (run) => run.configurationDigest === migration.digest,
  );
  // The export's bytes first: a run that recorded the same fingerprint read the same rows, and reading the rows
  // again to compare their digest costs about as much as writing them.
  const fingerprint = await sourceFingerprint(migration);
  const live = (run: MigrationRunState) => run.status === 'awaiting_approval' || run.status === 'approved';
  let same = runs.filter((run) => fingerprint !== undefined && run.sourceFingerprint === fingerprint);
  if (!same.some((run) => run.status === 'completed' || live(run))) {
    const digest = await sourceDigest(migration);
    same = runs.filter((run) => run.sourceDigest === digest);
  }
  const done = same.find((run) => run.status === 'completed');
  if (done) {
    say(
      `${migration.name} → ${migration.siteId}: run ${done.runId} already migrated exactly this configuration and export; nothing was written`,
    );
    return { runId: done.runId, state: done };
  }
  let state = same.find(live);
  if (state) {
    say(`${migration.name} → ${migration.siteId}: going on with run ${state.runId} (${state.status})`);
  } else {
    if (values.as === undefined)
      throw new MigrateUsageError(
        `say who starts the run with --as <a site administrator of ${migration.siteId}> (the site's approver then approves it)`,
      );
    const previous = runs.filter((run) => run.status === 'completed').at(-1);
    const after = values.incremental ? previous?.completion?.highWaterMark : undefined;
    const runId =
      values.run ??
      `${migration.name}-${now()
        .toISOString()
        .replace(/[-:]|\.\d+/g, '')}`;
    const progress = bar();
    let started: Awaited<ReturnType<typeof startMigrationRun>>;
    try {
      started = await startMigrationRun(platform, migration, {
        runId,
        migratedAt: beijing(now()),
        ...(after === undefined ? {} : { after }),
        actorId: values.as,
        occurredAt: now().toISOString(),
        ...(environment.plans === undefined ? {} : { plans: environment.plans }),
        ...(progress ? { onProgress: progress.onProgress } : {}),
      });
    } finally {
      progress?.stop();
    }
    state = started.state;
    const files = await writeReport(started.report, reports);
    say(
      `${migration.name} → ${migration.siteId}: run ${runId} started by ${values.as}${after === undefined ? '' : `, incremental after ${after}`}`,
      ...reportLines(started.report),
      `  configuration ${migration.digest}`,
      `  export        ${started.report.sourceDigest}`,
      `  report: ${files.json}`,
      `          ${files.fieldsCsv}`,
      `          ${files.rowsCsv}`,
    );
  }
  const runId = state.runId;

  if (state.status === 'awaiting_approval') {
    const approver = values['approved-by'];
    if (approver !== undefined) {
      state = (
        await platform.execute('ApproveMigrationRun', { runId }, { actorId: approver, occurredAt: now().toISOString() })
      ).state;
      say(`  approved by ${approver}`);
    } else {
      say(
        `  waiting for an approver of ${migration.siteId}: mutation { approveMigrationRun(input: { runId: "${runId}" }) { run { status } } }`,
      );
      if (values['no-wait']) return { runId, state };
      while (state.status === 'awaiting_approval') {
        await new Promise((resolve) => setTimeout(resolve, environment.pollMs ?? 1000));
        state = (await platform.reader.read(migrationRunAggregate, migrationRunStream(runId))).state;
      }
      if (state.status === 'approved') say(`  approved by ${state.approval?.by}`);
    }
  }
  if (state.status !== 'approved') {
    // A rejected run is never written: its plan is not needed.
    if (state.status === 'rejected' && environment.plans !== undefined) await removePlan(environment.plans, runId);
    say(
      `  run ${runId} is ${state.status}${state.rejection ? `: ${state.rejection.reason}` : ''}; nothing was written`,
    );
    return { runId, state };
  }

  const progress = bar();
  let result: Awaited<ReturnType<typeof executeMigrationRun>>;
  try {
    result = await executeMigrationRun(platform, migration, runId, {
      ...(environment.plans === undefined ? {} : { plans: environment.plans }),
      ...(progress ? { onProgress: progress.onProgress } : {}),
    });
  } finally {
    progress?.stop();
  }
  const totals = result.state.completion?.counts;
  say(
    `${migration.name} → ${migration.siteId}: run ${runId} ${result.state.status}${result.resumedFrom > 1 ? ` (resumed at row ${result.resumedFrom})` : ''}`,
    ...(totals ? [outcomeLine(totals)] : []),
    ...(result.rows.mapped > 0
      ? [
          `  ${result.rows.mapped} rows mapped from the export again: the plan kept when the run started is gone or is not the approved one`,
        ]
      : []),
    ...(result.state.completion?.highWaterMark ? [`  high-water mark ${result.state.completion.highWaterMark}`] : []),
    ...result.state.batches
      .flatMap((b) => b.messages ?? [])
      .slice(0, 20)
      .map((m) => `  row ${m.sequence} ${m.originalId ?? ''}: ${m.outcome} ${m.code}: ${m.message}`),
  );
  return { runId, state: result.state };
}
