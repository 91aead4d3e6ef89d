/**
 * Index-number allocation: a first publication gets the next number of its publisher's sequence for the year of
 * publication (China time), from the sequence stream of index-sequence.ts.
 *
 * One publisher's sequence is one hot stream: concurrent publications would mostly lose the optimistic race and
 * retry. So the numbers asked for while one turn of the event loop runs are assigned together, in one append; another
 * process writing the same stream still only costs a retry. A publication that is tried again (its resource changed
 * under it) gets the number it was given the first time, so retries leave no gaps; a publication that fails for good
 * leaves one, which is allowed (reuse is not).
 */
import type { EventStore } from '../event-store/port.js';
import { type CommandMeta, handleCommand } from '../shared/command-handler.js';
import type { IndexNumbers } from '../shared/command-module.js';
import type { StateCache } from '../shared/state-cache.js';
import { indexSequenceAggregate, indexSequenceStream } from './index-sequence.js';

/** Numbers remembered for publications that may be tried again; older ones are forgotten (a gap at worst). */
const REMEMBERED = 10_000;

interface Waiter {
  resourceId: string;
  resolve: (indexNumber: string) => void;
  reject: (error: unknown) => void;
}

/** The calendar year in China Standard Time of an ISO instant. */
function chinaYear(isoInstant: string): number {
  return new Date(Date.parse(isoInstant) + 8 * 3_600_000).getUTCFullYear();
}

export class IndexNumberAllocator implements IndexNumbers {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly given = new Map<string, Promise<string>>();

  constructor(
    private readonly store: EventStore,
    private readonly cache?: StateCache,
  ) {}

  assign(resourceId: string, publisherCode: string, meta: CommandMeta): Promise<string> {
    const year = chinaYear(meta.occurredAt);
    const key = `${resourceId}\u0000${publisherCode}\u0000${year}`;
    const known = this.given.get(key);
    if (known) return known;
    const number = this.enqueue(indexSequenceStream(publisherCode, year), resourceId, publisherCode, year, meta);
    this.given.set(key, number);
    if (this.given.size > REMEMBERED) this.given.delete(this.given.keys().next().value!);
    // A failed allocation is not remembered: the next attempt asks again.
    number.catch(() => this.given.delete(key));
    return number;
  }

  private enqueue(streamId: string, resourceId: string, publisherCode: string, year: number, meta: CommandMeta) {
    return new Promise<string>((resolve, reject) => {
      let queue = this.queues.get(streamId);
      if (!queue) {
        queue = [];
        this.queues.set(streamId, queue);
        // Everyone who asks while this turn of the event loop runs is served by the same append.
        setImmediate(() => void this.drain(streamId, publisherCode, year, meta));
      }
      queue.push({ resourceId, resolve, reject });
    });
  }

  private async drain(streamId: string, publisherCode: string, year: number, meta: CommandMeta): Promise<void> {
    const batch = this.queues.get(streamId) ?? [];
    this.queues.delete(streamId);
    try {
      const { events } = await handleCommand(this.store, streamId, indexSequenceAggregate, {
        // The batch is written under the first request's metadata (its idempotency key is that request's own, not the
        // batch's); each number names its resource in the event.
        meta: { ...meta, idempotencyKey: undefined, command: undefined },
        cache: this.cache,
        command: () => ({ publisherCode, year, resourceIds: batch.map((b) => b.resourceId) }),
        siteId: () => null,
      });
      const numbers = new Map(events.map((e) => [e.data.resourceId, e.data.indexNumber]));
      for (const waiter of batch) waiter.resolve(numbers.get(waiter.resourceId)!);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
