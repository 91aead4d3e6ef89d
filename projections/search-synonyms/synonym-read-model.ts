/**
 * The search synonyms in force, for the search adapters (which apply them to every query) and the `searchSynonyms`
 * query: the table the `search-synonyms` stream's decider folds (domain/search/synonym-extension.ts), one row with
 * its JSON, in `search-synonyms.sqlite` under the data directory. Before any change the table is the published
 * base, which the row does not need to hold.
 *
 * Searches ask for the table each time, so it is kept parsed, and read again only when the row's position shows
 * a change (this process's projection, or another process's).
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import {
  SEARCH_SYNONYMS_STREAM,
  type SynonymEvent,
  searchSynonymsAggregate,
} from '../../domain/search/synonym-extension.js';
import { SynonymTable } from '../../domain/search/synonym-table.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';

export const SYNONYM_READ_MODEL_VERSION = 1;
const NAME = 'search-synonyms';

interface Row {
  position: number;
  state: string;
}

export class SynonymReadModel {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;
  #cached: { generation: string; position: number; table: SynonymTable } | undefined;

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, NAME, (generation) =>
      this.db.exec(`DROP TABLE IF EXISTS ${this.table(generation)}`),
    );
  }

  private table(generation: string): string {
    return `search_synonyms_${tableSuffix(generation)}`;
  }

  projection(): Projection {
    return {
      name: NAME,
      version: SYNONYM_READ_MODEL_VERSION,
      eventTypes: Object.keys(searchSynonymsAggregate.eventSchemas),
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    const table = this.table(generation);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, position INTEGER NOT NULL, state TEXT NOT NULL)`,
    );
    const select = this.db.prepare<[string], Row>(`SELECT position, state FROM ${table} WHERE id = ?`);
    const upsert = this.db.prepare(
      `INSERT INTO ${table} (id, position, state) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state`,
    );
    const apply = this.db.transaction((events: RecordedEvent[], checkpoint: Position) => {
      const stored = select.get(SEARCH_SYNONYMS_STREAM);
      let state = stored === undefined ? SynonymTable.base() : tableOf(stored.state);
      let position = stored?.position ?? 0;
      for (const recorded of events) {
        const event = toDomainEvent<SynonymEvent>(recorded, searchSynonymsAggregate.eventSchemas);
        state = searchSynonymsAggregate.decider.evolve(state, event);
        position = recorded.position;
      }
      if (events.length > 0) upsert.run(SEARCH_SYNONYMS_STREAM, position, JSON.stringify(state.entries()));
      this.generations.recordCheckpoint(generation, checkpoint);
    });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  /** The table in force as this read model holds it. */
  current(): SynonymTable {
    const generation = this.generations.active();
    if (generation === null) return SynonymTable.base();
    const reads = this.#reads(generation);
    const position = reads.position.get(SEARCH_SYNONYMS_STREAM);
    if (position === undefined) return SynonymTable.base();
    const cached = this.#cached;
    if (cached?.generation === generation && cached.position === position) return cached.table;
    const row = reads.row.get(SEARCH_SYNONYMS_STREAM)!;
    this.#cached = { generation, position: row.position, table: tableOf(row.state) };
    return this.#cached.table;
  }

  #statements:
    | { generation: string; position: Database.Statement<[string], number>; row: Database.Statement<[string], Row> }
    | undefined;

  #reads(generation: string) {
    if (this.#statements?.generation !== generation) {
      const table = this.table(generation);
      this.#statements = {
        generation,
        position: this.db.prepare<[string], number>(`SELECT position FROM ${table} WHERE id = ?`).pluck(),
        row: this.db.prepare<[string], Row>(`SELECT position, state FROM ${table} WHERE id = ?`),
      };
    }
    return this.#statements;
  }

  close(): void {
    this.db.close();
  }
}

function tableOf(json: string): SynonymTable {
  return SynonymTable.fromStored(JSON.parse(json) as Array<{ term: string; expansions: string[] }>);
}

export function openSynonymReadModel(dataDir: string): SynonymReadModel {
  return new SynonymReadModel(`${dataDir}/search-synonyms.sqlite`);
}
