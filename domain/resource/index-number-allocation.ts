/**
 * Index-number allocation: a first publication gets the next number of its publisher's sequence for the year of
 * publication (China time), from the sequence stream of index-sequence.ts.
 *
 * One publisher's sequence is one hot stream: concurrent publications would mostly lose the optimistic race and
 * retry. So the numbers asked for while one turn of the event loop runs are assigned together, in one append; another
 * process writing the same stream still only costs a retry. A publication that is tried again (its resource changed
 * under it) gets the number it was given the first time, so retries leave no gaps; a publication that fails for good
 * leaves one, which is allowed (reuse is not).
 *
 * Old numbers that migrated resources keep (R-LIB-4) join the same batches. One kept below the sequence's last
 * number needs the stream's numbers to tell whether it is free; they are read then, from where this process last
 * read them.
 */
import type { EventStore } from '../event-store/port.js';
import { parseIndexNumber } from '../metadata/index.js';
import { type CommandMeta, handleCommand } from '../shared/command-handler.js';
import type { IndexNumbers } from '../shared/command-module.js';
import { RecentEntries } from '../shared/recent-entries.js';
import type { StateCache } from '../shared/state-cache.js';
import { indexSequenceAggregate, indexSequenceStream } from './index-sequence.js';

/** About this many numbers are kept for publications that may be tried again; older ones go (a gap at worst). */
const REMEMBERED = 10_000;

type Waiter =
  | { kind: 'assign'; resourceId: string; resolve: (indexNumber: string) => void; reject: (error: unknown) => void }
  | {
      kind: 'keep';
      resourceId: string;
      sequence: number;
      indexNumber: string;
      resolve: (outcome: 'kept' | 'taken') => void;
      reject: (error: unknown) => void;
    };

/** A sequence stream's numbers as far as this process has read them. */
interface TakenNumbers {
  revision: number | null;
  taken: Map<number, string>;
}

/** The calendar year in China Standard Time of an ISO instant. */
function chinaYear(isoInstant: string): number {
  return new Date(Date.parse(isoInstant) + 8 * 3_600_000).getUTCFullYear();
}

export class IndexNumberAllocator implements IndexNumbers {
  private readonly queues = new Map<string, Waiter[]>();
  private readonly given = new RecentEntries<Promise<string>>(REMEMBERED);
  private readonly numbers = new Map<string, TakenNumbers>();

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
    // A failed allocation is not remembered: the next attempt asks again.
    number.catch(() => this.given.delete(key));
    return number;
  }

  keep(resourceId: string, indexNumber: string, meta: CommandMeta): Promise<'kept' | 'taken'> {
    const parsed = parseIndexNumber(indexNumber);
    if (parsed.flagged) return Promise.reject(new Error(`${indexNumber} is not an index number: ${parsed.reason}`));
    const { orgCode, year, sequence, value } = parsed;
    return new Promise((resolve, reject) =>
      this.join(indexSequenceStream(orgCode, year), orgCode, year, meta, {
        kind: 'keep',
        resourceId,
        sequence,
        indexNumber: value,
        resolve,
        reject,
      }),
    );
  }

  private enqueue(streamId: string, resourceId: string, publisherCode: string, year: number, meta: CommandMeta) {
    return new Promise<string>((resolve, reject) =>
      this.join(streamId, publisherCode, year, meta, { kind: 'assign', resourceId, resolve, reject }),
    );
  }

  private join(streamId: string, publisherCode: string, year: number, meta: CommandMeta, waiter: Waiter): void {
    let queue = this.queues.get(streamId);
    if (!queue) {
      queue = [];
      this.queues.set(streamId, queue);
      // Everyone who asks while this turn of the event loop runs is served by the same append.
      setImmediate(() => void this.drain(streamId, publisherCode, year, meta));
    }
    queue.push(waiter);
  }

  private async drain(streamId: string, publisherCode: string, year: number, meta: CommandMeta): Promise<void> {
    const batch = this.queues.get(streamId) ?? [];
    this.queues.delete(streamId);
    const assigns = batch.filter((w) => w.kind === 'assign');
    const keeps = batch.filter((w) => w.kind === 'keep');
    let taken: ReadonlyMap<number, string> | null = null;
    try {
      const { events } = await handleCommand(this.store, streamId, indexSequenceAggregate, {
        // The batch is written under the first request's metadata (its idempotency key is that request's own, not the
        // batch's); each number names its resource in the event.
        meta: { ...meta, idempotencyKey: undefined, command: undefined },
        cache: this.cache,
        command: async (state) => {
          taken = keeps.some((k) => k.sequence <= state.last) ? await this.taken(streamId) : null;
          return { publisherCode, year, resourceIds: assigns.map((b) => b.resourceId), keep: keeps, taken };
        },
        siteId: () => null,
      });
      const numbers = new Map(events.map((e) => [e.data.resourceId, e.data.indexNumber]));
      const kept = new Map<number, string>(taken ?? []);
      for (const event of events)
        if (event.type === 'IndexNumberKept') kept.set(event.data.sequence, event.data.resourceId);
      for (const waiter of batch) {
        if (waiter.kind === 'assign') waiter.resolve(numbers.get(waiter.resourceId)!);
        else waiter.resolve(kept.get(waiter.sequence) === waiter.resourceId ? 'kept' : 'taken');
      }
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }

  /** Every number the stream gave out or recorded as kept, with its resource, read on from the last read. */
  private async taken(streamId: string): Promise<ReadonlyMap<number, string>> {
    const known = this.numbers.get(streamId) ?? { revision: null, taken: new Map<number, string>() };
    for (;;) {
      const page = await this.store.readStream(streamId, {
        fromRevision: known.revision === null ? 0 : known.revision + 1,
        maxCount: 10_000,
      });
      for (const event of page) {
        const data = event.data as { sequence: number; resourceId: string };
        known.taken.set(data.sequence, data.resourceId);
        known.revision = event.revision;
      }
      if (page.length < 10_000) break;
    }
    this.numbers.set(streamId, known);
    return known.taken;
  }
}
