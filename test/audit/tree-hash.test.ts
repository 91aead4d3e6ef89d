/**
 * R-SEC-1, R-SEC-3: the fast hashing paths of the tree (digests copied out of latin1 strings, one reused input
 * buffer for leaves, a full tile hashed up in one work buffer) give exactly RFC 9162's hashes, H(0x00 ‖ leaf) and
 * H(0x01 ‖ left ‖ right), as computed here the plain way with createHash, for SHA-256 and SM3.
 */
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TileRootHasher } from '../../domain/audit/tile-builder.js';
import {
  LeafHasher,
  leafHash,
  leafHashOfText,
  nodeHash,
  TREE_HASH_ALGORITHMS,
  type TreeHashAlgorithm,
} from '../../domain/audit/tree-hash.js';

const plain = (algorithm: TreeHashAlgorithm, prefix: number, ...parts: Uint8Array[]) => {
  const h = createHash(algorithm).update(Buffer.from([prefix]));
  for (const part of parts) h.update(part);
  return h.digest();
};

function plainRoot(algorithm: TreeHashAlgorithm, hashes: Buffer[]): Buffer {
  if (hashes.length === 1) return hashes[0]!;
  const half = hashes.length / 2;
  return plain(algorithm, 1, plainRoot(algorithm, hashes.slice(0, half)), plainRoot(algorithm, hashes.slice(half)));
}

describe.each(TREE_HASH_ALGORITHMS)('R-SEC-1 R-SEC-3 tree hashes with %s', (algorithm) => {
  it('hashes leaves given as text or bytes, of any length, one after another through the same buffer', () => {
    const hasher = new LeafHasher(algorithm);
    const target = Buffer.alloc(64);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 3_000 }), fc.uint8Array({ maxLength: 5_000 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (leaves) => {
          for (const leaf of leaves) {
            const bytes = typeof leaf === 'string' ? Buffer.from(leaf, 'utf8') : leaf;
            const expected = plain(algorithm, 0, bytes);
            hasher.hashInto(leaf, target, 17);
            expect(target.subarray(17, 49).equals(expected)).toBe(true);
            expect(hasher.hash(leaf).equals(expected)).toBe(true);
            const shared = typeof leaf === 'string' ? leafHashOfText(algorithm, leaf) : leafHash(algorithm, leaf);
            expect(shared.equals(expected)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hashes nodes as H(0x01 ‖ left ‖ right)', () => {
    for (let i = 0; i < 50; i++) {
      const [left, right] = [randomBytes(32), randomBytes(32)];
      expect(nodeHash(algorithm, left, right).equals(plain(algorithm, 1, left, right))).toBe(true);
    }
  });

  it('hashes a full tile up to the root of its 256 hashes, again and again with the same work buffer', () => {
    const roots = new TileRootHasher(algorithm);
    for (let i = 0; i < 5; i++) {
      const tile = randomBytes(8192);
      const hashes = Array.from({ length: 256 }, (_, k) => tile.subarray(k * 32, (k + 1) * 32));
      const expected = plainRoot(algorithm, hashes);
      expect(roots.root(tile).equals(expected)).toBe(true);
      const target = Buffer.alloc(40);
      roots.rootInto(tile, target, 8);
      expect(target.subarray(8).equals(expected)).toBe(true);
    }
    expect(() => roots.root(Buffer.alloc(8160))).toThrow(/8192 bytes/);
  });
});
