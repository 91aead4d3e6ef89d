/**
 * The audit tree's projection on a worker thread of its own: its own connection to the event store, its own
 * connection to `audit-tree.sqlite`, and the canonical encoding and hashing of every event off the thread that serves
 * requests and appends, so the tree takes the second core instead of the API's time. See audit-tree-in-worker.ts.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import { openAuditTree } from '../../projections/audit-log/audit-tree.js';
import { ProjectionRunner, type ProjectionStatus } from '../../projections/runner/projection-runner.js';
import type { Config } from '../config.js';
import { openEventStore } from '../event-store/open-event-store.js';

export interface AuditTreeWorkerData {
  store: Pick<Config, 'EVENT_STORE' | 'DATA_DIR' | 'EVENT_STORE_DIR' | 'SQLITE_SYNCHRONOUS' | 'KURRENTDB_URL'>;
  algorithm: TreeHashAlgorithm;
  /** The nice value this thread takes (0: as the thread that started it). See audit-tree-in-worker.ts. */
  niceness: number;
}

export type AuditTreeWorkerRequest =
  | { type: 'stop' }
  | { type: 'retry' }
  | { type: 'skip'; reason: string; actor: { actorId: string; actorRole: string; occurredAt: string } };

export type AuditTreeWorkerMessage =
  | { type: 'status'; status: ProjectionStatus }
  | { type: 'live' }
  | { type: 'failed'; message: string }
  | { type: 'answer'; error?: string }
  | { type: 'stopped' };

const port = parentPort!;
const data = workerData as AuditTreeWorkerData;
// Linux keeps a nice value per thread, and setpriority(0) from a thread sets that thread's own: this lowers the tree's
// thread only. Elsewhere (macOS) it would lower the whole process, the API's own thread with it, so it is not done.
if (data.niceness > 0 && process.platform === 'linux') {
  try {
    setPriority(0, data.niceness);
  } catch {
    // Not allowed here (a sandbox): the tree runs at the normal priority, as it did before.
  }
}
const store = openEventStore(data.store);
const tree = openAuditTree(data.store.DATA_DIR, data.algorithm);
const runner = new ProjectionRunner(store, tree.projection());

let last = '';
const report = () => {
  const status = runner.status();
  const text = JSON.stringify(status);
  if (text !== last) {
    last = text;
    port.postMessage({ type: 'status', status } satisfies AuditTreeWorkerMessage);
  }
};
const timer = setInterval(report, 10);

const start = () =>
  runner.start().then(
    () => {
      report();
      port.postMessage({ type: 'live' } satisfies AuditTreeWorkerMessage);
    },
    (error: unknown) => {
      report();
      port.postMessage({ type: 'failed', message: (error as Error).message } satisfies AuditTreeWorkerMessage);
    },
  );

port.on('message', async (request: AuditTreeWorkerRequest) => {
  try {
    if (request.type === 'stop') {
      clearInterval(timer);
      await runner.stop();
      tree.close();
      await store.close();
      port.postMessage({ type: 'stopped' } satisfies AuditTreeWorkerMessage);
      port.close();
      return;
    }
    if (request.type === 'retry') await runner.retry();
    else await runner.skipFailedEvent(request.reason, request.actor);
    report();
    port.postMessage({ type: 'answer' } satisfies AuditTreeWorkerMessage);
  } catch (error) {
    report();
    port.postMessage({ type: 'answer', error: (error as Error).message } satisfies AuditTreeWorkerMessage);
  }
});

void start();
