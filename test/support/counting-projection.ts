/**
 * A projection that records every event it is given, one row per application, so that tests can see an event
 * applied twice or never. Events with `data.poison` fail until `cure()` is called.
 */
import type Database from 'better-sqlite3';
import type { Projection } from '../../projections/runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../../projections/sqlite/sqlite-generations.js';

export class CountingProjection {
  readonly db: Database.Database;
  readonly generations: SqliteGenerations;
  private cured = false;

  constructor(
    filename: string,
    readonly version = 1,
    readonly eventTypes: string[] = ['Counted'],
  ) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'counting', (g) =>
      this.db.exec(`DROP TABLE IF EXISTS applied_${tableSuffix(g)}`),
    );
  }

  cure(): void {
    this.cured = true;
  }

  /** Event ids in the order applied, for a generation (the active one by default). */
  applied(generation = this.generations.active()): string[] {
    if (!generation) return [];
    return this.db
      .prepare(`SELECT event_id FROM applied_${tableSuffix(generation)} ORDER BY rowid`)
      .pluck()
      .all() as string[];
  }

  projection(): Projection {
    return {
      name: 'counting',
      version: this.version,
      eventTypes: this.eventTypes,
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => {
        const table = `applied_${tableSuffix(generation)}`;
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (event_id TEXT NOT NULL, position INTEGER NOT NULL)`);
        const insert = this.db.prepare(`INSERT INTO ${table} (event_id, position) VALUES (?, ?)`);
        const apply = this.db.transaction(
          (events: Array<{ id: string; position: number; data: Record<string, unknown> }>, checkpoint: number) => {
            for (const event of events) {
              if (event.data.poison && !this.cured) throw new Error(`cannot count poisoned event ${event.id}`);
              insert.run(event.id, event.position);
            }
            this.generations.recordCheckpoint(generation, checkpoint);
          },
        );
        return {
          generation,
          checkpoint: async () => this.generations.checkpoint(generation),
          project: async (events, checkpoint) => apply(events, checkpoint),
        };
      },
    };
  }
}
