/**
 * The dry run of a migration for the platform team: loads and checks the configuration, reads the whole export
 * through it with a progress bar, and writes the cleansing and classification report (JSON and CSV) without writing
 * anything to the platform. It needs no platform at all; `npm run cli -- migrate <config> --dry-run` is the same
 * dry run with the destination site's columns checked too:
 *
 *   npx tsx ingest/migration/dry-run-command.ts <config.yaml> [--out <folder>] [--after <high-water mark>] [--run <id>]
 *
 * Reports go to `data/migration-reports/` (beside the embedded stores, ignored by git) unless `--out` says otherwise.
 * Exit codes: 0 done, 1 the configuration or the export was refused (each problem with its line), 2 bad arguments.
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MigrationConfigError } from './config/config-error.js';
import { loadMigration } from './config/load-migration.js';
import { planMigration } from './migration-plan.js';
import { migrationProgressBar } from './progress-bar.js';
import type { MigrationReport } from './report/migration-report.js';
import { type ReportFiles, writeReport } from './report/write-report.js';

export interface DryRunResult {
  report: MigrationReport;
  files: ReportFiles;
}

/** Beijing time with its offset: what the site's staff read in the report. */
function nowInBeijing(): string {
  const shifted = new Date(Date.now() + 8 * 3_600_000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}

export async function dryRunCommand(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  progress = true,
): Promise<DryRunResult> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: join('data', 'migration-reports') },
      after: { type: 'string' },
      run: { type: 'string' },
    },
  });
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) throw new UsageError('give one migration configuration file');
  const migration = await loadMigration(file);
  const runId = values.run ?? `dry-${randomUUID()}`;
  const bar = progress ? migrationProgressBar(migration.name) : undefined;
  const plan = planMigration(migration, {
    runId,
    migratedAt: nowInBeijing(),
    ...(values.after === undefined ? {} : { after: values.after }),
    ...(bar === undefined ? {} : { onProgress: bar.onProgress }),
  });
  let report: MigrationReport;
  try {
    report = await plan.dryRun();
  } finally {
    bar?.stop();
  }
  const files = await writeReport(report, resolve(values.out));
  const { rows } = report;
  out.write(
    [
      `${migration.name} (dry run ${runId}): nothing was written to the platform`,
      `  ${rows.read} rows read: ${rows.ready} ready, ${rows.held} held (metadata not valid), ${rows.skipped} skipped, ${rows.duplicates} duplicates collapsed, ${rows.conflicts} conflicts, ${rows.unreadable} unreadable`,
      ...Object.entries(report.skipped.byReason).map(([reason, count]) => `  skipped as ${reason}: ${count}`),
      `  ${report.proposals.length} subject proposals, ${report.flags.length} flagged values`,
      ...report.notices.map((notice) => `  ${notice}`),
      `  report: ${files.json}`,
      `          ${files.fieldsCsv}`,
      `          ${files.rowsCsv}`,
      '',
    ].join('\n'),
  );
  return { report, files };
}

export class UsageError extends Error {}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  dryRunCommand(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof MigrationConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    if (error instanceof UsageError) {
      process.stderr.write(
        `${error.message}\nusage: npx tsx ingest/migration/dry-run-command.ts <config.yaml> [--out <folder>] [--after <mark>] [--run <id>]\n`,
      );
      process.exit(2);
    }
    throw error;
  });
}
