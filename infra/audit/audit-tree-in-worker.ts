/**
 * Runs the audit tree's projection on a worker thread (audit-tree-worker.ts) and answers for it here as a projection
 * runner does: `start` resolves once the tree is live, `status`, `lag` and `waitFor` report where it is, `retry` and
 * `skipFailedEvent` are passed on. The tree's file is shared: the checkpointer and the read side in this thread read
 * what the worker commits (SQLite WAL lets readers and the one writer go on together).
 *
 * Why a thread: each event is read back, canonically encoded (RFC 8785) and hashed twice, about 20 µs of CPU, which on
 * the API's own thread would be paid between appends (the benchmark measures both ways).
 *
 * Why a lower priority (nice 10 by default, Linux only): on a machine whose cores are all busy, the scheduler shares
 * CPU time among sessions (autogroups), not threads, so every microsecond the tree's thread takes comes out of the
 * API's thread, and a batched append (about 30 µs of CPU an event) then runs two thirds as fast (measured). Niced, the
 * tree yields to appends under contention and takes the idle time, on a second core or between requests; it trails
 * the log further only while the machine has nothing to spare, and `lag()` says by how much.
 */
import { Worker } from 'node:worker_threads';
import type { TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import type { Position } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import { AUDIT_TREE_PROJECTION, AUDIT_TREE_PROJECTION_VERSION } from '../../projections/audit-log/audit-tree.js';
import { ProjectionFailed, type ProjectionStatus } from '../../projections/runner/projection-runner.js';
import type { Config } from '../config.js';
import { workerSource } from '../worker/worker-source.js';
import type { AuditTreeWorkerData, AuditTreeWorkerMessage, AuditTreeWorkerRequest } from './audit-tree-worker.js';

/** The tree thread's nice value by default: 10 weighs it at about a tenth of a normal thread's claim on a busy core. */
export const AUDIT_TREE_NICENESS = 10;

export class AuditTreeWorker {
  private worker: Worker | null = null;
  private current: ProjectionStatus = {
    name: AUDIT_TREE_PROJECTION,
    version: AUDIT_TREE_PROJECTION_VERSION,
    generation: null,
    state: 'stopped',
    checkpoint: null,
    failure: null,
    eventsApplied: 0,
    transientRetries: 0,
  };
  private readonly waiters = new Set<{ position: Position; resolve: () => void }>();
  private answer: ((error?: string) => void) | null = null;
  private stopped: (() => void) | null = null;

  constructor(
    /** This thread's own store: for the log's head, to tell the lag. */
    private readonly store: EventStore,
    private readonly config: AuditTreeWorkerData['store'] & Partial<Config>,
    private readonly algorithm: TreeHashAlgorithm,
    private readonly options: { niceness?: number } = {},
  ) {}

  get projection() {
    return { name: AUDIT_TREE_PROJECTION, version: AUDIT_TREE_PROJECTION_VERSION };
  }

  status(): ProjectionStatus {
    return this.current;
  }

  async lag(): Promise<number> {
    const head = (await this.store.headPosition()) ?? 0;
    return Math.max(0, head - (this.current.checkpoint ?? 0));
  }

  /** Resolves once the tree is live; rejects with ProjectionFailed when an event stops it on the way. */
  start(): Promise<void> {
    if (this.worker) throw new Error('the audit tree worker is already running');
    const data: AuditTreeWorkerData = {
      store: {
        EVENT_STORE: this.config.EVENT_STORE,
        DATA_DIR: this.config.DATA_DIR,
        EVENT_STORE_DIR: this.config.EVENT_STORE_DIR,
        SQLITE_SYNCHRONOUS: this.config.SQLITE_SYNCHRONOUS,
        KURRENTDB_URL: this.config.KURRENTDB_URL,
      },
      algorithm: this.algorithm,
      niceness: this.options.niceness ?? AUDIT_TREE_NICENESS,
    };
    const worker = new Worker(workerSource('./audit-tree-worker', import.meta.url), { eval: true, workerData: data });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: AuditTreeWorkerMessage) => {
        switch (message.type) {
          case 'status':
            this.current = message.status;
            for (const waiter of this.waiters) {
              if ((message.status.checkpoint ?? -1) >= waiter.position) {
                this.waiters.delete(waiter);
                waiter.resolve();
              }
            }
            break;
          case 'live':
            resolve();
            break;
          case 'failed':
            reject(
              this.current.failure
                ? new ProjectionFailed(AUDIT_TREE_PROJECTION, this.current.failure)
                : new Error(message.message),
            );
            break;
          case 'answer':
            this.answer?.(message.error);
            break;
          case 'stopped':
            this.stopped?.();
            break;
        }
      });
      worker.on('error', (error) => {
        this.current = { ...this.current, state: 'failed' };
        reject(error);
      });
      worker.on('exit', () => {
        this.worker = null;
        this.stopped?.();
      });
    });
  }

  waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    if ((this.current.checkpoint ?? -1) >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`the audit tree did not reach position ${position} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private ask(request: AuditTreeWorkerRequest): Promise<void> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error('the audit tree worker is not running'));
    return new Promise((resolve, reject) => {
      this.answer = (error) => (error ? reject(new Error(error)) : resolve());
      worker.postMessage(request);
    });
  }

  retry(): Promise<void> {
    return this.ask({ type: 'retry' });
  }

  skipFailedEvent(reason: string, actor: { actorId: string; actorRole: string; occurredAt: string }): Promise<void> {
    return this.ask({ type: 'skip', reason, actor });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      worker.postMessage({ type: 'stop' } satisfies AuditTreeWorkerRequest);
    });
    this.stopped = null;
    await worker.terminate();
    this.worker = null;
    this.current = { ...this.current, state: this.current.state === 'failed' ? 'failed' : 'stopped' };
  }
}
