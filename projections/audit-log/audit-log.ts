/**
 * The audit log as one piece for the composition root: the tree projection, the record of signed checkpoints, the
 * checkpointer and the read side, over the files `audit-tree.sqlite` (a read model, rebuilt at will) and
 * `audit-checkpoints.sqlite` (never rebuilt) in the data directory.
 */
import type { NoteSigner } from '../../domain/audit/note-signer.js';
import type { TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import type { EventStore } from '../../domain/event-store/port.js';
import type { Projection } from '../runner/projection.js';
import { AuditLogReader } from './audit-log-reader.js';
import { type AuditTree, openAuditTree } from './audit-tree.js';
import { type CheckpointLog, openCheckpointLog, type SignedCheckpoint } from './checkpoint-log.js';
import { Checkpointer } from './checkpointer.js';

export interface AuditLogOptions {
  algorithm: TreeHashAlgorithm;
  /** Its key name is the log's origin. */
  signer: NoteSigner;
  /** How often a grown tree is signed; 0 signs only on demand. */
  checkpointIntervalMs: number;
  clock?: () => Date;
  onCheckpointError?: (error: unknown) => void;
  onCheckpoint?: (checkpoint: SignedCheckpoint) => void;
}

export interface AuditLog {
  tree: AuditTree;
  checkpoints: CheckpointLog;
  checkpointer: Checkpointer;
  reader: AuditLogReader;
  /** For a ProjectionRunner: every event of the log becomes a leaf. */
  projection(): Projection;
  close(): void;
}

export function openAuditLog(dataDir: string, store: EventStore, options: AuditLogOptions): AuditLog {
  const tree = openAuditTree(dataDir, options.algorithm);
  let checkpoints: CheckpointLog;
  try {
    checkpoints = openCheckpointLog(dataDir, options.signer.name, options.algorithm);
  } catch (error) {
    tree.close();
    throw error;
  }
  const checkpointer = new Checkpointer({
    tree,
    log: checkpoints,
    signer: options.signer,
    intervalMs: options.checkpointIntervalMs,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.onCheckpointError ? { onError: options.onCheckpointError } : {}),
    ...(options.onCheckpoint ? { onSigned: options.onCheckpoint } : {}),
  });
  return {
    tree,
    checkpoints,
    checkpointer,
    reader: new AuditLogReader(store, tree, checkpoints),
    projection: () => tree.projection(),
    close() {
      checkpointer.stop();
      tree.close();
      checkpoints.close();
    },
  };
}
