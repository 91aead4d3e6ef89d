/**
 * Proofs computed by the verifier itself from the tiles it fetched, as a tlog-tiles client does (the log serves no
 * proofs): the hash of any complete subtree is read from its tile, or hashed up from at most 128 hashes of the tile
 * below, and RFC 9162's PATH and SUBPROOF recursions assemble inclusion and consistency proofs. The proofs are then
 * checked with rfc9162.ts against the signed roots, so a tile that lies fails the check.
 */
import { nodeHash, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import { widthOf } from './tile-path.js';
import type { TlogClient } from './tlog-client.js';

export class TileProofs {
  private readonly tiles = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly client: TlogClient,
    private readonly algorithm: TreeHashAlgorithm,
    /** The size of the verified checkpoint: only tiles it implies are fetched. */
    private readonly size: number,
  ) {}

  private tile(level: number, index: number): Promise<Buffer> {
    const key = `${level}/${index}`;
    let tile = this.tiles.get(key);
    if (!tile) {
      tile = this.client.tile(level, index, widthOf(this.size, level, index));
      this.tiles.set(key, tile);
    }
    return tile;
  }

  private async node(height: number, index: number): Promise<Uint8Array> {
    const level = Math.floor(height / 8);
    const span = 2 ** (height % 8);
    const first = index * span;
    const tile = await this.tile(level, Math.floor(first / 256));
    const offset = first % 256;
    let row: Uint8Array[] = [];
    for (let i = 0; i < span; i++) row.push(tile.subarray((offset + i) * 32, (offset + i + 1) * 32));
    while (row.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < row.length; i += 2) next.push(nodeHash(this.algorithm, row[i]!, row[i + 1]!));
      row = next;
    }
    if (row[0]!.length !== 32) throw new Error(`tile ${level}/${Math.floor(first / 256)} is too short`);
    return row[0]!;
  }

  /** MTH(D[start:end]). */
  private async mth(start: number, end: number): Promise<Uint8Array> {
    const n = end - start;
    const height = Math.log2(n);
    if (Number.isInteger(height) && start % n === 0) return this.node(height, start / n);
    let k = 1;
    while (k * 2 < n) k *= 2;
    return nodeHash(this.algorithm, await this.mth(start, start + k), await this.mth(start + k, end));
  }

  async inclusion(index: number): Promise<Uint8Array[]> {
    const path = async (m: number, start: number, end: number): Promise<Uint8Array[]> => {
      const n = end - start;
      if (n === 1) return [];
      let k = 1;
      while (k * 2 < n) k *= 2;
      return m < k
        ? [...(await path(m, start, start + k)), await this.mth(start + k, end)]
        : [...(await path(m - k, start + k, end)), await this.mth(start, start + k)];
    };
    return path(index, 0, this.size);
  }

  async consistency(from: number): Promise<Uint8Array[]> {
    const subproof = async (m: number, start: number, end: number, complete: boolean): Promise<Uint8Array[]> => {
      const n = end - start;
      if (m === n) return complete ? [] : [await this.mth(start, end)];
      let k = 1;
      while (k * 2 < n) k *= 2;
      return m <= k
        ? [...(await subproof(m, start, start + k, complete)), await this.mth(start + k, end)]
        : [...(await subproof(m - k, start + k, end, false)), await this.mth(start, start + k)];
    };
    return from === this.size ? [] : subproof(from, 0, this.size, true);
  }
}
