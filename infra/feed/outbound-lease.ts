/**
 * The lease that makes one process at a time the publisher of the outbound feed: one row in
 * `feed-outbound-lease.sqlite` under DATA_DIR, naming its holder and when its term ends. A process takes it when it
 * is free, lapsed, or already its own (a renewal); the check and the write are one immediate transaction, so two
 * processes asking at once never both get it. See outbound-leadership.ts for why and how it is used.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export const OUTBOUND_LEASE_FILE = 'feed-outbound-lease.sqlite';

export class OutboundLease {
  private readonly db: Database.Database;
  private readonly current: Database.Statement<[], { holder: string; expiresAt: number }>;
  private readonly taking: Database.Transaction<(holder: string, now: number, termMs: number) => boolean>;

  constructor(filename: string) {
    mkdirSync(dirname(filename), { recursive: true });
    this.db = new Database(filename, { timeout: 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS outbound_lease (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, expires_at INTEGER NOT NULL)',
    );
    const current = this.db.prepare<[], { holder: string; expiresAt: number }>(
      'SELECT holder, expires_at AS expiresAt FROM outbound_lease WHERE id = 1',
    );
    this.current = current;
    const write = this.db.prepare(
      'INSERT INTO outbound_lease (id, holder, expires_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at',
    );
    this.taking = this.db.transaction((holder: string, now: number, termMs: number) => {
      const row = current.get();
      if (row && row.holder !== holder && row.expiresAt > now) return false;
      write.run(holder, now + termMs);
      return true;
    });
  }

  /** Takes or renews the lease for `termMs` from `now`; false while another holder's term runs. */
  take(holder: string, now: number, termMs: number): boolean {
    return this.taking.immediate(holder, now, termMs);
  }

  /** Who holds the lease at `now`, if anyone. */
  holder(now: number): string | null {
    const row = this.current.get();
    return row && row.expiresAt > now ? row.holder : null;
  }

  /** Gives the lease up at once (a clean stop), so that a standby takes over without waiting out the term. */
  release(holder: string): void {
    this.db.prepare('DELETE FROM outbound_lease WHERE id = 1 AND holder = ?').run(holder);
  }

  close(): void {
    this.db.close();
  }
}
