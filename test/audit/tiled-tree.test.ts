/**
 * The tiled tree against an independent computation: roots, inclusion and consistency proofs of a tree grown in
 * uneven batches across tile boundaries (level 2 begins at 65,536 leaves) verify with the outside verifier's RFC 9162
 * checks and agree with a leaf-by-leaf root; tile paths are canonical.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TiledMerkleTree } from '../../domain/audit/merkle-proofs.js';
import { TileBuilder } from '../../domain/audit/tile-builder.js';
import { encodeTileIndex, parseTilePath, tilePath, tileWidth } from '../../domain/audit/tiles.js';
import { leafHash } from '../../domain/audit/tree-hash.js';
import { StreamingRoot, verifyConsistency, verifyInclusion } from '../../infra/audit-verifier/rfc9162.js';

const SIZE = 66_000;

function grow(size: number) {
  const tiles = new Map<string, Buffer>();
  const leaves: Buffer[] = [];
  let builder = new TileBuilder('sha256', 0, () => Buffer.alloc(0));
  const roots: Buffer[] = [];
  const streaming = new StreamingRoot('sha256');
  let batch = 1;
  while (leaves.length < size) {
    const hashes = Array.from({ length: Math.min(batch, size - leaves.length) }, (_, i) =>
      leafHash('sha256', Buffer.from(`leaf ${leaves.length + i}`)),
    );
    for (const h of hashes) {
      leaves.push(h);
      streaming.push(h);
    }
    for (const t of builder.append(hashes)) tiles.set(`${t.level}/${t.index}`, t.hashes);
    roots[leaves.length] = Buffer.from(streaming.root()!);
    // Now and then start again from what is stored, as a restarted projection does.
    if (batch % 7 === 0) {
      builder = new TileBuilder('sha256', leaves.length, (l, i) => tiles.get(`${l}/${i}`)!);
    }
    batch = (batch * 5 + 3) % 977;
  }
  const tree = new TiledMerkleTree('sha256', (l, i) => tiles.get(`${l}/${i}`) ?? null, size);
  return { tree, leaves, roots, tiles };
}

describe('R-SEC-1 tiled Merkle tree', () => {
  const { tree, leaves, roots, tiles } = grow(SIZE);

  it('stores level 0, 1 and 2 tiles of the widths tlog-tiles defines', () => {
    expect(tiles.get('0/0')!.length).toBe(8192);
    expect(tiles.get(`0/${Math.floor(SIZE / 256)}`)!.length).toBe((SIZE % 256) * 32);
    expect(tiles.get('1/0')!.length).toBe(8192);
    expect(tiles.get('1/1')!.length).toBe(tileWidth(SIZE, 1, 1) * 32);
    expect(tiles.get('2/0')!.length).toBe(32);
  });

  it('gives the root of every size a batch ended at', () => {
    for (const [size, root] of roots.entries())
      if (root) expect(tree.rootHash(size).equals(root), `size ${size}`).toBe(true);
  });

  it('gives inclusion proofs that verify, of ⌈log2 n⌉ hashes or fewer, and fail for another leaf', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SIZE }), fc.nat(), (size, seed) => {
        const index = seed % size;
        const root = tree.rootHash(size);
        const proof = tree.inclusionProof(index, size);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(size)));
        verifyInclusion('sha256', index, size, leaves[index]!, proof, root);
        const other = leaves[(index + 1) % size]!;
        if (size > 1) expect(() => verifyInclusion('sha256', index, size, other, proof, root)).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('gives consistency proofs that verify, and fail against a changed old root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: SIZE }), fc.integer({ min: 1, max: SIZE }), (a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a];
        const proof = tree.consistencyProof(from, to);
        verifyConsistency('sha256', from, to, proof, tree.rootHash(from), tree.rootHash(to));
        const forged = Buffer.from(tree.rootHash(from));
        forged[0]! ^= 1;
        expect(() => verifyConsistency('sha256', from, to, proof, forged, tree.rootHash(to))).toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('names tiles with canonical paths and refuses the others', () => {
    expect(encodeTileIndex(1234067)).toBe('x001/x234/067');
    expect(encodeTileIndex(0)).toBe('000');
    expect(tilePath(0, 1234067, 8)).toBe('tile/0/x001/x234/067.p/8');
    expect(tilePath('entries', 5)).toBe('tile/entries/005');
    expect(parseTilePath('0/x001/x234/067.p/8')).toEqual({ level: 0, index: 1234067, width: 8 });
    expect(parseTilePath('entries/005')).toEqual({ level: 'entries', index: 5, width: 256 });
    for (const bad of [
      '0/5',
      '0/x000/005',
      '00/005',
      '64/000',
      '0/005.p/0',
      '0/005.p/256',
      '0/005.p/08',
      '0/x005',
      '1/005/',
    ])
      expect(parseTilePath(bad), bad).toBeNull();
  });
});
