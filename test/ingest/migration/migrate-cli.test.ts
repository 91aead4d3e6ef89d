/**
 * R-LIB-4 through the platform team's command, `npm run cli -- migrate`, run as its own process on an embedded
 * platform: a bad configuration is refused before anything runs, with the line of each problem; a dry run prints
 * its report and writes nothing; a run waits for its approver, goes on when run again, prints its report, and a
 * second run of the same export writes nothing.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '../../../domain/platform.js';
import { createDemoPlatform } from '../../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../../infra/event-store/sqlite-event-store.js';
import { jsonl, type MigrationFolder, migrationFolder } from './migration-files.js';

const CLI = fileURLToPath(new URL('../../../infra/cli.ts', import.meta.url));

// Line numbers in the assertions below are those of this text (line 1 is `migration:`).
const CONFIG = [
  'migration: cli-notices', // 1
  'source:', // 2
  '  system: 金安区旧版通知系统', // 3
  '  reader: { type: jsonl, path: export.jsonl }', // 4
  '  id: id', // 5
  'destination:', // 6
  '  site: jinan', // 7
  '  column: { value: notices }', // 8
  'fields:', // 9
  '  title: { from: title, steps: [whitespace] }', // 10
  '  body: { from: body, steps: [sanitizeHtml] }', // 11
  '  publisher: { value: 六安市人民政府办公室 }', // 12
  '  publisherCode: { value: 11341500003089416J }', // 13
  '  writtenAt: { from: writtenAt, steps: [date] }', // 14
  '  subject: { value: 综合政务/政务公开 }', // 15
  '  genre: { value: 通知 }', // 16
  '  disclosure: { value: 主动公开 }', // 17
  '  resourceType: { value: notice }', // 18
  '  format: { value: text/html }', // 19
];

const ROWS = [1, 2, 3].map((n) => ({
  id: `C${n}`,
  title: `关于第${n}季度政务公开工作的通知`,
  body: `<p style="color:red">第${n}季度<a href="javascript:void(0)" onclick="x()">附件</a></p>`,
  writtenAt: `2024-0${n}-15`,
}));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, ...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('R-LIB-4 npm run cli -- migrate', () => {
  let folder: MigrationFolder;
  let config: string;
  const data = () => `${folder.path}/data`;
  const head = async () => {
    const store = openSqliteEventStore(data());
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    folder = migrationFolder();
    folder.write('export.jsonl', jsonl(ROWS));
    config = folder.write('notices.yaml', `${CONFIG.join('\n')}\n`);
    const store = openSqliteEventStore(data());
    await createDemoPlatform(new Platform(store));
    await store.close();
  }, 60_000);
  afterAll(() => folder?.remove());

  it('R-LIB-4 a bad configuration (unknown field, bad selector, missing lookup) is refused before anything runs, with its lines', async () => {
    const before = await head();
    const shape = [...CONFIG];
    shape[9] = '  titel: { from: title, steps: [whitespace] }';
    shape[3] = '  reader: { type: html, directory: ., fields: { heading: "h1[" } }';
    const ran = await cli(
      data(),
      'migrate',
      folder.write('bad.yaml', `${shape.join('\n')}\n`),
      '--as',
      'jinan-webmaster',
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/line 10, column \d+ \(fields\.titel\): unknown key "titel"/);
    expect(ran.stderr).toMatch(/line 4, column \d+ \(source\.reader\.fields\.heading\): not a CSS selector/);
    const lookup = [...CONFIG];
    lookup[11] = '  publisher: { from: title, steps: [{ lookup: { table: publishers } }] }';
    const missing = await cli(data(), 'migrate', folder.write('lookup.yaml', `${lookup.join('\n')}\n`), '--dry-run');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /line 12, column \d+ \(fields\.publisher\.steps\[0\]\.lookup\.table\): .*publishers/,
    );
    expect(await head()).toBe(before);
  }, 60_000);

  it('R-LIB-4 a configuration into a site that does not exist is refused before anything runs', async () => {
    const lines = [...CONFIG];
    lines[6] = '  site: nowhere';
    const ran = await cli(data(), 'migrate', folder.write('nowhere.yaml', `${lines.join('\n')}\n`), '--dry-run');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/NOT_FOUND: the destination site nowhere does not exist/);
  }, 60_000);

  it('R-LIB-4 --dry-run prints the report and writes nothing to the platform', async () => {
    const before = await head();
    const ran = await cli(data(), 'migrate', config, '--dry-run', '--out', `${folder.path}/reports`);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/cli-notices → jinan \(dry run .*\): nothing was written to the platform/);
    expect(ran.stdout).toMatch(/3 rows read: 3 ready, 0 held/);
    expect(ran.stdout).toMatch(/report: .*cli-notices\..*\.report\.json/);
    expect(await head()).toBe(before);
  }, 60_000);

  it('R-LIB-4 a run waits for the approver, goes on when run again, prints its report; a second run writes nothing', async () => {
    const out = ['--out', `${folder.path}/reports`];
    const noStarter = await cli(data(), 'migrate', config, ...out);
    expect(noStarter.code).toBe(2);
    expect(noStarter.stderr).toMatch(/--as/);

    const started = await cli(
      data(),
      'migrate',
      config,
      '--as',
      'jinan-webmaster',
      '--run',
      'cli-1',
      '--no-wait',
      ...out,
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/run cli-1 started by jinan-webmaster/);
    expect(started.stdout).toMatch(/waiting for an approver of jinan: .*approveMigrationRun/);
    // The run's plan is kept beside the event log until the run is written.
    const plans = `${data()}/migration-plans`;
    expect(readdirSync(plans)).toHaveLength(1);

    const refused = await cli(data(), 'migrate', config, '--approved-by', 'jinan-editor', ...out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/FORBIDDEN/);

    const written = await cli(data(), 'migrate', config, '--approved-by', 'jinan-approver', ...out);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(/going on with run cli-1 \(awaiting_approval\)/);
    expect(written.stdout).toMatch(/approved by jinan-approver/);
    expect(written.stdout).toMatch(/run cli-1 completed\n {2}3 created, 0 revised/);
    expect(written.stdout).not.toMatch(/mapped from the export again/);
    expect(readdirSync(plans)).toEqual([]);
    // The progress bar goes to standard error, the report to standard output.
    expect(written.stderr).toMatch(/cli-notices \[/);

    const before = await head();
    const again = await cli(data(), 'migrate', config, '--as', 'jinan-webmaster', ...out);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /run cli-1 already migrated exactly this configuration and export; nothing was written/,
    );
    // Other bytes, the same rows: still exactly this export.
    folder.write(
      'export.jsonl',
      ROWS.map(({ id, title, body, writtenAt }) => `${JSON.stringify({ writtenAt, body, title, id })}\r\n`).join(''),
    );
    const reformatted = await cli(data(), 'migrate', config, '--as', 'jinan-webmaster', '--no-wait', ...out);
    expect(reformatted.stdout).toMatch(/run cli-1 already migrated exactly this configuration and export/);
    folder.write('export.jsonl', jsonl(ROWS));
    expect(await head()).toBe(before);
  }, 120_000);
});
