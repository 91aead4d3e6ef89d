/**
 * The embedded search index: SQLite FTS5 over jieba tokens, in `library.sqlite` under the data directory (WAL mode).
 *
 * A batch of changes and its checkpoint are one transaction, so the rows and the checkpoint can never disagree, and
 * replays are harmless (generation-writer.ts). `synchronous=NORMAL`: a crash of the machine may lose the last batches,
 * rows and checkpoint together, and the projection applies them again; the event log, not this file, is what must
 * survive.
 *
 * Batches are written through a connection of their own. A batch's transaction stays open while the documents are
 * indexed in chunks (fts-row-indexer.ts) and each chunk is written as it comes, so that indexing and writing overlap;
 * searches meanwhile use the other connection and see the last committed state.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Position } from '../../../domain/event-store/event.js';
import type { SynonymTable } from '../../../domain/search/synonym-table.js';
import type { LibraryChange, LibraryDocument } from '../../../projections/library/library-document.js';
import type {
  LibraryGeneration,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from '../../../projections/library/search-index.js';
import { openReadModelDatabase } from '../../../projections/sqlite/sqlite-generations.js';
import { docNumberKey } from '../shared/search-fields.js';
import { parseSearchQuery } from '../shared/search-query.js';
import { FacetColumns } from './facet-columns.js';
import type { FtsRow } from './fts-row.js';
import { ftsRows } from './fts-row-indexer.js';
import { GenerationWriter } from './generation-writer.js';
import { RankingCache } from './ranking-cache.js';
import { type ActiveGeneration, BROAD_MATCHES, searchGeneration } from './sqlite-search-page.js';
import {
  createGenerationTables,
  createSharedTables,
  dropGenerationTables,
  generationTables,
  READ_MODEL,
} from './sqlite-search-schema.js';

export const SEARCH_INDEX_FILE = 'library.sqlite';
/** Bump when the tables change shape: existing files are then rebuilt rather than misread. */
export const SEARCH_INDEX_SCHEMA_VERSION = 4;
const GENERATION_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const STATEMENT_CACHE_SIZE = 500;

interface GenerationRow {
  id: number;
  name: string;
  checkpoint: number | null;
  high_water: number;
  version: number;
}

export interface SqliteSearchOptions {
  /** How many matches make a search broad, ranked by class and date rather than bm25 (sqlite-search-page.ts). */
  broadMatches?: number;
  /** The search synonyms in force, asked at every search (the composition reads them from their read model). */
  synonyms?: () => SynonymTable;
}

export function openSqliteSearchIndex(dataDir: string, options: SqliteSearchOptions = {}): SearchIndex {
  // A file of another table layout is started afresh; the library projection rebuilds it from the log.
  const db = openReadModelDatabase(join(dataDir, SEARCH_INDEX_FILE), SEARCH_INDEX_SCHEMA_VERSION);
  db.pragma('cache_size = -65536');
  // Searches read the FTS doclists of the whole index; mapped pages save a system call per page read (about a third
  // of a broad search's time at 100,000 documents).
  db.pragma('mmap_size = 4294967296');
  createSharedTables(db);
  const writer = new Database(db.name, { timeout: 10_000 });
  writer.pragma('synchronous = NORMAL');
  writer.pragma('cache_size = -65536');
  return new SqliteSearchIndex(db, writer, options.broadMatches ?? BROAD_MATCHES, options.synonyms);
}

/** A statement cache of one connection. */
class Statements {
  readonly #statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Statements on dropped tables would fail when next run; the cache would also keep their plans alive. */
  clear(): void {
    this.#statements.clear();
  }
}

