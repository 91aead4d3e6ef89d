/**
 * Signs checkpoints of the audit tree: every `intervalMs` when the tree has grown, and whenever asked. Before it signs
 * it checks that the tree still extends the last checkpoint it signed (the root of the old size, recomputed from the
 * tiles as they are now, equals the signed one): a log must never sign two checkpoints no consistency proof can join
 * (tlog-checkpoint), and a tree rebuilt from a log that was changed underneath fails exactly here, so the platform
 * notices the tampering itself before any auditor does.
 */
import { checkpointText } from '../../domain/audit/checkpoint.js';
import type { NoteSigner } from '../../domain/audit/note-signer.js';
import type { AuditTree } from './audit-tree.js';
import type { CheckpointLog, SignedCheckpoint } from './checkpoint-log.js';

export class TreeForked extends Error {
  readonly code = 'AUDIT_TREE_FORKED';
  constructor(
    readonly signed: SignedCheckpoint,
    readonly recomputedRoot: Buffer,
  ) {
    super(
      `the audit tree no longer extends the checkpoint signed at size ${signed.size} (signed root ${signed.rootHash.toString('base64')}, the tree now gives ${recomputedRoot.toString('base64')}): the log was changed after it was committed; nothing more is signed`,
    );
    this.name = 'TreeForked';
  }
}

export interface CheckpointerOptions {
  tree: AuditTree;
  log: CheckpointLog;
  signer: NoteSigner;
  /** 0: sign only when asked. */
  intervalMs: number;
  clock?: () => Date;
  /** A failed timed signing (a fork, a full disk) is reported here; the timer keeps going. */
  onError?: (error: unknown) => void;
  /** Each new checkpoint, once stored (for metrics and waiting tests). */
  onSigned?: (checkpoint: SignedCheckpoint) => void;
}

export class Checkpointer {
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: () => Date;

  constructor(private readonly options: CheckpointerOptions) {
    this.clock = options.clock ?? (() => new Date());
    if (options.signer.name !== options.log.origin) {
      throw new Error(`the signing key is named ${options.signer.name}, the log's origin is ${options.log.origin}`);
    }
  }

  /**
   * Signs a checkpoint of the tree as it stands, unless the last one already has this size; returns the newest
   * checkpoint either way. Throws TreeForked (and signs nothing) when the tree does not extend the last one.
   */
  checkpointNow(): SignedCheckpoint {
    const { tree, log, signer } = this.options;
    let signed: SignedCheckpoint | null = null;
    const latest = log.exclusively(() => {
      const last = log.latest();
      const merkle = tree.merkleTree();
      if (last && merkle.size <= last.size) return last;
      if (last) {
        const recomputed = merkle.rootHash(last.size);
        if (!recomputed.equals(last.rootHash)) throw new TreeForked(last, recomputed);
      }
      const rootHash = merkle.rootHash(merkle.size);
      const text = checkpointText({ origin: log.origin, size: merkle.size, rootHash, algorithm: log.algorithm });
      signed = { size: merkle.size, rootHash, note: signer.sign(text), signedAt: this.clock().toISOString() };
      log.record(signed);
      return signed;
    });
    if (signed) this.options.onSigned?.(signed);
    return latest;
  }

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      try {
        this.checkpointNow();
      } catch (error) {
        this.options.onError?.(error);
      }
    }, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
