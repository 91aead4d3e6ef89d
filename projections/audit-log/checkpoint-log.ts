/**
 * Every checkpoint the platform has signed, kept for good: the commitments auditors hold the platform to. Not a read
 * model (it cannot be rebuilt from the log, since a signature is a fact of its own), so it lives in a file of its own
 * that no rebuild deletes, written with `synchronous = FULL`, and refuses UPDATE and DELETE by trigger.
 *
 * The file also records the log's identity (origin and hash algorithm) at its first checkpoint: a log keeps both for
 * life, so a configuration that names others is refused at start-up instead of signing a second, different log.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';

export interface SignedCheckpoint {
  /** Leaves the checkpoint commits to. */
  size: number;
  rootHash: Buffer;
  /** The signed note, exactly as served at `/audit/checkpoint`. */
  note: string;
  signedAt: string;
}

export class AuditLogIdentityMismatch extends Error {
  readonly code = 'AUDIT_LOG_IDENTITY_MISMATCH';
}

interface Row {
  size: number;
  root_hash: Buffer;
  note: string;
  signed_at: string;
}

const toCheckpoint = (row: Row): SignedCheckpoint => ({
  size: row.size,
  rootHash: row.root_hash,
  note: row.note,
  signedAt: row.signed_at,
});

export class CheckpointLog {
  private readonly db: Database.Database;
  private readonly statements;
  /** Runs `work` under the file's write lock, so two signers (the server and an operator's CLI) take turns. */
  readonly exclusively: <T>(work: () => T) => T;

  constructor(
    filename: string,
    readonly origin: string,
    readonly algorithm: TreeHashAlgorithm,
  ) {
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename, { timeout: 10_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS audit_log_identity (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root_hash BLOB NOT NULL, note TEXT NOT NULL,
        signed_at TEXT NOT NULL);
      CREATE TRIGGER IF NOT EXISTS checkpoints_are_kept_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'signed checkpoints are never changed'); END;
      CREATE TRIGGER IF NOT EXISTS checkpoints_are_kept_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'signed checkpoints are never deleted'); END;`);
    const identity = this.db.prepare('INSERT OR IGNORE INTO audit_log_identity (key, value) VALUES (?, ?)');
    identity.run('origin', origin);
    identity.run('algorithm', algorithm);
    const stored = Object.fromEntries(
      (this.db.prepare('SELECT key, value FROM audit_log_identity').all() as { key: string; value: string }[]).map(
        (r) => [r.key, r.value],
      ),
    );
    if (stored.origin !== origin || stored.algorithm !== algorithm) {
      this.db.close();
      throw new AuditLogIdentityMismatch(
        `${filename} is the log ${stored.origin} hashed with ${stored.algorithm}; the configuration names ${origin} with ${algorithm}`,
      );
    }
    this.statements = {
      latest: this.db.prepare<[], Row>('SELECT * FROM checkpoints ORDER BY size DESC LIMIT 1'),
      ofSize: this.db.prepare<[number], Row>('SELECT * FROM checkpoints WHERE size = ?'),
      covering: this.db.prepare<[number], Row>('SELECT * FROM checkpoints WHERE size >= ? ORDER BY size LIMIT 1'),
      page: this.db.prepare<[number, number], Row>(
        'SELECT * FROM checkpoints WHERE size < ? ORDER BY size DESC LIMIT CAST(? AS INTEGER)',
      ),
      insert: this.db.prepare('INSERT INTO checkpoints (size, root_hash, note, signed_at) VALUES (?, ?, ?, ?)'),
    };
    const exclusive = this.db.transaction((work: () => unknown) => work());
    this.exclusively = <T>(work: () => T) => exclusive.immediate(work) as T;
  }

  latest(): SignedCheckpoint | null {
    const row = this.statements.latest.get();
    return row ? toCheckpoint(row) : null;
  }

  ofSize(size: number): SignedCheckpoint | null {
    const row = this.statements.ofSize.get(size);
    return row ? toCheckpoint(row) : null;
  }

  /** The first checkpoint whose tree holds `leaves` leaves or more (the first to cover leaf `leaves - 1`). */
  firstCovering(leaves: number): SignedCheckpoint | null {
    const row = this.statements.covering.get(leaves);
    return row ? toCheckpoint(row) : null;
  }

  /** Newest first; `before`: a size, to page on. */
  list(first = 50, before = Number.MAX_SAFE_INTEGER): SignedCheckpoint[] {
    return this.statements.page.all(before, Math.min(Math.max(first, 1), 500)).map(toCheckpoint);
  }

  /** Call inside `exclusively`. */
  record(checkpoint: SignedCheckpoint): void {
    this.statements.insert.run(checkpoint.size, checkpoint.rootHash, checkpoint.note, checkpoint.signedAt);
  }

  close(): void {
    this.db.close();
  }
}

export function openCheckpointLog(dataDir: string, origin: string, algorithm: TreeHashAlgorithm): CheckpointLog {
  return new CheckpointLog(`${dataDir}/audit-checkpoints.sqlite`, origin, algorithm);
}

/** The origin and hash of the log whose checkpoints are in `dataDir`, or null when it has none. */
export function readAuditLogIdentity(dataDir: string): { origin: string; algorithm: TreeHashAlgorithm } | null {
  const filename = `${dataDir}/audit-checkpoints.sqlite`;
  if (!existsSync(filename)) return null;
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT key, value FROM audit_log_identity').all() as { key: string; value: string }[];
    const values = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    return values.origin && values.algorithm
      ? { origin: values.origin, algorithm: values.algorithm as TreeHashAlgorithm }
      : null;
  } finally {
    db.close();
  }
}