class SqliteSearchIndex implements SearchIndex {
  readonly #db: Database.Database;
  /** The connection batches are written through (see above). */
  readonly #writer: Database.Database;
  readonly #statements: Statements;
  readonly #writerStatements: Statements;
  readonly #rankings = new RankingCache();
  readonly #columns = new Map<number, FacetColumns>();
  /**
   * Writes of this process, one after the other: a batch's transaction spans awaits, and another write meanwhile
   * would wait for the lock it holds while holding up the thread that would release it.
   */
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    db: Database.Database,
    writer: Database.Database,
    private readonly broadMatches: number,
    private readonly synonyms: (() => SynonymTable) | undefined,
  ) {
    this.#db = db;
    this.#writer = writer;
    this.#statements = new Statements(db);
    this.#writerStatements = new Statements(writer);
  }

  prepare(sql: string): Database.Statement {
    return this.#statements.prepare(sql);
  }

  exclusive<T>(write: () => Promise<T>): Promise<T> {
    const done = this.#writes.then(write);
    this.#writes = done.catch(() => undefined);
    return done;
  }

  generationRow(name: string): GenerationRow | undefined {
    return this.prepare('SELECT id, name, checkpoint, high_water, version FROM search_generations WHERE name = ?').get(
      name,
    ) as GenerationRow | undefined;
  }

  #activeRow(): GenerationRow | undefined {
    return this.prepare(
      `SELECT g.id, g.name, g.checkpoint, g.high_water, g.version FROM search_aliases AS a
       JOIN search_generations AS g ON g.id = a.generation_id WHERE a.name = ?`,
    ).get(READ_MODEL) as GenerationRow | undefined;
  }

  transaction<T>(work: () => T, mode: 'read' | 'write'): T {
    const run = this.#db.transaction(work);
    return mode === 'write' ? run.immediate() : run.deferred();
  }

  async activeGeneration(): Promise<string | null> {
    return this.#activeRow()?.name ?? null;
  }

  async openGeneration(generation: string): Promise<LibraryGeneration> {
    if (!GENERATION_NAME.test(generation)) {
      throw new TypeError(
        `generation names are 1-100 lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(generation)})`,
      );
    }
    await this.exclusive(async () =>
      this.transaction(() => {
        if (this.generationRow(generation) !== undefined) return;
        const { lastInsertRowid } = this.prepare('INSERT INTO search_generations (name) VALUES (?)').run(generation);
        createGenerationTables(this.#db, Number(lastInsertRowid));
      }, 'write'),
    );
    return new SqliteGeneration(this, generation);
  }

  async promote(generation: string): Promise<void> {
    await this.exclusive(async () => this.#promote(generation));
  }

  #promote(generation: string): void {
    const replaced = this.transaction(() => {
      const row = this.generationRow(generation);
      if (row === undefined) throw new Error(`cannot promote ${generation}: no such generation (open it first)`);
      const active = this.#activeRow();
      this.prepare(
        'INSERT INTO search_aliases (name, generation_id) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET generation_id = excluded.generation_id',
      ).run(READ_MODEL, row.id);
      if (active === undefined || active.id === row.id) return undefined;
      dropGenerationTables(this.#db, active.id);
      this.prepare('DELETE FROM search_generations WHERE id = ?').run(active.id);
      return active.id;
    }, 'write');
    if (replaced !== undefined) {
      this.#statements.clear();
      this.#writerStatements.clear();
      this.#rankings.forgetGeneration(replaced);
      this.#columns.delete(replaced);
    }
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const parsed = parseSearchQuery(query, this.synonyms?.());
    return this.transaction(() => {
      const active = this.#activeRow();
      if (active === undefined) {
        const facets = Object.fromEntries(parsed.facets.map((f) => [f, []]));
        return { hits: [], total: 0, endCursor: null, facets, expansions: parsed.expansions };
      }
      const generation: ActiveGeneration = { id: active.id, name: active.name, highWater: active.high_water };
      const context = {
        prepare: (sql: string) => this.prepare(sql),
        rankings: this.#rankings,
        columns: this.#columnsOf(active),
        broadMatches: this.broadMatches,
      };
      return searchGeneration(context, generation, parsed);
    }, 'read');
  }

  async get(resourceId: string): Promise<LibraryDocument | null> {
    const active = this.#activeRow();
    return active === undefined ? null : this.getIn(active.id, resourceId);
  }

  getIn(generationId: number, resourceId: string): LibraryDocument | null {
    const t = generationTables(generationId);
    const row = this.prepare(
      `SELECT j.document FROM ${t.docs} AS d JOIN ${t.json} AS j ON j.id = d.id WHERE d.resource_id = ?`,
    ).get(resourceId) as { document: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.document) as LibraryDocument);
  }

  async byIndexNumber(indexNumber: string): Promise<LibraryDocument | null> {
    const active = this.#activeRow();
    if (active === undefined || typeof indexNumber !== 'string') return null;
    const t = generationTables(active.id);
    const row = this.prepare(
      `SELECT j.document FROM ${t.docs} AS d JOIN ${t.json} AS j ON j.id = d.id
       WHERE d.index_number = ? ORDER BY d.resource_id LIMIT 1`,
    ).get(indexNumber.trim()) as { document: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.document) as LibraryDocument);
  }

  async byDocNumber(docNumber: string): Promise<LibraryDocument[]> {
    const active = this.#activeRow();
    const key = typeof docNumber === 'string' ? docNumberKey(docNumber) : null;
    if (active === undefined || key === null) return [];
    const t = generationTables(active.id);
    const rows = this.prepare(
      `SELECT j.document FROM ${t.docs} AS d JOIN ${t.json} AS j ON j.id = d.id
       WHERE d.doc_number = ? ORDER BY d.first_published_ms DESC, d.resource_id`,
    ).all(key) as Array<{ document: string }>;
    return rows.map((row) => JSON.parse(row.document) as LibraryDocument);
  }

  findByPlacementIn(generationId: number, siteId: string, columnIds: string[]): LibraryDocument[] {
    if (columnIds.length === 0) return [];
    const t = generationTables(generationId);
    const rows = this.prepare(
      `SELECT j.document FROM ${t.json} AS j WHERE j.id IN (
         SELECT p.doc FROM ${t.placements} AS p WHERE p.site_id = ? AND p.column_id IN (SELECT value FROM json_each(?))
       ) ORDER BY j.id`,
    ).all(siteId, JSON.stringify(columnIds)) as Array<{ document: string }>;
    return rows.map((row) => JSON.parse(row.document) as LibraryDocument);
  }

  /**
   * Applies the batch and its checkpoint in one transaction of the write connection; returns the ids of the rows it
   * changed and the version of the generation it made.
   */
  async applyIn(
    generationId: number,
    changes: LibraryChange[],
    checkpoint: Position,
  ): Promise<{ touched: Set<number>; version: number }> {
    const chunks = ftsRows(changes.flatMap((change) => (change.kind === 'upsert' ? [change.document] : [])));
    // Chunks left unread when the batch fails must not surface as unhandled rejections.
    for (const chunk of chunks) chunk.catch(() => undefined);
    // The upserts' documents, indexed, in the order of the changes.
    const indexed = (async function* () {
      for (const chunk of chunks) yield* await chunk;
    })();
    const statements = this.#writerStatements;
    const writer = new GenerationWriter((sql) => statements.prepare(sql), generationId);
    statements.prepare('BEGIN IMMEDIATE').run();
    try {
      let highWater = checkpoint;
      for (const change of changes) {
        if (change.kind === 'upsert') {
          const { value } = await indexed.next();
          writer.upsert(value as FtsRow);
          highWater = Math.max(highWater, change.document.position);
        } else {
          writer.remove(change.resourceId, change.position);
          highWater = Math.max(highWater, change.position);
        }
      }
      // The checkpoint never moves back: a replayed batch carries an older one.
      const version = statements
        .prepare(
          `UPDATE search_generations
           SET checkpoint = max(coalesce(checkpoint, ?), ?), high_water = max(high_water, ?), version = version + 1
           WHERE id = ? RETURNING version`,
        )
        .pluck()
        .get(checkpoint, checkpoint, highWater, generationId) as number;
      statements.prepare('COMMIT').run();
      return { touched: writer.touched, version };
    } finally {
      if (this.#writer.inTransaction) statements.prepare('ROLLBACK').run();
    }
  }

  /**
   * After a commit of this process: the columns take in the rows it changed, unless a batch of another process came
   * in between (its rows are unknown here), in which case they are loaded again when next needed.
   */
  committed(generationId: number, touched: Set<number>, version: number): void {
    const columns = this.#columns.get(generationId);
    if (columns === undefined) return;
    if (columns.generationVersion === version - 1) {
      columns.refresh(touched);
      columns.generationVersion = version;
    } else {
      this.#columns.delete(generationId);
    }
  }

  #columnsOf(generation: GenerationRow): FacetColumns {
    let columns = this.#columns.get(generation.id);
    if (columns === undefined || columns.generationVersion !== generation.version) {
      const t = generationTables(generation.id);
      columns = FacetColumns.load((sql) => this.prepare(sql), t, generation.version);
      // Only the active generation is searched: columns of one another process has replaced are dead weight.
      this.#columns.clear();
      this.#columns.set(generation.id, columns);
    }
    return columns;
  }

  async close(): Promise<void> {
    await this.#writes;
    this.#statements.clear();
    this.#writerStatements.clear();
    this.#writer.close();
    this.#db.close();
  }
}

