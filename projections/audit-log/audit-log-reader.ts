/**
 * The read side of the audit log, for the tlog-tiles routes and for the API's proofs: signed checkpoints, tiles,
 * entry bundles, and inclusion and consistency proofs against signed checkpoints.
 *
 * Entries are read from the event store every time, by the tree's leaf → position mapping: leaf i of a bundle is the
 * event that follows, in `$all` order, the position of leaf i - 1. Nothing is kept beside the tree to serve them, so a
 * changed, deleted, inserted or moved event shows as an entry that no longer hashes to its leaf.
 */
import { eventLeafText } from '../../domain/audit/event-leaf.js';
import { TILE_WIDTH, tileWidth } from '../../domain/audit/tiles.js';
import { HASH_SIZE, leafHashOfText, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { AuditTree } from './audit-tree.js';
import type { CheckpointLog, SignedCheckpoint } from './checkpoint-log.js';

export interface InclusionProof {
  /** The event's place in `$all`: its leaf. */
  leafIndex: number;
  position: Position;
  eventId: string;
  /** The event as the store holds it now, canonically encoded: the leaf an auditor hashes (UTF-8, then H(0x00 ‖ …)). */
  entry: string;
  /** The leaf hash the tree committed to (base64); differs from the entry's hash when the event was changed since. */
  leafHash: string;
  entryMatchesLeaf: boolean;
  treeSize: number;
  /** Sibling hashes from the leaf up (base64), RFC 9162 2.1.3. */
  hashes: string[];
  /** The signed checkpoint of `treeSize` the proof leads to. */
  checkpoint: string;
}

export interface ConsistencyProof {
  fromSize: number;
  toSize: number;
  /** RFC 9162 2.1.4 (base64); empty when the sizes are equal. */
  hashes: string[];
  fromCheckpoint: string;
  toCheckpoint: string;
}

const notFound = (what: string, en: string) => new DomainError('NOT_FOUND', 'NOT_FOUND', what, en, [], 'R-SEC-1');

export class AuditLogReader {
  constructor(
    private readonly store: EventStore,
    private readonly tree: AuditTree,
    private readonly checkpoints: CheckpointLog,
  ) {}

  get origin(): string {
    return this.checkpoints.origin;
  }

  get algorithm(): TreeHashAlgorithm {
    return this.checkpoints.algorithm;
  }

  /** Leaves the tree holds now (the latest checkpoint may cover fewer). */
  treeSize(): number {
    return this.tree.size();
  }

  latestCheckpoint(): SignedCheckpoint | null {
    return this.checkpoints.latest();
  }

  checkpoint(size: number): SignedCheckpoint | null {
    return this.checkpoints.ofSize(size);
  }

  /** Newest first, paged by size. */
  listCheckpoints(first?: number, beforeSize?: number): SignedCheckpoint[] {
    return this.checkpoints.list(first, beforeSize);
  }

  /** The tile's `width` first hashes, or null when the tree does not have that many in it yet. */
  tile(level: number, index: number, width: number): Buffer | null {
    if (tileWidth(this.tree.size(), level, index) < width) return null;
    const stored = this.tree.tile(level, index);
    if (!stored || stored.length < width * HASH_SIZE) return null;
    return stored.subarray(0, width * HASH_SIZE);
  }

  /**
   * The canonical entries of leaves `index * 256` onwards, at most `width`, as the event store holds them now; null when
   * the tree does not have that many leaves there. Fewer than `width` come back when the store has lost events since.
   */
  async entryBundle(index: number, width: number): Promise<string[] | null> {
    if (tileWidth(this.tree.size(), 0, index) < width) return null;
    const first = index * TILE_WIDTH;
    const after = first === 0 ? undefined : this.tree.leafPosition(first - 1);
    if (after === null) return null;
    const events = await this.store.readAll({ maxCount: width, ...(after === undefined ? {} : { after }) });
    return events.map(eventLeafText);
  }

  /**
   * The inclusion proof of the event at `position` in the checkpoint of `checkpointSize`, or by default in the first
   * signed checkpoint that covers it.
   */
  async inclusionProof(position: Position, checkpointSize?: number): Promise<InclusionProof> {
    const leafIndex = this.tree.leafIndexOf(position);
    if (leafIndex === null) {
      throw notFound(
        `审计日志中没有位置 ${position} 的事件`,
        `no event at position ${position} in the audit tree (yet)`,
      );
    }
    const checkpoint =
      checkpointSize === undefined
        ? this.checkpoints.firstCovering(leafIndex + 1)
        : this.checkpoints.ofSize(checkpointSize);
    if (!checkpoint || checkpoint.size <= leafIndex) {
      throw notFound(
        `尚无覆盖第 ${leafIndex} 条日志的签名检查点`,
        checkpointSize === undefined
          ? `no signed checkpoint covers leaf ${leafIndex} yet`
          : `no signed checkpoint of size ${checkpointSize} covers leaf ${leafIndex}`,
      );
    }
    const [event] = await this.store.readAll({ maxCount: 1, ...(position > 0 ? { after: position - 1 } : {}) });
    if (!event || event.position !== position) {
      throw notFound(`事件存储中没有位置 ${position} 的事件`, `the event store holds no event at position ${position}`);
    }
    return this.proofOf(event, leafIndex, checkpoint);
  }

  /** Inclusion proofs of every event of a stream (a resource's), as the store holds it now. */
  async streamProofs(streamId: string, checkpointSize?: number): Promise<InclusionProof[]> {
    return this.inclusionProofs(await this.store.readStream(streamId), checkpointSize);
  }

  /** Inclusion proofs of events already read (a resource's stream, say), against one checkpoint or each's first. */
  async inclusionProofs(events: readonly RecordedEvent[], checkpointSize?: number): Promise<InclusionProof[]> {
    return Promise.all(events.map((e) => this.inclusionProof(e.position, checkpointSize)));
  }

  private proofOf(event: RecordedEvent, leafIndex: number, checkpoint: SignedCheckpoint): InclusionProof {
    const merkle = this.tree.merkleTree();
    const entry = eventLeafText(event);
    const committed = Buffer.from(
      this.tree
        .tile(0, Math.floor(leafIndex / TILE_WIDTH))!
        .subarray((leafIndex % TILE_WIDTH) * HASH_SIZE, ((leafIndex % TILE_WIDTH) + 1) * HASH_SIZE),
    );
    return {
      leafIndex,
      position: event.position,
      eventId: event.id,
      entry,
      leafHash: committed.toString('base64'),
      entryMatchesLeaf: leafHashOfText(this.algorithm, entry).equals(committed),
      treeSize: checkpoint.size,
      hashes: merkle.inclusionProof(leafIndex, checkpoint.size).map((h) => h.toString('base64')),
      checkpoint: checkpoint.note,
    };
  }

  /** The consistency proof between two signed checkpoints (`fromSize` ≤ `toSize`), from the tree as stored now. */
  consistencyProof(fromSize: number, toSize: number): ConsistencyProof {
    const from = this.checkpoints.ofSize(fromSize);
    const to = this.checkpoints.ofSize(toSize);
    if (!from || !to) {
      const missing = from ? toSize : fromSize;
      throw notFound(`没有大小为 ${missing} 的签名检查点`, `no signed checkpoint of size ${missing}`);
    }
    if (fromSize > toSize) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'BAD_USER_INPUT',
        '起点检查点不能大于终点检查点',
        'fromSize must not exceed toSize',
        [{ path: 'fromSize', message: `${fromSize} is larger than toSize ${toSize}` }],
      );
    }
    return {
      fromSize,
      toSize,
      hashes: this.tree
        .merkleTree()
        .consistencyProof(fromSize, toSize)
        .map((h) => h.toString('base64')),
      fromCheckpoint: from.note,
      toCheckpoint: to.note,
    };
  }
}
