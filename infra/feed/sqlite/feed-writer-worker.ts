/**
 * The embedded feed's writer thread (see feed-writer.ts): its own connection to `feed.sqlite`, with the feed's
 * pragmas. The appends waiting when it turns to its queue are written in one transaction, each in a savepoint of its
 * own, so one fsync makes them all durable and an append that fails (an unknown topic) takes nothing else with it.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PublishFence } from '../../../domain/feed/publish-fence.js';
import { type AppendReply, type AppendRequest, appendStatements, configure } from './sqlite-feed-append.js';

export interface FeedWriterData {
  filename: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
}

export type FeedWriterRequest = AppendRequest | { close: true };

const port = parentPort!;
const { filename, synchronous, busyTimeoutMs } = workerData as FeedWriterData;
const db = new Database(filename, { timeout: busyTimeoutMs });
configure(db, synchronous);
const append = appendStatements(db);
const fence = new PublishFence();

const failure = (error: unknown) => {
  const e = error as Error & { code?: unknown };
  return { name: e.name, message: e.message, ...(typeof e.code === 'string' ? { code: e.code } : {}) };
};

/** One append, in a savepoint of the group's transaction. */
const one = db.transaction((request: AppendRequest): AppendReply => {
  if (fence.fenced(request.topic, request.ticket)) {
    fence.failed(request.topic, request.ticket);
    return { id: request.id, fenced: true };
  }
  return { id: request.id, first: append(request) };
});

const group = db.transaction((requests: AppendRequest[]): AppendReply[] =>
  requests.map((request) => {
    try {
      return one(request);
    } catch (error) {
      fence.failed(request.topic, request.ticket);
      return { id: request.id, error: failure(error) };
    }
  }),
);

port.on('message', (first: FeedWriterRequest) => {
  const requests: AppendRequest[] = [];
  let closing = false;
  for (let next: FeedWriterRequest | undefined = first; next; next = receiveMessageOnPort(port)?.message) {
    if ('close' in next) closing = true;
    // Fenced off already: answered without waiting for the write lock.
    else if (fence.fenced(next.topic, next.ticket))
      port.postMessage({ id: next.id, fenced: true } satisfies AppendReply);
    else requests.push(next);
  }
  if (requests.length > 0) {
    let replies: AppendReply[];
    try {
      replies = group.immediate(requests);
    } catch (error) {
      // The transaction did not begin or did not commit (the lock held too long elsewhere, a full disk): none of
      // the group is written.
      for (const request of requests) fence.failed(request.topic, request.ticket);
      replies = requests.map((request) => ({ id: request.id, error: failure(error) }));
    }
    for (const reply of replies) port.postMessage(reply);
  }
  if (closing) {
    db.close();
    port.close();
  }
});
