/**
 * A read model whose rows are aggregates' states as their deciders fold them (a site, an API key): the projection
 * evolves the stored state with each event, so the read model and the write side can never disagree about what the
 * state is. One row per aggregate, with the columns queries filter on beside the state's JSON.
 *
 * States hold Maps and Sets, which JSON does not: each read model gives a codec between its state and plain JSON.
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { Aggregate } from '../../domain/shared/command-handler.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import type { DomainEvent } from '../../domain/shared/decider.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from './sqlite-generations.js';

export interface StateCodec<State> {
  toJson(state: State): unknown;
  fromJson(json: unknown): State;
}

export interface AggregateStatesOptions<State, Event extends DomainEvent> {
  /** Projection name, also the table's name. */
  name: string;
  version: number;
  aggregate: Aggregate<State, never, Event>;
  /** The aggregate an event belongs to. */
  idOf: (event: Event) => string;
  codec: StateCodec<State>;
  /** The one column besides the id that queries filter on (e.g. the site a key belongs to). */
  groupOf?: (state: State) => string | null;
}

export class AggregateStates<State, Event extends DomainEvent> {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;

  constructor(
    filename: string,
    private readonly options: AggregateStatesOptions<State, Event>,
  ) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, options.name, (generation) =>
      this.db.exec(`DROP TABLE IF EXISTS ${this.table(generation)}`),
    );
  }

  private table(generation: string): string {
    return `${this.options.name.replaceAll('-', '_')}_${tableSuffix(generation)}`;
  }

  projection(): Projection {
    return {
      name: this.options.name,
      version: this.options.version,
      eventTypes: Object.keys(this.options.aggregate.eventSchemas),
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    const table = this.table(generation);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        id TEXT PRIMARY KEY,
        grp TEXT,
        created INTEGER NOT NULL,
        position INTEGER NOT NULL,
        state TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${table}_grp ON ${table} (grp, created);`);
    const select = this.db.prepare<[string], string>(`SELECT state FROM ${table} WHERE id = ?`).pluck();
    const upsert = this.db.prepare(
      `INSERT INTO ${table} (id, grp, created, position, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET grp = excluded.grp, position = excluded.position, state = excluded.state`,
    );
    const { aggregate, idOf, codec, groupOf } = this.options;
    const apply = (batch: RecordedEvent[], checkpoint: Position) =>
      this.generations.applyOnce(generation, batch, checkpoint, (events) => {
        for (const recorded of events) {
          const event = toDomainEvent<Event>(recorded, aggregate.eventSchemas);
          const id = idOf(event);
          const stored = select.get(id);
          const before = stored ? codec.fromJson(JSON.parse(stored)) : aggregate.decider.initialState();
          const state = aggregate.decider.evolve(before, event);
          upsert.run(
            id,
            groupOf?.(state) ?? null,
            recorded.position,
            recorded.position,
            JSON.stringify(codec.toJson(state)),
          );
        }
      });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  private query(where: string, ...parameters: string[]): State[] {
    const generation = this.generations.active();
    if (!generation) return [];
    return this.db
      .prepare<string[], string>(`SELECT state FROM ${this.table(generation)} WHERE ${where} ORDER BY created`)
      .pluck()
      .all(...parameters)
      .map((json) => this.options.codec.fromJson(JSON.parse(json)));
  }

  get(id: string): State | null {
    return this.query('id = ?', id)[0] ?? null;
  }

  /** Every aggregate, in the order they came to be. */
  all(): State[] {
    return this.query('1 = 1');
  }

  inGroup(group: string): State[] {
    return this.query('grp = ?', group);
  }

  close(): void {
    this.db.close();
  }
}
