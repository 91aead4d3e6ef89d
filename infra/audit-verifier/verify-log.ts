/**
 * One verification run against a log, with a pinned verifier key and origin:
 *
 *  1. the checkpoint's signature by the pinned key, its origin, its hash algorithm;
 *  2. no rollback: its size is not below the last checkpoint this verifier trusted;
 *  3. either a full audit (every entry bundle fetched, every entry hashed, the tree rebuilt and its root compared with
 *     the checkpoint's; each entry also compared with the leaf the tree holds, and with the leaf this verifier itself
 *     computed last time), or the inclusion of chosen leaves (proofs built from tiles, checked against the root);
 *  4. consistency with the trusted checkpoint (in a full audit, the root of the trusted size recomputed from the
 *     entries; otherwise a consistency proof built from tiles);
 *  5. only when all of that holds, the checkpoint (and the recomputed leaves) become the new trusted state.
 *
 * Every problem names its leaf (index, stream, revision, position, event id) or its checkpoint; the first, in leaf
 * order, is the one reported first.
 */
import canonicalize from 'canonicalize';
import { emptyTreeRoot as emptyRoot, leafHash, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import { type Checkpoint, NoteError, openNote, parseCheckpoint, type VerifierKey } from './note.js';
import { ProofError, StreamingRoot, verifyConsistency, verifyInclusion } from './rfc9162.js';
import { widthOf } from './tile-path.js';
import { TileProofs } from './tile-proofs.js';
import type { TlogClient } from './tlog-client.js';
import type { TrustedStateStore } from './trusted-state.js';

export interface Problem {
  /** For ordering: the leaf concerned, or Infinity for the checkpoint as a whole. */
  leaf: number;
  /** `leaf 41 (resource-x@3, position 42, event …)` or `checkpoint 30 (…)`. */
  where: string;
  message: string;
}

export interface VerifyOptions {
  client: TlogClient;
  key: VerifierKey;
  origin: string;
  state: TrustedStateStore;
  /** Leaves whose inclusion to check; omitted: a full audit. */
  leaves?: number[];
  /** Refuse a log whose checkpoints name another hash. */
  algorithm?: TreeHashAlgorithm;
  log?: (line: string) => void;
}

export interface VerifyResult {
  ok: boolean;
  checkpoint: Checkpoint | null;
  trusted: Checkpoint | null;
  problems: Problem[];
  entriesChecked: number;
}

function describeEntry(index: number, entry: Buffer | undefined): string {
  if (!entry) return `leaf ${index}`;
  try {
    const e = JSON.parse(entry.toString('utf8')) as Record<string, unknown>;
    return `leaf ${index} (${String(e.stream)}@${String(e.revision)}, position ${String(e.position)}, ${String(e.type)}, event ${String(e.id)})`;
  } catch {
    return `leaf ${index} (an entry that is not JSON)`;
  }
}

const describeCheckpoint = (c: Checkpoint) => `checkpoint ${c.size} (root ${c.rootHash.toString('base64')})`;

export async function verifyLog(options: VerifyOptions): Promise<VerifyResult> {
  const { client, key, origin, state } = options;
  const say = options.log ?? (() => {});
  const problems: Problem[] = [];
  const result = (checkpoint: Checkpoint | null, trusted: Checkpoint | null, entriesChecked = 0): VerifyResult => ({
    ok: problems.length === 0,
    checkpoint,
    trusted,
    problems: problems.sort((a, b) => a.leaf - b.leaf),
    entriesChecked,
  });

  // 1. The checkpoint, through the pinned key only.
  const note = await client.checkpoint();
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(note, key), note);
  } catch (error) {
    if (!(error instanceof NoteError)) throw error;
    problems.push({ leaf: Infinity, where: 'the served checkpoint', message: error.message });
    return result(null, null);
  }
  if (checkpoint.origin !== origin) {
    problems.push({
      leaf: Infinity,
      where: describeCheckpoint(checkpoint),
      message: `its origin is ${checkpoint.origin}, not the pinned ${origin}`,
    });
    return result(checkpoint, null);
  }
  if (options.algorithm && checkpoint.algorithm !== options.algorithm) {
    problems.push({
      leaf: Infinity,
      where: describeCheckpoint(checkpoint),
      message: `it is hashed with ${checkpoint.algorithm}, not ${options.algorithm}`,
    });
    return result(checkpoint, null);
  }
  const algorithm = checkpoint.algorithm;
  say(
    `checkpoint: ${checkpoint.origin}, ${checkpoint.size} entries, root ${checkpoint.rootHash.toString('base64')} (${algorithm}), signature verified`,
  );

  // 2. The trusted state, itself re-verified.
  const saved = state.load();
  let trusted: Checkpoint | null = null;
  let trustedLeaves: Buffer = Buffer.alloc(0);
  if (saved) {
    try {
      trusted = parseCheckpoint(openNote(saved.note, key), saved.note);
      trustedLeaves = saved.leaves;
    } catch {
      problems.push({
        leaf: Infinity,
        where: `the trusted state in ${state.directory}`,
        message: 'it does not verify with the pinned key',
      });
      return result(checkpoint, null);
    }
    say(`trusted: checkpoint ${trusted.size} (root ${trusted.rootHash.toString('base64')})`);
    if (trusted.algorithm !== algorithm) {
      problems.push({
        leaf: Infinity,
        where: describeCheckpoint(checkpoint),
        message: `it is hashed with ${algorithm}; the trusted checkpoint with ${trusted.algorithm}`,
      });
      return result(checkpoint, trusted);
    }
    if (checkpoint.size < trusted.size) {
      problems.push({
        leaf: Infinity,
        where: describeCheckpoint(checkpoint),
        message: `the log went back: it is smaller than the trusted ${describeCheckpoint(trusted)} (a rollback)`,
      });
    }
  }

  let leavesToKeep: Buffer | null = null;
  let entriesChecked = 0;
  if (!options.leaves) {
    // 3. Full audit.
    const rebuilt = new StreamingRoot(algorithm);
    const fromTiles = new StreamingRoot(algorithm);
    let rootAtTrusted: Uint8Array | null = null;
    const leafHashes = Buffer.alloc(checkpoint.size * 32);
    const bundles = Math.ceil(checkpoint.size / 256);
    const fetchBundle = (n: number) => {
      const width = widthOf(checkpoint.size, 0, n);
      return Promise.all([client.entries(n, width), client.tile(0, n, width)]);
    };
    const window: Promise<[Buffer[], Buffer]>[] = [];
    for (let n = 0; n < Math.min(8, bundles); n++) window.push(fetchBundle(n));
    for (let n = 0; n < bundles; n++) {
      const [entries, tile] = await window.shift()!;
      if (n + 8 < bundles) window.push(fetchBundle(n + 8));
      const width = widthOf(checkpoint.size, 0, n);
      if (entries.length > width) {
        problems.push({
          leaf: n * 256 + width - 1,
          where: `entry bundle ${n}`,
          message: `it holds ${entries.length} entries where the tree has ${width}`,
        });
      }
      for (let k = 0; k < width; k++) {
        const index = n * 256 + k;
        const entry = entries[k];
        const committed = tile.subarray(k * 32, (k + 1) * 32);
        fromTiles.push(committed);
        const hash = entry ? leafHash(algorithm, entry) : Buffer.alloc(32);
        hash.copy(leafHashes, index * 32);
        rebuilt.push(hash);
        if (!entry) {
          problems.push({
            leaf: index,
            where: describeEntry(index, entry),
            message: `missing: the log serves ${entries.length} entries for bundle ${n}, the tree holds ${width} leaves`,
          });
        } else {
          entriesChecked++;
          if (!hash.equals(committed)) {
            problems.push({
              leaf: index,
              where: describeEntry(index, entry),
              message: "its entry does not hash to the tree's leaf",
            });
          }
          if (!isCanonical(entry)) {
            problems.push({
              leaf: index,
              where: describeEntry(index, entry),
              message: 'its entry is not canonical JSON (RFC 8785)',
            });
          }
        }
        if (index * 32 < trustedLeaves.length && !hash.equals(trustedLeaves.subarray(index * 32, (index + 1) * 32))) {
          problems.push({
            leaf: index,
            where: describeEntry(index, entry),
            message: `it differs from the leaf this verifier computed for the trusted checkpoint ${trusted?.size}`,
          });
        }
        if (trusted && rebuilt.size === trusted.size) rootAtTrusted = rebuilt.root();
      }
    }
    const rebuiltRoot = rebuilt.root() ?? emptyRoot(algorithm);
    if (!Buffer.from(rebuiltRoot).equals(checkpoint.rootHash)) {
      problems.push({
        leaf: Infinity,
        where: describeCheckpoint(checkpoint),
        message: `the entries rebuild another root, ${Buffer.from(rebuiltRoot).toString('base64')}`,
      });
    }
    const tilesRoot = fromTiles.root() ?? emptyRoot(algorithm);
    if (!Buffer.from(tilesRoot).equals(checkpoint.rootHash)) {
      problems.push({
        leaf: Infinity,
        where: describeCheckpoint(checkpoint),
        message: 'its own tiles do not give its root',
      });
    }
    // 4. Consistency, from the entries themselves.
    if (trusted && trusted.size > 0 && trusted.size <= checkpoint.size && rootAtTrusted) {
      if (!Buffer.from(rootAtTrusted).equals(trusted.rootHash)) {
        problems.push({
          leaf: Infinity,
          where: describeCheckpoint(checkpoint),
          message: `it does not extend the trusted ${describeCheckpoint(trusted)}: its first ${trusted.size} entries give root ${Buffer.from(rootAtTrusted).toString('base64')} (a fork)`,
        });
      }
    }
    leavesToKeep = leafHashes;
    say(`full audit: ${entriesChecked} entries hashed, tree rebuilt`);
  } else {
    // 3'. Inclusion of chosen leaves.
    const proofs = new TileProofs(client, algorithm, checkpoint.size);
    for (const index of options.leaves) {
      if (index < 0 || index >= checkpoint.size) {
        problems.push({
          leaf: index,
          where: `leaf ${index}`,
          message: `not in the checkpoint of ${checkpoint.size} entries`,
        });
        continue;
      }
      const n = Math.floor(index / 256);
      const entries = await client.entries(n, widthOf(checkpoint.size, 0, n));
      const entry = entries[index % 256];
      if (!entry) {
        problems.push({ leaf: index, where: describeEntry(index, entry), message: 'missing from its entry bundle' });
        continue;
      }
      entriesChecked++;
      const hash = leafHash(algorithm, entry);
      try {
        verifyInclusion(algorithm, index, checkpoint.size, hash, await proofs.inclusion(index), checkpoint.rootHash);
        say(`${describeEntry(index, entry)}: included`);
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        problems.push({ leaf: index, where: describeEntry(index, entry), message: `not included: ${error.message}` });
      }
      if (index * 32 < trustedLeaves.length && !hash.equals(trustedLeaves.subarray(index * 32, (index + 1) * 32))) {
        problems.push({
          leaf: index,
          where: describeEntry(index, entry),
          message: `it differs from the leaf this verifier computed for the trusted checkpoint ${trusted?.size}`,
        });
      }
    }
    // 4'. Consistency by proof.
    if (trusted && trusted.size > 0 && trusted.size <= checkpoint.size) {
      try {
        const proof = await proofs.consistency(trusted.size);
        verifyConsistency(algorithm, trusted.size, checkpoint.size, proof, trusted.rootHash, checkpoint.rootHash);
        say(`consistent with the trusted checkpoint ${trusted.size}`);
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        problems.push({
          leaf: Infinity,
          where: describeCheckpoint(checkpoint),
          message: `it does not extend the trusted ${describeCheckpoint(trusted)}: ${error.message} (a fork)`,
        });
      }
    }
  }

  // 5. Trust moves forward only over a log that held.
  if (problems.length === 0) {
    state.save(origin, key.text, note, leavesToKeep);
  }
  return result(checkpoint, trusted, entriesChecked);
}

function isCanonical(entry: Buffer): boolean {
  try {
    return canonicalize(JSON.parse(entry.toString('utf8'))) === entry.toString('utf8');
  } catch {
    return false;
  }
}
