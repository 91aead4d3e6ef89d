/**
 * Grows a tiled Merkle tree leaf by leaf. Only the right edge is held: at each level the partial tile being filled.
 * When a tile fills up, its root (the hash of its 256 hashes, 255 node hashes in all) becomes the next hash of the
 * level above, and the full tile is final: it never changes again. A batch of leaves reports the tiles it changed,
 * so the caller stores them with its checkpoint in one transaction.
 */
import { FULL_TILE_BYTES, TILE_WIDTH } from './tiles.js';
import { HASH_SIZE, nodeHash, type TreeHashAlgorithm } from './tree-hash.js';

export interface ChangedTile {
  level: number;
  index: number;
  /** All the tile's hashes so far: 8,192 bytes for a full tile, fewer for a partial one. */
  hashes: Buffer;
}

interface EdgeTile {
  index: number;
  width: number;
  hashes: Buffer;
}

/** The root of a full tile: its 256 hashes hashed up eight levels. */
export function fullTileRoot(algorithm: TreeHashAlgorithm, hashes: Uint8Array): Buffer {
  let row: Buffer[] = [];
  for (let i = 0; i < TILE_WIDTH; i++)
    row.push(Buffer.from(hashes.buffer, hashes.byteOffset + i * HASH_SIZE, HASH_SIZE));
  while (row.length > 1) {
    const next: Buffer[] = new Array(row.length / 2);
    for (let i = 0; i < next.length; i++) next[i] = nodeHash(algorithm, row[2 * i]!, row[2 * i + 1]!);
    row = next;
  }
  return row[0]!;
}

export class TileBuilder {
  private edge: EdgeTile[] = [];
  private sizeValue: number;

  /**
   * `edgeTiles(level, index)` returns the stored hashes of a partial tile at the right edge of a tree of `size`
   * leaves; it is asked only for tiles that exist.
   */
  constructor(
    private readonly algorithm: TreeHashAlgorithm,
    size: number,
    edgeTiles: (level: number, index: number) => Uint8Array,
  ) {
    this.sizeValue = size;
    for (let level = 0, below = size; below > 0; level++, below = Math.floor(below / TILE_WIDTH)) {
      const width = below % TILE_WIDTH;
      const index = Math.floor(below / TILE_WIDTH);
      const hashes = Buffer.alloc(FULL_TILE_BYTES);
      if (width > 0) {
        const stored = edgeTiles(level, index);
        if (stored.length !== width * HASH_SIZE) {
          throw new Error(
            `tile ${level}/${index} holds ${stored.length / HASH_SIZE} hashes; a tree of ${size} needs ${width}`,
          );
        }
        hashes.set(stored);
      }
      this.edge.push({ index, width, hashes });
    }
  }

  get size(): number {
    return this.sizeValue;
  }

  /** Appends leaf hashes; returns every tile they changed, each once, as it now stands. */
  append(leafHashes: readonly Uint8Array[]): ChangedTile[] {
    const full: ChangedTile[] = [];
    // Levels whose edge tile took a hash; they are copied once, at the end, at their final width.
    let touched = 0;
    for (const leaf of leafHashes) {
      let hash: Uint8Array = leaf;
      for (let level = 0; ; level++) {
        let tile = this.edge[level];
        if (!tile) {
          tile = { index: 0, width: 0, hashes: Buffer.alloc(FULL_TILE_BYTES) };
          this.edge.push(tile);
        }
        tile.hashes.set(hash, tile.width * HASH_SIZE);
        tile.width++;
        touched = Math.max(touched, level + 1);
        if (tile.width < TILE_WIDTH) break;
        // Full: final from now on; its root climbs one level, and the edge moves to a fresh tile.
        full.push({ level, index: tile.index, hashes: tile.hashes });
        hash = fullTileRoot(this.algorithm, tile.hashes);
        this.edge[level] = { index: tile.index + 1, width: 0, hashes: Buffer.alloc(FULL_TILE_BYTES) };
      }
      this.sizeValue++;
    }
    const partial: ChangedTile[] = [];
    for (let level = 0; level < touched; level++) {
      const tile = this.edge[level]!;
      if (tile.width > 0) {
        partial.push({
          level,
          index: tile.index,
          hashes: Buffer.from(tile.hashes.subarray(0, tile.width * HASH_SIZE)),
        });
      }
    }
    return [...full, ...partial];
  }
}
