/**
 * Indexes documents (fts-row.ts) for the embedded index. A batch of some size goes to a worker thread in
 * chunks, so that jieba and the bigrams of the next chunk run on another core while the database writes the one
 * before: on two cores a rebuild then takes about as long as its writes alone. A small batch (a publication at the
 * live edge) is indexed here, where a message to the worker would only add its delay.
 *
 * One worker per process, started by the first large batch, shared by every index of the process (it holds no
 * state), and kept out of the way of a process that has nothing else to do: it keeps no process alive while idle.
 * When the worker cannot run, documents are indexed here; a document that cannot be indexed fails here just the same,
 * with its own error.
 */
import { Worker } from 'node:worker_threads';
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import { workerSource } from '../../worker/worker-source.js';
import { type FtsRow, ftsRow } from './fts-row.js';

/** Below this many documents a batch is indexed here. */
export const WORKER_MINIMUM = 16;
/** Documents per message. */
const CHUNK = 8;
/** The share of a batch indexed in this thread (see ftsRows). */
const LOCAL_SHARE = 0.25;

export interface IndexerRequest {
  id: number;
  documents: LibraryDocument[];
}

export type IndexerReply = { id: number; indexed: FtsRow[] } | { id: number; error: string };

class IndexerWorker {
  #worker: Worker | null = null;
  #broken = false;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (indexed: FtsRow[]) => void; reject: (e: Error) => void }>();

  get usable(): boolean {
    return !this.#broken;
  }

  index(documents: LibraryDocument[]): Promise<FtsRow[]> {
    const worker = this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, documents } satisfies IndexerRequest);
    });
  }

  #start(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(workerSource('./fts-row-indexer-worker', import.meta.url), { eval: true });
    let answered = false;
    worker.unref();
    worker.on('message', (reply: IndexerReply) => {
      answered = true;
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if ('error' in reply) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.indexed);
    });
    const fail = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      // A worker that never answered will not start next time either.
      if (!answered) this.#broken = true;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the document indexer worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}

const shared = new IndexerWorker();

/** The documents indexed by the worker thread, with no fallback: for tests. */
export function indexInWorker(documents: LibraryDocument[]): Promise<FtsRow[]> {
  return shared.index(documents);
}

/**
 * The documents indexed, in chunks in their order: the caller writes each chunk as it comes while the next ones are
 * still being indexed.
 */
export function ftsRows(documents: LibraryDocument[]): Array<Promise<FtsRow[]>> {
  if (documents.length < WORKER_MINIMUM || !shared.usable) return [Promise.resolve(documents.map(ftsRow))];
  // The first documents are indexed here while the worker starts on the others: the database has something to write
  // at once, and indexing, which costs more than writing, is shared between the two threads.
  const local = Math.ceil(documents.length * LOCAL_SHARE);
  const chunks: Array<Promise<FtsRow[]>> = [];
  for (let start = local; start < documents.length; start += CHUNK) {
    const chunk = documents.slice(start, start + CHUNK);
    // Whatever went wrong in the worker, indexing here either succeeds or names the document's own error.
    chunks.push(shared.index(chunk).catch(() => chunk.map(ftsRow)));
  }
  return [Promise.resolve(documents.slice(0, local).map(ftsRow)), ...chunks];
}
