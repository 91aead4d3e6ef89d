/**
 * The audit log's Merkle tree (RFC 9162) over every event of the log, as a checkpointed projection: leaf i is the
 * i-th event of `$all` (positions have gaps; leaf indexes do not), hashed from its canonical encoding. It runs beside
 * the log like any read model, on either event store, and never in an append's path.
 *
 * Stored as tlog-tiles tiles, not one row per node: one row per tile of 256 hashes at levels 0, 1, 2… (a level-1 hash
 * is the root of a full level-0 tile), the partial tile at each level's right edge rewritten as it grows, a full one
 * final. Beside each level-0 tile, the log positions of its 256 leaves in one row, which is how an entry bundle is read
 * back from the event store and how an event's position finds its leaf. Tiles, positions and the checkpoint are
 * written in one transaction, so a crash replays a batch and never leaves a leaf half-added.
 *
 * The tree holds hashes only: what it commits to is read from the event store whenever it is served, so a changed
 * event no longer matches its leaf.
 */
import type Database from 'better-sqlite3';
import { eventLeafText } from '../../domain/audit/event-leaf.js';
import { TiledMerkleTree } from '../../domain/audit/merkle-proofs.js';
import { TileBuilder } from '../../domain/audit/tile-builder.js';
import { TILE_WIDTH } from '../../domain/audit/tiles.js';
import { HASH_SIZE, LeafHasher, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import type { Position } from '../../domain/event-store/event.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';

export const AUDIT_TREE_PROJECTION = 'audit-tree';
export const AUDIT_TREE_PROJECTION_VERSION = 1;
const POSITION_BYTES = 8;

export interface AuditTreeTarget extends ProjectionTarget {
  /** Leaves as canonical text or its UTF-8 bytes. */
  appendLeaves(leaves: readonly (string | Uint8Array)[], positions: readonly Position[], checkpoint: Position): void;
}

export class TreeAlgorithmMismatch extends Error {
  readonly code = 'AUDIT_HASH_MISMATCH';
}

interface Statements {
  upsertTile: Database.Statement;
  upsertPositions: Database.Statement;
  tile: Database.Statement<[number, number], Buffer>;
  positions: Database.Statement<[number], Buffer>;
  last: Database.Statement<[], { idx: number; positions: Buffer }>;
  byPosition: Database.Statement<[number], { idx: number; positions: Buffer }>;
}

export class AuditTree {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;
  private readonly statements = new Map<string, Statements>();

  constructor(
    filename: string,
    readonly algorithm: TreeHashAlgorithm,
  ) {
    this.db = openReadModelDatabase(filename);
    this.db.exec('CREATE TABLE IF NOT EXISTS audit_tree_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.db.prepare(`INSERT OR IGNORE INTO audit_tree_meta (key, value) VALUES ('algorithm', ?)`).run(algorithm);
    const stored = this.db.prepare(`SELECT value FROM audit_tree_meta WHERE key = 'algorithm'`).pluck().get();
    // A log's hash is part of its identity: its signed checkpoints name it. Another algorithm is another log.
    if (stored !== algorithm) {
      this.db.close();
      throw new TreeAlgorithmMismatch(
        `${filename} holds a tree hashed with ${String(stored)}, but ${algorithm} is configured; a log cannot change its hash`,
      );
    }
    this.generations = new SqliteGenerations(this.db, AUDIT_TREE_PROJECTION, (generation) => {
      const suffix = tableSuffix(generation);
      this.db.exec(`DROP TABLE IF EXISTS tiles_${suffix}; DROP TABLE IF EXISTS leaf_positions_${suffix};`);
      this.statements.delete(generation);
    });
  }

  private prepared(generation: string): Statements {
    let statements = this.statements.get(generation);
    if (statements) return statements;
    const suffix = tableSuffix(generation);
    const tiles = `tiles_${suffix}`;
    const positions = `leaf_positions_${suffix}`;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${tiles} (level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL,
        PRIMARY KEY (level, idx));
      CREATE TABLE IF NOT EXISTS ${positions} (idx INTEGER PRIMARY KEY, first_position INTEGER NOT NULL,
        positions BLOB NOT NULL);
      CREATE INDEX IF NOT EXISTS ${positions}_first ON ${positions} (first_position);`);
    statements = {
      upsertTile: this.db.prepare(
        `INSERT INTO ${tiles} (level, idx, hashes) VALUES (?, ?, ?) ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes`,
      ),
      upsertPositions: this.db.prepare(
        `INSERT INTO ${positions} (idx, first_position, positions) VALUES (?, ?, ?) ON CONFLICT (idx) DO UPDATE SET positions = excluded.positions`,
      ),
      tile: this.db
        .prepare<[number, number], Buffer>(`SELECT hashes FROM ${tiles} WHERE level = ? AND idx = ?`)
        .pluck(),
      positions: this.db.prepare<[number], Buffer>(`SELECT positions FROM ${positions} WHERE idx = ?`).pluck(),
      last: this.db.prepare(`SELECT idx, positions FROM ${positions} ORDER BY idx DESC LIMIT 1`),
      byPosition: this.db.prepare(
        `SELECT idx, positions FROM ${positions} WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1`,
      ),
    };
    this.statements.set(generation, statements);
    return statements;
  }

  private sizeOf(generation: string): number {
    const last = this.prepared(generation).last.get();
    return last ? last.idx * TILE_WIDTH + last.positions.length / POSITION_BYTES : 0;
  }

  projection(): Projection {
    return {
      name: AUDIT_TREE_PROJECTION,
      version: AUDIT_TREE_PROJECTION_VERSION,
      eventTypes: 'all',
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  /** A generation open for writing; `appendLeaves` takes leaves already encoded (the benchmark's tree-only path). */
  openTarget(generation: string): AuditTreeTarget {
    return this.target(generation);
  }

  private target(generation: string): AuditTreeTarget {
    const statements = this.prepared(generation);
    const load = () => {
      const size = this.sizeOf(generation);
      const builder = new TileBuilder(this.algorithm, size, (level, index) => statements.tile.get(level, index)!);
      const lastRow = statements.last.get();
      // The positions of the leaves of the level-0 tile being filled.
      const edge = Buffer.alloc(TILE_WIDTH * POSITION_BYTES);
      if (lastRow && lastRow.positions.length < edge.length) lastRow.positions.copy(edge);
      return { builder, edge, edgeWidth: size % TILE_WIDTH, edgeIndex: Math.floor(size / TILE_WIDTH) };
    };
    let state = load();
    const hasher = new LeafHasher(this.algorithm);
    const write = this.db.transaction(
      (
        tiles: { level: number; index: number; hashes: Buffer }[],
        positions: { index: number; first: number; bytes: Buffer }[],
        checkpoint: Position,
      ) => {
        for (const t of tiles) statements.upsertTile.run(t.level, t.index, t.hashes);
        for (const p of positions) statements.upsertPositions.run(p.index, p.first, p.bytes);
        this.generations.recordCheckpoint(generation, checkpoint);
      },
    );
    /**
     * The leaves' canonical texts and the positions of their events, in log order. The edge of the tree is held in
     * memory, so another process keeping the same file up (several servers on one data directory) would write beside
     * a stale one: in a transaction that takes the write lock first, the edge is read again when the file grew
     * meanwhile, and the leaves the file already has are left out.
     */
    const append = (
      allLeaves: readonly (string | Uint8Array)[],
      allPositions: readonly Position[],
      checkpoint: Position,
    ) =>
      this.db
        .transaction(() => {
          const done = this.generations.checkpoint(generation) ?? -1;
          if (checkpoint <= done) return;
          if (this.sizeOf(generation) !== state.builder.size) state = load();
          // Positions ascend, so the leaves the file has are a prefix of the batch (usually an empty one).
          let first = 0;
          while (first < allPositions.length && allPositions[first]! <= done) first++;
          if (first === 0) appendFresh(allLeaves, allPositions, checkpoint);
          else appendFresh(allLeaves.slice(first), allPositions.slice(first), checkpoint);
        })
        .immediate();
    const appendFresh = (
      leaves: readonly (string | Uint8Array)[],
      eventPositions: readonly Position[],
      checkpoint: Position,
    ) => {
      const hashes = Buffer.allocUnsafe(leaves.length * HASH_SIZE);
      for (let i = 0; i < leaves.length; i++) hasher.hashInto(leaves[i]!, hashes, i * HASH_SIZE);
      const positions: { index: number; first: number; bytes: Buffer }[] = [];
      const flush = () => {
        positions.push({
          index: state.edgeIndex,
          first: state.edge.readDoubleLE(0),
          bytes: Buffer.from(state.edge.subarray(0, state.edgeWidth * POSITION_BYTES)),
        });
      };
      for (const position of eventPositions) {
        state.edge.writeDoubleLE(position, state.edgeWidth * POSITION_BYTES);
        state.edgeWidth++;
        if (state.edgeWidth === TILE_WIDTH) {
          flush();
          state.edgeIndex++;
          state.edgeWidth = 0;
        }
      }
      if (state.edgeWidth > 0 && eventPositions.length > 0) flush();
      write(state.builder.append(hashes), positions, checkpoint);
    };
    const guarded = (work: () => void) => {
      try {
        work();
      } catch (error) {
        // The edge held in memory ran ahead of the file: take it back from what was committed.
        state = load();
        throw error;
      }
    };
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) =>
        guarded(() =>
          append(
            events.map(eventLeafText),
            events.map((e) => e.position),
            checkpoint,
          ),
        ),
      appendLeaves: (leaves, eventPositions, checkpoint) => guarded(() => append(leaves, eventPositions, checkpoint)),
    };
  }

  /** The generation readers use; null before the first build has caught up. */
  private readable(): Statements | null {
    const generation = this.generations.active();
    return generation ? this.prepared(generation) : null;
  }

  /** Leaves in the tree readers see. */
  size(): number {
    const generation = this.generations.active();
    return generation ? this.sizeOf(generation) : 0;
  }

  /** The stored hashes of a tile (shorter than 8,192 bytes for the partial tile at a level's right edge), or null. */
  tile(level: number, index: number): Buffer | null {
    return this.readable()?.tile.get(level, index) ?? null;
  }

  /** The log position of leaf `index`, or null when the tree does not have it. */
  leafPosition(index: number): Position | null {
    const row = this.readable()?.positions.get(Math.floor(index / TILE_WIDTH));
    const offset = (index % TILE_WIDTH) * POSITION_BYTES;
    return row && offset < row.length ? row.readDoubleLE(offset) : null;
  }

  /** The leaf of the event at `position`, or null when the tree has no leaf there (yet). */
  leafIndexOf(position: Position): number | null {
    const row = this.readable()?.byPosition.get(position);
    if (!row) return null;
    let low = 0;
    let high = row.positions.length / POSITION_BYTES - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const found = row.positions.readDoubleLE(mid * POSITION_BYTES);
      if (found === position) return row.idx * TILE_WIDTH + mid;
      if (found < position) low = mid + 1;
      else high = mid - 1;
    }
    return null;
  }

  /** Roots and proofs of the tree as stored now, for any size up to the current one. */
  merkleTree(): TiledMerkleTree {
    const statements = this.readable();
    return new TiledMerkleTree(
      this.algorithm,
      (level, index) => statements?.tile.get(level, index) ?? null,
      statements ? this.size() : 0,
    );
  }

  close(): void {
    this.db.close();
  }
}

export function openAuditTree(dataDir: string, algorithm: TreeHashAlgorithm): AuditTree {
  return new AuditTree(`${dataDir}/audit-tree.sqlite`, algorithm);
}
