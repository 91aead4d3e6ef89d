/**
 * RFC 9162 (section 2.1) tree hashes and proofs computed from stored tiles: the root of any size up to the tree's,
 * the inclusion proof of a leaf and the consistency proof between two sizes. A hash of a complete subtree at a height
 * that is a multiple of 8 is read from its tile as it is; one in between is rebuilt from at most 128 hashes of the
 * tile below it (tlog-tiles keeps only every eighth row).
 */
import { TILE_HEIGHT, TILE_WIDTH } from './tiles.js';
import { emptyTreeRoot, HASH_SIZE, nodeHash, type TreeHashAlgorithm } from './tree-hash.js';

/** The hashes of one tile as far as they exist (a partial tile is shorter), or null when the tree has no such tile. */
export type TileSource = (level: number, index: number) => Uint8Array | null;

export class TreeRangeError extends Error {
  readonly code = 'TREE_RANGE';
}

function largestPowerOfTwoBelow(n: number): number {
  // n >= 2; 2^k < n <= 2^(k+1)
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Tree sizes pass 2^31, so no bitwise tricks.
function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

export class TiledMerkleTree {
  // One proof reads the same few tiles again and again; a proof's lifetime is short, so the cache is per instance.
  private readonly cache = new Map<string, Uint8Array | null>();

  constructor(
    private readonly algorithm: TreeHashAlgorithm,
    private readonly source: TileSource,
    /** Leaves the stored tiles hold; nothing beyond it is read. */
    readonly size: number,
  ) {}

  private tile(level: number, index: number): Uint8Array | null {
    const key = `${level}/${index}`;
    if (!this.cache.has(key)) this.cache.set(key, this.source(level, index));
    return this.cache.get(key)!;
  }

  /** The hash of the complete subtree of height `height` whose leaves start at `index * 2^height`. */
  nodeHash(height: number, index: number): Buffer {
    const level = Math.floor(height / TILE_HEIGHT);
    const below = height % TILE_HEIGHT;
    const span = 2 ** below;
    const first = index * span;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const offset = first % TILE_WIDTH;
    const tile = this.tile(level, tileIndex);
    if (!tile || tile.length < (offset + span) * HASH_SIZE) {
      throw new TreeRangeError(`no stored hash for height ${height}, index ${index} (tile ${level}/${tileIndex})`);
    }
    let row: Buffer[] = [];
    for (let i = 0; i < span; i++) {
      row.push(Buffer.from(tile.subarray((offset + i) * HASH_SIZE, (offset + i + 1) * HASH_SIZE)));
    }
    while (row.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i < row.length; i += 2) next.push(nodeHash(this.algorithm, row[i]!, row[i + 1]!));
      row = next;
    }
    return row[0]!;
  }

  /** MTH(D[start:end]), for the ranges the RFC's recursions visit (start aligned to the largest power of two below). */
  rangeHash(start: number, end: number): Buffer {
    const n = end - start;
    if (n <= 0 || end > this.size) throw new TreeRangeError(`range ${start}..${end} is outside a tree of ${this.size}`);
    if (isPowerOfTwo(n) && start % n === 0) return this.nodeHash(Math.log2(n), start / n);
    const k = largestPowerOfTwoBelow(n);
    return nodeHash(this.algorithm, this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  /** The root hash of the tree's first `size` leaves. */
  rootHash(size = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? emptyTreeRoot(this.algorithm) : this.rangeHash(0, size);
  }

  /** PATH(index, D[0:size]) of RFC 9162 2.1.3.1: the sibling hashes from the leaf up to the root. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new TreeRangeError(`leaf ${index} is not in a tree of ${size}`);
    }
    const path = (m: number, start: number, end: number): Buffer[] => {
      const n = end - start;
      if (n === 1) return [];
      const k = largestPowerOfTwoBelow(n);
      return m < k
        ? [...path(m, start, start + k), this.rangeHash(start + k, end)]
        : [...path(m - k, start + k, end), this.rangeHash(start, start + k)];
    };
    return path(index, 0, size);
  }

  /** PROOF(from, D[0:to]) of RFC 9162 2.1.4.1; empty when the sizes are equal or `from` is 0. */
  consistencyProof(from: number, to = this.size): Buffer[] {
    this.checkSize(to);
    if (!Number.isSafeInteger(from) || from < 0 || from > to) {
      throw new TreeRangeError(`cannot prove size ${from} consistent with size ${to}`);
    }
    if (from === 0 || from === to) return [];
    const subproof = (m: number, start: number, end: number, complete: boolean): Buffer[] => {
      const n = end - start;
      if (m === n) return complete ? [] : [this.rangeHash(start, end)];
      const k = largestPowerOfTwoBelow(n);
      return m <= k
        ? [...subproof(m, start, start + k, complete), this.rangeHash(start + k, end)]
        : [...subproof(m - k, start + k, end, false), this.rangeHash(start, start + k)];
    };
    return subproof(from, 0, to, true);
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new TreeRangeError(`size ${size} is outside a tree of ${this.size}`);
    }
  }
}
