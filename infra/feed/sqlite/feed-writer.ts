/**
 * The embedded feed's appends, on a thread of their own (feed-writer-worker.ts). An append waits on the disk (its
 * fsync is what makes it durable), and the thread that publishes, the outbound feed's, has the next messages to make
 * meanwhile: with its chunks under way together and the projection runner reading ahead, a backfill of 20,000
 * resources went from 165 to 139 µs a message (measured; the outbound feed's own savings took it further). Appends
 * are written in the order they were called, those waiting together in one transaction; the thread is started by
 * the first append and keeps no process alive while it has nothing to do. It costs about 30 MiB of memory (its own
 * V8 heap; measured: 81 → 111 MiB of RSS when it starts).
 *
 * Reads stay on the feed's own connection: SQLite's WAL lets them go on while the writer thread writes.
 */
import { Worker } from 'node:worker_threads';
import { type FeedRecord, PublishFenced, UnknownFeedTopic } from '../../../domain/feed/feed-port.js';
import { PublishFence } from '../../../domain/feed/publish-fence.js';
import { TransientError } from '../../../domain/shared/transient-error.js';
import { workerSource } from '../../worker/worker-source.js';
import type { FeedWriterData, FeedWriterRequest } from './feed-writer-worker.js';
import { type AppendReply, type AppendRequest, NO_SUCH_TOPIC } from './sqlite-feed-append.js';

interface Pending {
  topic: string;
  ticket: number;
  resolve: (first: number) => void;
  reject: (error: Error) => void;
}

export class FeedWriter {
  #worker: Worker | null = null;
  #next = 0;
  readonly #pending = new Map<number, Pending>();
  readonly #fence = new PublishFence();
  #idle: (() => void) | null = null;

  constructor(private readonly data: FeedWriterData) {}

  /** Writes the records (already checked) to the topic; resolves with the first one's offset once durable. */
  append(topic: string, records: readonly FeedRecord[], timestamp: number): Promise<number> {
    const worker = this.#start();
    const id = this.#next++;
    const ticket = this.#fence.ticket(topic);
    // The values go over in one buffer of their own, moved rather than copied: a record's value may share its
    // memory with others that are not the writer's to take.
    let bytes = 0;
    for (const record of records) bytes += record.value?.length ?? 0;
    const values = Buffer.allocUnsafeSlow(bytes);
    const ends: number[] = [];
    let at = 0;
    for (const record of records) {
      if (record.value === null) ends.push(-1);
      else {
        at += record.value.copy(values, at);
        ends.push(at);
      }
    }
    const request: AppendRequest = {
      id,
      topic,
      ticket,
      keys: records.map((record) => record.key),
      values: values.buffer as ArrayBuffer,
      ends,
      headers: records.map((record) => JSON.stringify(record.headers)),
      timestamp,
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { topic, ticket, resolve, reject });
      worker.ref();
      worker.postMessage(request satisfies FeedWriterRequest, [request.values]);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(workerSource('./feed-writer-worker', import.meta.url), {
      eval: true,
      workerData: this.data,
    });
    worker.unref();
    worker.on('message', (reply: AppendReply) => this.#answer(reply, worker));
    const lost = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      // What was under way may or may not have been written: the caller sends it again (duplicates, never a gap).
      for (const [id, pending] of this.#pending) {
        this.#fence.failed(pending.topic, pending.ticket);
        this.#pending.delete(id);
        pending.reject(new TransientError(`the feed's writer thread stopped: ${error.message}`, error));
      }
      this.#settled();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #answer(reply: AppendReply, worker: Worker): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) worker.unref();
    if ('first' in reply) pending.resolve(reply.first);
    else {
      // Heard here before the caller hears it: a publish called from now on takes the next era's ticket.
      this.#fence.failed(pending.topic, pending.ticket);
      if ('fenced' in reply) pending.reject(new PublishFenced(pending.topic));
      else if (reply.error.name === NO_SUCH_TOPIC) pending.reject(new UnknownFeedTopic(pending.topic));
      else pending.reject(Object.assign(new Error(reply.error.message), reply.error));
    }
    this.#settled();
  }

  #settled(): void {
    if (this.#pending.size === 0) this.#idle?.();
  }

  /** Lets what is under way finish, then ends the thread. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    if (this.#pending.size > 0)
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    this.#idle = null;
    this.#worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref();
    worker.postMessage({ close: true } satisfies FeedWriterRequest);
    await exited;
  }
}
