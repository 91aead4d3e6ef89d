/**
 * R-SEC-1: tampering with the embedded log is detected by an outside verifier holding an earlier checkpoint, and
 * named. Each case starts from a log the verifier has audited and trusts, then goes around the append-only triggers
 * the way someone holding the file would: one event's data changed, one deleted, one inserted, two swapped; the
 * history rewritten and the tree rebuilt and re-signed so that the new checkpoint agrees with itself (a fork); an older
 * copy of the data restored (a rollback). The verifier exits non-zero naming the first leaf or checkpoint that fails.
 */
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLogFixture } from '../support/audit-log-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const EVENTS = 300;

/** Opens the store's file as an intruder would, triggers dropped. */
function intrude(dataDir: string, work: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'events.sqlite'));
  db.exec('DROP TRIGGER IF EXISTS events_are_never_changed; DROP TRIGGER IF EXISTS events_are_never_deleted;');
  try {
    work(db);
  } finally {
    db.close();
  }
}

const fixtures: AuditLogFixture[] = [];
async function trustedLog(): Promise<{ f: AuditLogFixture; positions: number[] }> {
  const f = await AuditLogFixture.start();
  fixtures.push(f);
  const positions = await f.append(EVENTS);
  f.sign();
  const first = await f.verify();
  expect(first.code, first.err).toBe(0);
  expect(first.out).toContain(`trusted checkpoint is now ${EVENTS}`);
  return { f, positions };
}

afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.dispose();
});

