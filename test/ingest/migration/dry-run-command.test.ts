/**
 * R-LIB-4: the dry run shows what a run would do without doing it: the report of the whole export, as JSON and CSV
 * files and a summary, from the example configuration alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { dryRunCommand, UsageError } from '../../../ingest/migration/dry-run-command.js';
import { MIGRATION_EXAMPLES } from '../../../ingest/migration/example-configurations.js';
import { MigrationConfigError } from '../../../ingest/migration/index.js';
import { tempDir } from '../../support/temp-dir.js';

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('R-LIB-4 dry run of a migration', () => {
  const out = tempDir('migration-reports');
  afterAll(() => out.remove());

  it('R-LIB-4 writes the report of the 教育体育局 export as JSON and CSV and says nothing was written', async () => {
    const output = collect();
    const { report, files } = await dryRunCommand(
      [MIGRATION_EXAMPLES.edu, '--out', out.path, '--run', 'dry-1'],
      output.stream,
      false,
    );
    expect(files.json).toBe(join(out.path, 'edu-cms.dry-1.report.json'));
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const fields = parse(readFileSync(files.fieldsCsv, 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    expect(fields.find((row) => row.field === 'title')).toMatchObject({ given: '122' });
    const rows = parse(readFileSync(files.rowsCsv, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.filter((row) => row.kind === 'skipped')).toHaveLength(5);
    expect(output.text()).toMatch(/^edu-cms \(dry run dry-1\): nothing was written to the platform\n/);
    expect(output.text()).toContain('127 rows read: 89 ready, 33 held (metadata not valid), 5 skipped');
    expect(report.migratedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  });

  it('R-LIB-4 refuses a missing configuration and bad arguments', async () => {
    await expect(dryRunCommand([join(out.path, 'none.yaml')], collect().stream, false)).rejects.toBeInstanceOf(
      MigrationConfigError,
    );
    await expect(dryRunCommand([], collect().stream, false)).rejects.toBeInstanceOf(UsageError);
  });
});
