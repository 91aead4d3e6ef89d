/**
 * Generations and checkpoints for read models kept in SQLite tables: each generation has its own tables (named
 * with a suffix), an alias row says which one readers use, and a checkpoint row per generation is written in the
 * same transaction as the rows it accounts for.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Position } from '../../domain/event-store/event.js';
import { backoffMs, isTransientError } from '../../domain/shared/transient-error.js';

/**
 * Opens a read model's file. A file written by another layout of the tables (`schemaVersion` differs) is emptied and
 * started afresh: read models are rebuilt from the log, so an upgrade never needs a migration of them.
 *
 * Several processes may open the same fresh file at once (servers started together on one data directory). So the
 * layout is checked and set in one write transaction, and a file of another layout is emptied there by dropping its
 * tables, never deleted under another process: otherwise one process could take the tables another has just made
 * (before it set the version) for an old layout and remove the file it works in. Switching a fresh file to WAL takes
 * it for a moment, and SQLite answers another process busy at once instead of waiting: that is tried again.
 */
export function openReadModelDatabase(filename: string, schemaVersion = 1): Database.Database {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const db = new Database(filename, { timeout: 10_000 });
  whileBusy(() => db.pragma('journal_mode = WAL'));
  // A read model is rebuilt from the log, and its checkpoint commits with its rows: losing the last transactions to a
  // power cut only means replaying them, so the read side does not pay for an fsync per batch.
  db.pragma('synchronous = NORMAL');
  whileBusy(() =>
    db
      .transaction(() => {
        const found = db.pragma('user_version', { simple: true }) as number;
        if (found !== schemaVersion) dropEverything(db);
        db.pragma(`user_version = ${schemaVersion}`);
        db.exec(`
          CREATE TABLE IF NOT EXISTS read_model_aliases (name TEXT PRIMARY KEY, generation TEXT NOT NULL);
          CREATE TABLE IF NOT EXISTS read_model_checkpoints (name TEXT NOT NULL, generation TEXT NOT NULL,
            position INTEGER NOT NULL, PRIMARY KEY (name, generation));
        `);
      })
      .immediate(),
  );
  return db;
}

/** Drops every table and view of a file of another layout (a virtual table takes its own tables with it). */
function dropEverything(db: Database.Database): void {
  const objects = db
    // Virtual tables first: their own tables go with them, and may not be dropped on their own.
    .prepare(
      `SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'
       ORDER BY coalesce(sql, '') LIKE 'CREATE VIRTUAL TABLE%' DESC`,
    )
    .all() as Array<{ type: 'table' | 'view'; name: string }>;
  for (const { type, name } of objects)
    db.exec(`DROP ${type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS "${name.replaceAll('"', '""')}"`);
}

/** Runs `work` again while SQLite says the file is busy, for up to 10 s (see openReadModelDatabase). */
function whileBusy<T>(work: () => T): T {
  const deadline = Date.now() + 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isTransientError(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, backoffMs(attempt, 5, 200));
    }
  }
}

/** Table-name suffix for a generation: generation names are ours (`v3`, `v3-1764150000000`), but never trust a name in SQL. */
export function tableSuffix(generation: string): string {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(generation)) throw new Error(`bad generation name ${generation}`);
  return generation.replaceAll('-', '_');
}

export class SqliteGenerations {
  private readonly getAlias;
  private readonly setAlias;
  private readonly getCheckpoint;
  private readonly setCheckpoint;

  constructor(
    private readonly db: Database.Database,
    private readonly name: string,
    /** Drops a generation's tables. */
    private readonly drop: (generation: string) => void,
  ) {
    this.getAlias = db.prepare<[string], string>('SELECT generation FROM read_model_aliases WHERE name = ?').pluck();
    this.setAlias = db.prepare(
      'INSERT INTO read_model_aliases (name, generation) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET generation = excluded.generation',
    );
    this.getCheckpoint = db
      .prepare<[string, string], number>(
        'SELECT position FROM read_model_checkpoints WHERE name = ? AND generation = ?',
      )
      .pluck();
    this.setCheckpoint = db.prepare(
      'INSERT INTO read_model_checkpoints (name, generation, position) VALUES (?, ?, ?) ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position',
    );
  }

  active(): string | null {
    return this.getAlias.get(this.name) ?? null;
  }

  checkpoint(generation: string): Position | null {
    return this.getCheckpoint.get(this.name, generation) ?? null;
  }

  /** Call inside the transaction that writes the rows. */
  recordCheckpoint(generation: string, position: Position): void {
    this.setCheckpoint.run(this.name, generation, position);
  }

  /**
   * Writes a batch once: in one transaction that takes the write lock first (so the checkpoint it reads is the one it
   * moves), `write` gets the events after the stored checkpoint, and the checkpoint moves forward to `checkpoint`. When
   * several processes keep the same file up (several servers on one data directory), whichever comes second finds the
   * batch taken in already and writes nothing: each event is applied exactly once, whoever applies it.
   */
  applyOnce<Event extends { position: Position }>(
    generation: string,
    events: readonly Event[],
    checkpoint: Position,
    write: (fresh: Event[]) => void,
  ): void {
    this.db
      .transaction(() => {
        const done = this.checkpoint(generation) ?? -1;
        if (checkpoint <= done) return;
        write(events.filter((event) => event.position > done));
        this.recordCheckpoint(generation, checkpoint);
      })
      .immediate();
  }

  promote(generation: string): void {
    this.db.transaction(() => {
      const previous = this.active();
      this.setAlias.run(this.name, generation);
      if (previous && previous !== generation) {
        this.drop(previous);
        this.db
          .prepare('DELETE FROM read_model_checkpoints WHERE name = ? AND generation = ?')
          .run(this.name, previous);
      }
    })();
  }
}
