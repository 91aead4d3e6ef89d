/**
 * A run's report as files beside each other: the whole report as JSON, the per-field counts and every row's messages
 * as CSV. Named by migration and run, so the reports of successive runs of one site do not overwrite each other.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MigrationReport } from './migration-report.js';
import { fieldsCsv, rowsCsv } from './report-csv.js';

export interface ReportFiles {
  json: string;
  fieldsCsv: string;
  rowsCsv: string;
}

export async function writeReport(report: MigrationReport, directory: string): Promise<ReportFiles> {
  await mkdir(directory, { recursive: true });
  const base = join(directory, `${report.migration}.${report.runId}`);
  const files = { json: `${base}.report.json`, fieldsCsv: `${base}.fields.csv`, rowsCsv: `${base}.rows.csv` };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.fieldsCsv, fieldsCsv(report));
  await writeFile(files.rowsCsv, rowsCsv(report));
  return files;
}
