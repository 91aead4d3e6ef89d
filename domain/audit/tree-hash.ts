/**
 * The hashing primitives of the audit log's Merkle tree, as RFC 9162 (section 2.1.1) defines them: a leaf is hashed as
 * H(0x00 ‖ leaf) and an interior node as H(0x01 ‖ left ‖ right), so that no leaf can pass for a node. SHA-256 is the
 * default; SM3 (GB/T 32905, the national algorithm R-SEC-3 asks for) gives the same 32-byte hashes and so the same tree
 * shapes and tile sizes. The algorithm is a property of the log, named in every checkpoint it signs.
 *
 * This is the only code the server and the outside verifier share: everything else the verifier does is its own, so
 * that a fault in the server's proofs cannot hide behind the same fault in the check.
 */
import { getHashes, hash } from 'node:crypto';

export const TREE_HASH_ALGORITHMS = ['sha256', 'sm3'] as const;
export type TreeHashAlgorithm = (typeof TREE_HASH_ALGORITHMS)[number];

/** Both algorithms give 32 bytes, which is what tlog-tiles' 8,192-byte full tiles assume. */
export const HASH_SIZE = 32;

export function isTreeHashAlgorithm(value: string): value is TreeHashAlgorithm {
  return (TREE_HASH_ALGORITHMS as readonly string[]).includes(value);
}

/** Refuses an algorithm this Node's OpenSSL lacks (SM3 can be compiled out) before anything is hashed with it. */
export function requireTreeHashAlgorithm(algorithm: string): TreeHashAlgorithm {
  if (!isTreeHashAlgorithm(algorithm)) {
    throw new Error(`unknown tree hash algorithm ${algorithm}; known: ${TREE_HASH_ALGORITHMS.join(', ')}`);
  }
  if (!getHashes().includes(algorithm)) throw new Error(`this Node.js has no ${algorithm} (OpenSSL built without it)`);
  return algorithm;
}

/** H(0x00 ‖ leaf). */
export function leafHash(algorithm: TreeHashAlgorithm, leaf: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(leaf.length + 1);
  input[0] = 0x00;
  input.set(leaf, 1);
  return hash(algorithm, input, 'buffer');
}

/** H(0x00 ‖ UTF-8 of text), without an intermediate copy of the encoded text. */
export function leafHashOfText(algorithm: TreeHashAlgorithm, text: string): Buffer {
  const input = Buffer.allocUnsafe(Buffer.byteLength(text) + 1);
  input[0] = 0x00;
  input.write(text, 1, 'utf8');
  return hash(algorithm, input, 'buffer');
}

// Interior nodes are hashed millions of times while a tree is built: one scratch buffer, not an allocation each.
const nodeInput = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(algorithm: TreeHashAlgorithm, left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash(algorithm, nodeInput, 'buffer');
}

/** The root of the empty tree: the hash of no bytes at all (RFC 9162, 2.1.1). */
export function emptyTreeRoot(algorithm: TreeHashAlgorithm): Buffer {
  return hash(algorithm, Buffer.alloc(0), 'buffer');
}
