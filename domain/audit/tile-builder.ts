/**
 * Grows a tiled Merkle tree leaf by leaf. Only the right edge is held: at each level the partial tile being filled.
 * When a tile fills up, its root (the hash of its 256 hashes, 255 node hashes in all) becomes the next hash of the
 * level above, and the full tile is final: it never changes again. A batch of leaves reports the tiles it changed,
 * so the caller stores them with its checkpoint in one transaction.
 *
 * Building is bound by the node hashes (one per leaf, nearly), so a full tile is hashed up in one work buffer that
 * holds its 128 node inputs side by side, each level's hashes written in place into the inputs of the level above:
 * nothing is allocated per node (see tree-hash.ts on how digests are copied).
 */
import { FULL_TILE_BYTES, TILE_WIDTH } from './tiles.js';
import { HASH_SIZE, hashInto, type TreeHashAlgorithm } from './tree-hash.js';

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

const NODE_INPUT = 1 + 2 * HASH_SIZE;
const PAIRS = TILE_WIDTH / 2;

/** Hashes full tiles up to their roots: H(0x01 ‖ left ‖ right) eight levels up, 255 hashes per tile. */
export class TileRootHasher {
  /** 128 node inputs of 65 bytes, each 0x01 ‖ left ‖ right. */
  private readonly work = Buffer.allocUnsafe(PAIRS * NODE_INPUT);
  private readonly inputs: Uint8Array[] = [];

  constructor(private readonly algorithm: TreeHashAlgorithm) {
    for (let i = 0; i < PAIRS; i++) {
      this.work[i * NODE_INPUT] = 0x01;
      this.inputs.push(this.work.subarray(i * NODE_INPUT, (i + 1) * NODE_INPUT));
    }
  }

  /** Writes the root of the full tile `hashes` (8,192 bytes) into `target` at `offset`. */
  rootInto(hashes: Uint8Array, target: Buffer, offset: number): void {
    if (hashes.length !== FULL_TILE_BYTES)
      throw new Error(`a full tile has ${FULL_TILE_BYTES} bytes, not ${hashes.length}`);
    const { work, inputs, algorithm } = this;
    for (let i = 0; i < PAIRS; i++) {
      work.set(hashes.subarray(i * 2 * HASH_SIZE, (i + 1) * 2 * HASH_SIZE), i * NODE_INPUT + 1);
    }
    // The hash of input j goes to half (j & 1) of input j >> 1, which was hashed already (it is input 0 or one
    // before j): so each level is hashed in place, left to right.
    for (let pairs = PAIRS; pairs > 1; pairs >>= 1) {
      for (let j = 0; j < pairs; j++) {
        hashInto(algorithm, inputs[j]!, work, (j >> 1) * NODE_INPUT + 1 + (j & 1) * HASH_SIZE);
      }
    }
    hashInto(algorithm, inputs[0]!, target, offset);
  }

  root(hashes: Uint8Array): Buffer {
    const root = Buffer.allocUnsafe(HASH_SIZE);
    this.rootInto(hashes, root, 0);
    return root;
  }
}

export class TileBuilder {
  private edge: EdgeTile[] = [];
  private sizeValue: number;
  private readonly roots: TileRootHasher;

  /**
   * `edgeTiles(level, index)` returns the stored hashes of a partial tile at the right edge of a tree of `size`
   * leaves; it is asked only for tiles that exist.
   */
  constructor(algorithm: TreeHashAlgorithm, size: number, edgeTiles: (level: number, index: number) => Uint8Array) {
    this.roots = new TileRootHasher(algorithm);
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

  private edgeTile(level: number): EdgeTile {
    let tile = this.edge[level];
    if (!tile) {
      tile = { index: 0, width: 0, hashes: Buffer.alloc(FULL_TILE_BYTES) };
      this.edge[level] = tile;
    }
    return tile;
  }

  /**
   * The edge tile at `level` just filled up: it is final from now on, its root climbs one level (and may fill that
   * tile in turn), and the edge moves to a fresh tile. Returns the highest level whose edge took a hash, plus one.
   */
  private completed(level: number, full: ChangedTile[]): number {
    const tile = this.edge[level]!;
    full.push({ level, index: tile.index, hashes: tile.hashes });
    this.edge[level] = { index: tile.index + 1, width: 0, hashes: Buffer.alloc(FULL_TILE_BYTES) };
    const above = this.edgeTile(level + 1);
    this.roots.rootInto(tile.hashes, above.hashes, above.width * HASH_SIZE);
    above.width++;
    return above.width === TILE_WIDTH ? this.completed(level + 1, full) : level + 2;
  }

  /**
   * Appends leaf hashes, given one by one or as one buffer of 32-byte hashes end to end; returns every tile they
   * changed, each once, as it now stands.
   */
  append(leafHashes: Uint8Array | readonly Uint8Array[]): ChangedTile[] {
    const hashes = leafHashes instanceof Uint8Array ? leafHashes : Buffer.concat(leafHashes);
    if (hashes.length % HASH_SIZE !== 0)
      throw new Error(`${hashes.length} bytes are not whole ${HASH_SIZE}-byte hashes`);
    const count = hashes.length / HASH_SIZE;
    const full: ChangedTile[] = [];
    // Levels whose edge tile took a hash; they are copied once, at the end, at their final width.
    let touched = count > 0 ? 1 : 0;
    for (let done = 0; done < count; ) {
      const tile = this.edgeTile(0);
      const take = Math.min(count - done, TILE_WIDTH - tile.width);
      tile.hashes.set(hashes.subarray(done * HASH_SIZE, (done + take) * HASH_SIZE), tile.width * HASH_SIZE);
      tile.width += take;
      done += take;
      if (tile.width === TILE_WIDTH) touched = Math.max(touched, this.completed(0, full));
    }
    this.sizeValue += count;
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
