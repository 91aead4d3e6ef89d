/**
 * The text of a checkpoint (C2SP tlog-checkpoint): the origin (the log's identity), the tree size in decimal, the
 * root hash in base64, then extension lines. The project adds one, `hash <algorithm>`, on every checkpoint it signs,
 * because tlog-tiles assumes SHA-256 and an SM3 log (R-SEC-3) must say so where it is signed; extension lines are
 * covered by the Ed25519 signature.
 */
import type { TreeHashAlgorithm } from './tree-hash.js';

export interface CheckpointBody {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  algorithm: TreeHashAlgorithm;
}

export function checkpointText({ origin, size, rootHash, algorithm }: CheckpointBody): string {
  if (!origin || /[\n]/.test(origin)) throw new Error('a checkpoint origin is one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad tree size ${size}`);
  return `${origin}\n${size}\n${Buffer.from(rootHash).toString('base64')}\nhash ${algorithm}\n`;
}
