/**
 * The audit tree projected on a worker thread: it follows appends made on the main thread's connection, the main
 * thread reads the tree it commits (sizes, proofs, a signed checkpoint), and it stops cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditSigner } from '../../infra/audit/audit-signing-key.js';
import { AuditTreeWorker } from '../../infra/audit/audit-tree-in-worker.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { type AuditLog, openAuditLog } from '../../projections/audit-log/audit-log.js';
import { newEvent } from '../support/events.js';
import { tempDir } from '../support/temp-dir.js';

describe('R-SEC-1 audit tree on a worker thread', () => {
  const dir = tempDir('audit-worker');
  let store: SqliteEventStore;
  let log: AuditLog;
  let worker: AuditTreeWorker;

  beforeAll(async () => {
    store = openSqliteEventStore(dir.path, { synchronous: 'NORMAL' });
    for (let i = 0; i < 300; i++)
      await store.append(`s-${i % 3}`, [newEvent('ResourceEdited', { i })], { expectedRevision: 'any' });
    log = openAuditLog(dir.path, store, {
      algorithm: 'sha256',
      signer: loadAuditSigner({ DATA_DIR: dir.path }),
      checkpointIntervalMs: 0,
    });
    worker = new AuditTreeWorker(
      store,
      {
        EVENT_STORE: 'sqlite',
        DATA_DIR: dir.path,
        EVENT_STORE_DIR: dir.path,
        SQLITE_SYNCHRONOUS: 'NORMAL',
        KURRENTDB_URL: undefined,
      },
      'sha256',
    );
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop();
    log.close();
    await store.close();
    dir.remove();
  });

  it('catches up, follows live appends, and the main thread signs what it built', async () => {
    expect(worker.status()).toMatchObject({ name: 'audit-tree', state: 'live' });
    const { position } = await store.append('s-live', [newEvent('ResourceEdited', { live: true })], {
      expectedRevision: 'any',
    });
    await worker.waitFor(position);
    expect(await worker.lag()).toBe(0);
    expect(log.tree.size()).toBe(301);
    expect(log.tree.leafIndexOf(position)).toBe(300);
    expect(log.checkpointer.checkpointNow().size).toBe(301);
    const proof = await log.reader.inclusionProof(position);
    expect(proof.entryMatchesLeaf).toBe(true);
  });
});
