/**
 * Writes one generation's rows inside the caller's transaction, and notes which rows it changed.
 *
 * Replays are harmless: an upsert whose position is not newer than the stored document's changes nothing, nor does
 * one older than the resource's removal (removals leave a tombstone with their position), nor a removal older than
 * the stored document.
 */
import type Database from 'better-sqlite3';
import { DOCUMENT_COLUMNS, type FtsRow, FULL_TEXT_COLUMNS, TITLE_COLUMNS } from './fts-row.js';
import { generationTables } from './sqlite-search-schema.js';

interface StoredDocument {
  id: number;
  position: number;
}

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');
/** Where the titles table's texts are among a document's full-text texts. */
const TITLE_TEXTS = TITLE_COLUMNS.map((column) => FULL_TEXT_COLUMNS.indexOf(column));

export class GenerationWriter {
  readonly #t;
  readonly touched = new Set<number>();

  constructor(
    private readonly prepare: (sql: string) => Database.Statement,
    generationId: number,
  ) {
    this.#t = generationTables(generationId);
  }

  #stored(resourceId: string): StoredDocument | undefined {
    return this.prepare(`SELECT id, position FROM ${this.#t.docs} WHERE resource_id = ?`).get(resourceId) as
      | StoredDocument
      | undefined;
  }

  #tombstone(resourceId: string): number | undefined {
    return this.prepare(`SELECT position FROM ${this.#t.tombstones} WHERE resource_id = ?`).pluck().get(resourceId) as
      | number
      | undefined;
  }

  #deleteRows(id: number): void {
    const t = this.#t;
    this.prepare(`DELETE FROM ${t.fts} WHERE rowid = ?`).run(id);
    this.prepare(`DELETE FROM ${t.titles} WHERE rowid = ?`).run(id);
    this.prepare(`DELETE FROM ${t.placements} WHERE doc = ?`).run(id);
  }

  upsert(document: FtsRow): void {
    const t = this.#t;
    const stored = this.#stored(document.resourceId);
    if (stored !== undefined && document.position <= stored.position) return;
    const removedAt = this.#tombstone(document.resourceId);
    if (removedAt !== undefined && document.position <= removedAt) return;

    let id: number;
    if (stored === undefined) {
      const result = this.prepare(
        `INSERT INTO ${t.docs} (entered_at, resource_id, ${DOCUMENT_COLUMNS.join(', ')})
         VALUES (${placeholders(DOCUMENT_COLUMNS.length + 2)})`,
      ).run(document.position, document.resourceId, ...document.values);
      id = Number(result.lastInsertRowid);
      if (removedAt !== undefined) {
        this.prepare(`DELETE FROM ${t.tombstones} WHERE resource_id = ?`).run(document.resourceId);
      }
    } else {
      id = stored.id;
      this.#deleteRows(id);
      this.prepare(`UPDATE ${t.docs} SET ${DOCUMENT_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`).run(
        ...document.values,
        id,
      );
    }

    this.prepare(
      `INSERT INTO ${t.json} (id, document) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET document = excluded.document`,
    ).run(id, document.json);
    this.prepare(
      `INSERT INTO ${t.fts} (rowid, ${FULL_TEXT_COLUMNS.join(', ')}) VALUES (${placeholders(FULL_TEXT_COLUMNS.length + 1)})`,
    ).run(id, ...document.texts);
    this.prepare(
      `INSERT INTO ${t.titles} (rowid, ${TITLE_COLUMNS.join(', ')}) VALUES (${placeholders(TITLE_COLUMNS.length + 1)})`,
    ).run(id, ...TITLE_TEXTS.map((i) => document.texts[i]));
    const place = this.prepare(`INSERT OR IGNORE INTO ${t.placements} (site_id, column_id, doc) VALUES (?, ?, ?)`);
    for (const [siteId, columnId] of document.placements) place.run(siteId, columnId, id);
    this.touched.add(id);
  }

  remove(resourceId: string, position: number): void {
    const t = this.#t;
    const stored = this.#stored(resourceId);
    if (stored !== undefined) {
      if (position < stored.position) return;
      this.#deleteRows(stored.id);
      this.touched.add(stored.id);
      for (const table of [t.docs, t.json]) {
        this.prepare(`DELETE FROM ${table} WHERE id = ?`).run(stored.id);
      }
    }
    this.prepare(
      `INSERT INTO ${t.tombstones} (resource_id, position) VALUES (?, ?)
       ON CONFLICT (resource_id) DO UPDATE SET position = max(position, excluded.position)`,
    ).run(resourceId, position);
  }
}
