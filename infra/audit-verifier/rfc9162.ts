/**
 * The verifier's own Merkle tree arithmetic, written from RFC 9162 (sections 2.1.1, 2.1.3.2 and 2.1.4.2) and not from
 * the server's code: the root of a run of leaves, and the checks of inclusion and consistency proofs, every step as
 * the RFC lists it. The only thing shared with the server is the hash function itself.
 *
 * Sizes and indexes may pass 2^32, so halving is arithmetic, never a bitwise shift.
 */
import { HASH_SIZE, nodeHash, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';

export class ProofError extends Error {
  readonly code = 'PROOF_INVALID';
}

const isOdd = (n: number) => n % 2 === 1;
const half = (n: number) => Math.floor(n / 2);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function checkHashes(hashes: readonly Uint8Array[], what: string): void {
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new ProofError(`${what}[${i}] is ${h.length} bytes, not ${HASH_SIZE}`);
  });
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofError(`${what} ${n} is not a tree size`);
}

/** RFC 9162 2.1.3.2. Throws ProofError naming the step that failed. */
export function verifyInclusion(
  algorithm: TreeHashAlgorithm,
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkSize(leafIndex, 'leaf index');
  checkSize(treeSize, 'tree size');
  if (leafIndex >= treeSize) throw new ProofError(`leaf ${leafIndex} is not in a tree of ${treeSize}`);
  if (leafHash.length !== HASH_SIZE) throw new ProofError(`the leaf hash is ${leafHash.length} bytes`);
  checkHashes(proof, 'inclusion proof');
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('the inclusion proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(algorithm, p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(algorithm, r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('the inclusion proof is shorter than the path to the root');
  if (!sameBytes(r, root)) throw new ProofError('the inclusion proof does not lead to the root hash');
}

/** RFC 9162 2.1.4.2, with the size-0 and equal-size cases as transparency-dev's vectors settle them. */
export function verifyConsistency(
  algorithm: TreeHashAlgorithm,
  first: number,
  second: number,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): void {
  checkSize(first, 'first size');
  checkSize(second, 'second size');
  if (second < first) throw new ProofError(`size ${second} cannot extend size ${first}`);
  if (first === 0) throw new ProofError('a consistency proof from the empty tree proves nothing');
  if (first === second) {
    if (proof.length > 0) throw new ProofError('equal sizes need an empty proof');
    if (!sameBytes(firstRoot, secondRoot)) throw new ProofError('equal sizes, different root hashes');
    return;
  }
  // Step 1.
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  checkHashes(proof, 'consistency proof');
  if (firstRoot.length !== HASH_SIZE || secondRoot.length !== HASH_SIZE) {
    throw new ProofError('a root hash is not 32 bytes');
  }
  // Step 2.
  const path = 2 ** Math.round(Math.log2(first)) === first ? [firstRoot, ...proof] : [...proof];
  // Steps 3-4.
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('the consistency proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(algorithm, c, fr);
      sr = nodeHash(algorithm, c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(algorithm, sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw new ProofError('the consistency proof is shorter than the path to the root');
  if (!sameBytes(fr, firstRoot)) throw new ProofError(`the proof does not rebuild the root of size ${first}`);
  if (!sameBytes(sr, secondRoot)) throw new ProofError(`the proof does not rebuild the root of size ${second}`);
}

/**
 * The root of a log computed leaf by leaf (RFC 9162 2.1.1's MTH), keeping one hash per set bit of the size: memory
 * stays at 64 hashes however long the log. `rootAt()` can be read at any point, so one pass over the entries gives
 * the root of every size the verifier needs (the checkpoint's and the trusted one's).
 */
export class StreamingRoot {
  private readonly stack: { height: number; hash: Uint8Array }[] = [];
  size = 0;

  constructor(private readonly algorithm: TreeHashAlgorithm) {}

  push(leafHash: Uint8Array): void {
    let node = { height: 0, hash: leafHash };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.height === node.height) {
      const left = this.stack.pop()!;
      node = { height: node.height + 1, hash: nodeHash(this.algorithm, left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  /** MTH of the leaves pushed so far; null for none (the empty root is the caller's to know). */
  root(): Uint8Array | null {
    if (this.stack.length === 0) return null;
    let hash = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) hash = nodeHash(this.algorithm, this.stack[i]!.hash, hash);
    return hash;
  }
}
