/**
 * The outbound feed's own copy of the library documents, and for each what the province holds of it: whether it
 * holds it, and which versions it was sent. What a change is told against (a correction of a resource the province
 * holds, a withdrawal of one it never had), and the version history the province may see (never a version that was
 * 不予共享, not even its title). One table pair per generation in `feed-outbound.sqlite`, written in one transaction
 * with the checkpoint, after the broker acknowledged the batch's messages.
 */
import type Database from 'better-sqlite3';
import type { Position } from '../../domain/event-store/event.js';
import type { LibraryChange, LibraryDocument } from '../library/library-document.js';
import type { LibraryDocuments } from '../library/library-projection.js';
import type { SqliteGenerations } from '../sqlite/sqlite-generations.js';
import { tableSuffix } from '../sqlite/sqlite-generations.js';

/** What the province holds of one resource. */
export interface ProvinceHolds {
  has: boolean;
  /** The versions it was sent, oldest first. */
  versions: number[];
}

const NOTHING: ProvinceHolds = { has: false, versions: [] };

export class OutboundDocuments implements LibraryDocuments {
  private readonly statements;
  private readonly write: (
    changes: LibraryChange[],
    held: ReadonlyMap<string, ProvinceHolds>,
    checkpoint: Position,
  ) => void;

  constructor(
    db: Database.Database,
    private readonly generations: SqliteGenerations,
    readonly generation: string,
  ) {
    const suffix = tableSuffix(generation);
    const documents = `feed_documents_${suffix}`;
    const placements = `feed_placements_${suffix}`;
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${documents} (
        resource_id TEXT PRIMARY KEY, document TEXT NOT NULL, province_holds TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${placements} (
        site_id TEXT NOT NULL, column_id TEXT NOT NULL, resource_id TEXT NOT NULL,
        PRIMARY KEY (site_id, column_id, resource_id));
      CREATE INDEX IF NOT EXISTS ${placements}_resource ON ${placements} (resource_id);`);
    this.statements = {
      get: db.prepare<[string], { document: string; province_holds: string }>(
        `SELECT document, province_holds FROM ${documents} WHERE resource_id = ?`,
      ),
      upsert: db.prepare(
        `INSERT INTO ${documents} (resource_id, document, province_holds) VALUES (?, ?, ?)
         ON CONFLICT (resource_id) DO UPDATE SET document = excluded.document, province_holds = excluded.province_holds`,
      ),
      held: db.prepare(`UPDATE ${documents} SET province_holds = ? WHERE resource_id = ?`),
      remove: db.prepare(`DELETE FROM ${documents} WHERE resource_id = ?`),
      unplace: db.prepare(`DELETE FROM ${placements} WHERE resource_id = ?`),
      place: db.prepare(`INSERT OR IGNORE INTO ${placements} (site_id, column_id, resource_id) VALUES (?, ?, ?)`),
      placedIn: db
        .prepare<[string, string], string>(
          `SELECT d.document FROM ${placements} p JOIN ${documents} d ON d.resource_id = p.resource_id
           WHERE p.site_id = ? AND p.column_id = ?`,
        )
        .pluck(),
    };
    this.write = db.transaction((changes, held, checkpoint) => {
      const s = this.statements;
      for (const change of changes) {
        const resourceId = change.kind === 'upsert' ? change.document.resourceId : change.resourceId;
        s.unplace.run(resourceId);
        if (change.kind === 'remove') {
          s.remove.run(resourceId);
          continue;
        }
        const { document } = change;
        const holds = held.get(resourceId) ?? this.provinceHolds(resourceId);
        s.upsert.run(resourceId, JSON.stringify(document), JSON.stringify(holds));
        for (const p of document.placements) s.place.run(p.siteId, p.columnId, resourceId);
      }
      for (const [resourceId, holds] of held) s.held.run(JSON.stringify(holds), resourceId);
      this.generations.recordCheckpoint(generation, checkpoint);
    });
  }

  async get(resourceId: string): Promise<LibraryDocument | null> {
    const row = this.statements.get.get(resourceId);
    return row ? (JSON.parse(row.document) as LibraryDocument) : null;
  }

  async findByPlacement(siteId: string, columnIds: string[]): Promise<LibraryDocument[]> {
    const found = new Map<string, LibraryDocument>();
    for (const columnId of columnIds)
      for (const json of this.statements.placedIn.all(siteId, columnId)) {
        const document = JSON.parse(json) as LibraryDocument;
        found.set(document.resourceId, document);
      }
    return [...found.values()];
  }

  /** What the province holds of the resource, as the last committed batch left it. */
  provinceHolds(resourceId: string): ProvinceHolds {
    const row = this.statements.get.get(resourceId);
    return row ? (JSON.parse(row.province_holds) as ProvinceHolds) : NOTHING;
  }

  checkpoint(): Position | null {
    return this.generations.checkpoint(this.generation);
  }

  /** The batch's document changes, who holds what, and the checkpoint: all or nothing. */
  commit(changes: LibraryChange[], held: ReadonlyMap<string, ProvinceHolds>, checkpoint: Position): void {
    this.write(changes, held, checkpoint);
  }
}