class SqliteGeneration implements LibraryGeneration {
  constructor(
    private readonly index: SqliteSearchIndex,
    readonly generation: string,
  ) {}

  #id(): number {
    const row = this.index.generationRow(this.generation);
    if (row === undefined) throw new Error(`generation ${this.generation} no longer exists: a promotion replaced it`);
    return row.id;
  }

  async checkpoint(): Promise<Position | null> {
    const row = this.index.generationRow(this.generation);
    if (row === undefined) throw new Error(`generation ${this.generation} no longer exists: a promotion replaced it`);
    return row.checkpoint;
  }

  async apply(changes: LibraryChange[], checkpoint: Position): Promise<void> {
    if (!Number.isSafeInteger(checkpoint) || checkpoint < 0) {
      throw new TypeError(`a checkpoint is a non-negative integer position (got ${checkpoint})`);
    }
    await this.index.exclusive(async () => {
      const id = this.#id();
      const { touched, version } = await this.index.applyIn(id, changes, checkpoint);
      this.index.committed(id, touched, version);
    });
  }

  async get(resourceId: string): Promise<LibraryDocument | null> {
    return this.index.getIn(this.#id(), resourceId);
  }

  async findByPlacement(siteId: string, columnIds: string[]): Promise<LibraryDocument[]> {
    return this.index.findByPlacementIn(this.#id(), siteId, columnIds);
  }
}
