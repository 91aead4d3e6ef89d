/**
 * The report as CSV, for the people who review a migration in a spreadsheet: one table of counts per field, and one
 * of every row's messages (skips, duplicates, flags, proposals, normalisations, problems), one line each. Written
 * with csv-stringify so that bodies quoted in messages and commas in Chinese titles stay in their cells; with a BOM,
 * because spreadsheet programs on Chinese Windows read CSV without one as GBK.
 */
import { stringify } from 'csv-stringify/sync';
import { FIELD_STATUSES } from '../field-outcome.js';
import type { MigrationReport } from './migration-report.js';

const BOM = '\uFEFF';

export function fieldsCsv(report: MigrationReport): string {
  const rows = Object.entries(report.fields).map(([field, counts]) => [field, ...FIELD_STATUSES.map((s) => counts[s])]);
  return BOM + stringify([['field', ...FIELD_STATUSES], ...rows]);
}

export function rowsCsv(report: MigrationReport): string {
  const header = ['sequence', 'location', 'originalId', 'kind', 'field', 'message'];
  const lines: (string | number)[][] = [];
  for (const row of report.skipped.rows) {
    lines.push([
      row.sequence,
      row.location,
      row.originalId ?? '',
      'skipped',
      '',
      row.detail ? `${row.reason}: ${row.detail}` : row.reason,
    ]);
  }
  for (const duplicate of report.duplicates) {
    for (const sequence of duplicate.sequences.slice(1)) {
      lines.push([
        sequence,
        '',
        duplicate.originalId,
        'duplicate',
        '',
        `the same row as row ${duplicate.sequences[0]}; collapsed into it`,
      ]);
    }
  }
  for (const message of report.messages) {
    lines.push([
      message.sequence,
      message.location,
      message.originalId ?? '',
      message.status ?? '',
      message.field ?? '',
      message.message,
    ]);
  }
  lines.sort((a, b) => Number(a[0]) - Number(b[0]));
  return BOM + stringify([header, ...lines]);
}