describe('R-SEC-1 tampering is detected and named', () => {
  it('an untouched log verifies again, with consistency from the trusted checkpoint', async () => {
    const { f } = await trustedLog();
    await f.append(40);
    f.sign();
    const again = await f.verify();
    expect(again.code, again.err).toBe(0);
    const inclusion = await f.verify('--leaf', '7', '--leaf', '339');
    expect(inclusion.code, inclusion.err).toBe(0);
    expect(inclusion.out).toContain('consistent with the trusted checkpoint 340');
  });

  it("one event's data changed in events.sqlite", async () => {
    const { f, positions } = await trustedLog();
    intrude(f.dataDir, (db) =>
      db.prepare(`UPDATE events SET data = json_set(data, '$.text', '篡改') WHERE position = ?`).run(positions[100]),
    );
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /^FAILED at leaf 100 \(resource-r2@14, position \d+, ResourceEdited, event [0-9a-f-]+\): its entry does not hash to the tree's leaf/,
    );
    const inclusion = await f.verify('--leaf', '100');
    expect(inclusion.code).toBe(1);
    expect(inclusion.err).toMatch(/^FAILED at leaf 100 .*not included/);
  });

  it('one event deleted', async () => {
    const { f, positions } = await trustedLog();
    intrude(f.dataDir, (db) => db.prepare('DELETE FROM events WHERE position = ?').run(positions[100]));
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^FAILED at leaf 100 \(resource-r3@14, position \d+/);
  });

  it('one event inserted (the later ones renumbered to make room)', async () => {
    const { f, positions } = await trustedLog();
    const at = positions[100]!;
    intrude(f.dataDir, (db) => {
      db.prepare('UPDATE events SET position = -position WHERE position >= ?').run(at);
      db.prepare('UPDATE events SET position = 1 - position WHERE position < 0').run();
      db.prepare(
        `INSERT INTO events (position, stream, revision, id, type, data, metadata, recorded_at)
         SELECT ?, 'resource-forged', 0, '00000000-0000-4000-8000-000000000001', type, data, metadata, recorded_at
         FROM events WHERE position = ?`,
      ).run(at, at + 1);
    });
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^FAILED at leaf 100 \(resource-forged@0, position \d+/);
  });

  it('two events swapped', async () => {
    const { f, positions } = await trustedLog();
    intrude(f.dataDir, (db) => {
      const read = db.prepare('SELECT stream, revision, id, type, data, metadata FROM events WHERE position = ?');
      const a = read.get(positions[50]) as Record<string, unknown>;
      const b = read.get(positions[60]) as Record<string, unknown>;
      const write = db.prepare(
        'UPDATE events SET stream = @stream, revision = @revision, id = @id, type = @type, data = @data, metadata = @metadata WHERE position = @position',
      );
      // Through a placeholder, since stream, revision and id are unique.
      write.run({ ...a, stream: 'tmp', id: 'tmp', position: positions[50] });
      write.run({ ...a, position: positions[60] });
      write.run({ ...b, position: positions[50] });
    });
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^FAILED at leaf 50 \(resource-r4@8, position \d+/);
  });

  it('history rewritten, the tree rebuilt and re-signed so that it agrees with itself (a fork)', async () => {
    const { f, positions } = await trustedLog();
    // A second verifier that only ever checked inclusion: it holds the checkpoint, not the leaves.
    const light = tempDir('verifier-light');
    const lightRun = async (...args: string[]) => {
      const saved = f.stateDir.path;
      Object.assign(f.stateDir, { path: light.path });
      try {
        return await f.verify(...args);
      } finally {
        Object.assign(f.stateDir, { path: saved });
      }
    };
    expect((await lightRun('--leaf', '0')).code).toBe(0);

    await f.shut();
    intrude(f.dataDir, (db) =>
      db.prepare(`UPDATE events SET data = json_set(data, '$.text', '改写') WHERE position = ?`).run(positions[120]),
    );
    // The intruder keeps the signing key, drops the tree and the checkpoints that would refuse the rewrite.
    rmSync(join(f.dataDir, 'audit-tree.sqlite'));
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(join(f.dataDir, `audit-checkpoints.sqlite${suffix}`), { force: true });
    await f.open();
    await f.append(20);
    f.sign();

    const full = await f.verify();
    expect(full.code).toBe(1);
    expect(full.err).toMatch(
      /^FAILED at leaf 120 \(resource-r1@17, position \d+, .*\): it differs from the leaf this verifier computed for the trusted checkpoint 300/,
    );
    expect(full.err).toMatch(/checkpoint 320 .*does not extend the trusted checkpoint 300 .*\(a fork\)/);

    const lightCheck = await lightRun('--leaf', '0');
    expect(lightCheck.code).toBe(1);
    expect(lightCheck.err).toMatch(
      /^FAILED at checkpoint 320 \(root .*\): it does not extend the trusted checkpoint 300/,
    );
    light.remove();
  });

  it('an older copy of the data restored (a rollback), then the log continued from it', async () => {
    const { f } = await trustedLog();
    const copy = tempDir('audit-backup');
    await f.shut();
    cpSync(f.dataDir, copy.path, { recursive: true });
    await f.open();
    await f.append(50);
    f.sign();
    expect((await f.verify()).code).toBe(0);

    await f.shut();
    rmSync(f.dataDir, { recursive: true });
    cpSync(copy.path, f.dataDir, { recursive: true });
    await f.open();
    const back = await f.verify();
    expect(back.code).toBe(1);
    expect(back.err).toMatch(
      /^FAILED at checkpoint 300 \(root .*\): the log went back: it is smaller than the trusted checkpoint 350/,
    );

    await f.append(60, (i) => ({ other: i }));
    f.sign();
    const onward = await f.verify();
    expect(onward.code).toBe(1);
    expect(onward.err).toMatch(
      /^FAILED at leaf 300 \(.*\): it differs from the leaf this verifier computed for the trusted checkpoint 350/,
    );
    copy.remove();
  });

  it('only events.sqlite restored from an older copy: the missing entries are named', async () => {
    const { f } = await trustedLog();
    await f.shut();
    const copy = tempDir('audit-backup');
    cpSync(join(f.dataDir, 'events.sqlite'), join(copy.path, 'events.sqlite'));
    await f.open();
    await f.append(30);
    f.sign();
    await f.shut();
    for (const suffix of ['-wal', '-shm']) rmSync(join(f.dataDir, `events.sqlite${suffix}`), { force: true });
    cpSync(join(copy.path, 'events.sqlite'), join(f.dataDir, 'events.sqlite'));
    await f.open();
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^FAILED at leaf 300: missing/);
    copy.remove();
  });

  it('npm run verify on a data directory: no key needed on the platform machine, exit code and message on stderr', async () => {
    const { f, positions } = await trustedLog();
    // The real script, as a child process (asynchronously: this process serves the URL it reads).
    const verify = (target: string) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', import.meta.resolve('tsx'), 'infra/audit-verifier/main.ts', target, '--state', f.stateDir.path],
          { env: { ...process.env, DATA_DIR: f.dataDir } },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString('utf8');
        });
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString('utf8');
        });
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const clean = await verify(f.dataDir);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/OK: the log holds/);
    intrude(f.dataDir, (db) => db.prepare('DELETE FROM events WHERE position = ?').run(positions[3]));
    const url = await verify(f.url);
    expect(url.status).toBe(1);
    expect(url.stderr).toMatch(/^FAILED at leaf 3 /);
  });
});
