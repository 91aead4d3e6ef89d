/**
 * R-SEC-3: the audit log hashed with SM3 (GB/T 32905) by configuration: leaves and nodes are SM3 over the same RFC
 * 9162 prefixes, every checkpoint names the algorithm, the outside verifier follows it (and refuses it when pinned to
 * SHA-256), tampering is caught the same way, and a log never changes its hash.
 */
import { hash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLeafText } from '../../domain/audit/event-leaf.js';
import { openAuditTree, TreeAlgorithmMismatch } from '../../projections/audit-log/audit-tree.js';
import { AuditLogIdentityMismatch, openCheckpointLog } from '../../projections/audit-log/checkpoint-log.js';
import { AuditLogFixture } from '../support/audit-log-fixture.js';

describe('R-SEC-3 SM3 audit log', () => {
  let f: AuditLogFixture;
  let positions: number[];

  beforeAll(async () => {
    f = await AuditLogFixture.start('sm3');
    positions = await f.append(270);
    f.sign();
  });
  afterAll(() => f.dispose());

  it('hashes leaves as SM3(0x00 ‖ entry) and names sm3 in the signed checkpoint', async () => {
    const [event] = await f.store.readAll({ maxCount: 1 });
    const expected = hash('sm3', Buffer.concat([Buffer.from([0]), Buffer.from(eventLeafText(event!))]), 'buffer');
    expect(f.log.tree.tile(0, 0)!.subarray(0, 32).equals(expected)).toBe(true);
    const note = await (await fetch(`${f.url}/audit/checkpoint`)).text();
    expect(note.split('\n').slice(1, 4)).toEqual(['270', expect.any(String), 'hash sm3']);
  });

  it('verifies with the outside verifier, pinned to sm3 or not, and is refused when pinned to sha256', async () => {
    expect((await f.verify('--hash', 'sm3')).code).toBe(0);
    const pinned = await f.verify('--hash', 'sha256');
    expect(pinned.code).toBe(1);
    expect(pinned.err).toMatch(/it is hashed with sm3, not sha256/);
    await f.append(20);
    f.sign();
    const inclusion = await f.verify('--leaf', '280');
    expect(inclusion.code, inclusion.err).toBe(0);
  });

  it('detects a changed event as with SHA-256', async () => {
    const db = new Database(`${f.dataDir}/events.sqlite`);
    db.exec('DROP TRIGGER events_are_never_changed');
    db.prepare(`UPDATE events SET metadata = json_set(metadata, '$.actorId', 'someone-else') WHERE position = ?`).run(
      positions[260],
    );
    db.close();
    const run = await f.verify();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/^FAILED at leaf 260 /);
  });

  it('refuses to open the log with another hash', () => {
    expect(() => openAuditTree(f.dataDir, 'sha256')).toThrow(TreeAlgorithmMismatch);
    expect(() => openCheckpointLog(f.dataDir, f.log.checkpoints.origin, 'sha256')).toThrow(AuditLogIdentityMismatch);
  });
});
