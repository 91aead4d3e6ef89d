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

/*
 * How a digest leaves crypto.hash matters more here than the digest itself: `'buffer'` output makes a new ArrayBuffer
 * per call, which costs more than hashing a 65-byte node (measured on a loaded 2-core machine: 5.5 µs a call
 * against 2 µs), while `'binary'` (latin1) output is a string of one byte per character, copied into its place (a
 * tile, or a Buffer from the pool) by a plain loop, cheaper here than Buffer#write. Same bytes, so the same tree.
 */

/** Copies a digest given as a latin1 string into `target` at `offset`. */
function put(digest: string, target: Uint8Array, offset: number): void {
  for (let i = 0; i < HASH_SIZE; i++) target[offset + i] = digest.charCodeAt(i);
}

/** Writes `hash(algorithm, input)` into `target` at `offset`. */
export function hashInto(algorithm: TreeHashAlgorithm, input: Uint8Array, target: Uint8Array, offset: number): void {
  put(hash(algorithm, input, 'binary'), target, offset);
}

function digest(algorithm: TreeHashAlgorithm, input: Uint8Array): Buffer {
  return Buffer.from(hash(algorithm, input, 'binary'), 'latin1');
}

/**
 * Hashes leaves, H(0x00 ‖ leaf), through one input buffer it keeps: no allocation per leaf for the prefixed copy (a
 * leaf given as text is UTF-8 encoded straight into it, after the 0x00), and one view of it per input length, kept.
 */
export class LeafHasher {
  private input = Buffer.allocUnsafe(0);
  private views: Uint8Array[] = [];

  constructor(readonly algorithm: TreeHashAlgorithm) {
    this.grow(4096);
  }

  private grow(size: number): void {
    this.input = Buffer.allocUnsafe(size);
    this.input[0] = 0x00;
    this.views = [];
  }

  /** The prefixed leaf, in the input buffer. */
  private load(leaf: string | Uint8Array): Uint8Array {
    // UTF-8 takes at most three bytes per UTF-16 code unit, so encoding into this much is never cut short.
    const room = typeof leaf === 'string' ? 3 * leaf.length + 1 : leaf.length + 1;
    if (room > this.input.length) this.grow(Math.max(room, 2 * this.input.length));
    let length: number;
    if (typeof leaf === 'string') length = this.input.write(leaf, 1, 'utf8') + 1;
    else {
      this.input.set(leaf, 1);
      length = leaf.length + 1;
    }
    let view = this.views[length];
    if (!view) {
      view = new Uint8Array(this.input.buffer, this.input.byteOffset, length);
      this.views[length] = view;
    }
    return view;
  }

  /** Writes H(0x00 ‖ leaf) into `target` at `offset`; text is hashed as its UTF-8 bytes. */
  hashInto(leaf: string | Uint8Array, target: Uint8Array, offset: number): void {
    hashInto(this.algorithm, this.load(leaf), target, offset);
  }

  hash(leaf: string | Uint8Array): Buffer {
    return digest(this.algorithm, this.load(leaf));
  }
}

const leafHashers = new Map<TreeHashAlgorithm, LeafHasher>();
function leafHasher(algorithm: TreeHashAlgorithm): LeafHasher {
  let hasher = leafHashers.get(algorithm);
  if (!hasher) {
    hasher = new LeafHasher(algorithm);
    leafHashers.set(algorithm, hasher);
  }
  return hasher;
}

/** H(0x00 ‖ leaf). */
export function leafHash(algorithm: TreeHashAlgorithm, leaf: Uint8Array): Buffer {
  return leafHasher(algorithm).hash(leaf);
}

/** H(0x00 ‖ UTF-8 of text), without an intermediate copy of the encoded text. */
export function leafHashOfText(algorithm: TreeHashAlgorithm, text: string): Buffer {
  return leafHasher(algorithm).hash(text);
}

// Interior nodes are hashed millions of times while a tree is built: one scratch buffer, not an allocation each.
const nodeInput = Buffer.allocUnsafe(1 + 2 * HASH_SIZE);
nodeInput[0] = 0x01;

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(algorithm: TreeHashAlgorithm, left: Uint8Array, right: Uint8Array): Buffer {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return digest(algorithm, nodeInput);
}

/** The root of the empty tree: the hash of no bytes at all (RFC 9162, 2.1.1). */
export function emptyTreeRoot(algorithm: TreeHashAlgorithm): Buffer {
  return hash(algorithm, Buffer.alloc(0), 'buffer');
}
