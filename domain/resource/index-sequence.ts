/**
 * The sequence behind index numbers: one stream per publisher and year, `index-sequence-<code>-<year>`. Each
 * assignment appends with the exact revision, so a number is handed out once, in order, and never again. The state
 * is the last sequence number alone, so the handler reads only the stream's tail: a publication costs the same on the
 * first day of the year and the last. (A publication that fails after its number was assigned leaves a gap; gaps
 * are allowed, reuse is not.)
 *
 * A migrated resource may keep the number its old site gave it (R-LIB-4): the number is recorded here too, so that
 * the sequence never hands it out again. A kept number above the last one moves the sequence past it; one below it
 * is kept only if the stream never gave it to another resource, which only a read of the whole stream can tell (the
 * caller reads it then, and only then). Every event records the last number after it, so the tail still says it.
 */
import { z } from 'zod';
import { formatIndexNumber } from '../metadata/index.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { id } from '../shared/schemas.js';

export const indexSequenceStream = (publisherCode: string, year: number) => `index-sequence-${publisherCode}-${year}`;

export const indexSequenceEventSchemas = {
  IndexNumberAssigned: z.strictObject({
    publisherCode: z.string(),
    year: z.int(),
    sequence: z.int().min(1),
    indexNumber: z.string(),
    resourceId: id,
  }),
  IndexNumberKept: z.strictObject({
    publisherCode: z.string(),
    year: z.int(),
    sequence: z.int().min(1),
    indexNumber: z.string(),
    resourceId: id,
    /** The last number of the sequence after this one was kept. */
    last: z.int().min(1),
  }),
};

export type IndexSequenceEvent =
  | { type: 'IndexNumberAssigned'; data: z.infer<typeof indexSequenceEventSchemas.IndexNumberAssigned> }
  | { type: 'IndexNumberKept'; data: z.infer<typeof indexSequenceEventSchemas.IndexNumberKept> };
/** Numbers for several resources at once: concurrent publications share one append instead of racing for it. */
export interface AssignIndexNumbers {
  publisherCode: string;
  year: number;
  resourceIds: string[];
  /** Old numbers migrated resources keep (R-LIB-4), by sequence. */
  keep?: Array<{ resourceId: string; sequence: number; indexNumber: string }>;
  /**
   * Every number of the stream with its resource, read whole when a kept number is not above the last one; null
   * when it was not read (then every kept number must be above the last).
   */
  taken?: ReadonlyMap<number, string> | null;
}
export interface IndexSequenceState {
  last: number;
}

export const indexSequenceDecider: Decider<IndexSequenceState, AssignIndexNumbers, IndexSequenceEvent> = {
  initialState: () => ({ last: 0 }),
  // The library itself hands out the numbers, whoever's publication asked for them.
  decide({ publisherCode, year, resourceIds, keep = [], taken = null }, state) {
    const events: IndexSequenceEvent[] = [];
    let last = state.last;
    const held = new Map(taken ?? []);
    for (const { resourceId, sequence, indexNumber } of keep) {
      // Taken by another resource, or already kept by this one: nothing to record either way.
      if (held.has(sequence)) continue;
      if (sequence <= last && taken === null)
        throw new Error(`keeping ${indexNumber} below the last number needs the stream's numbers`);
      last = Math.max(last, sequence);
      held.set(sequence, resourceId);
      events.push({ type: 'IndexNumberKept', data: { publisherCode, year, sequence, indexNumber, resourceId, last } });
    }
    for (const resourceId of new Set(resourceIds)) {
      const sequence = ++last;
      // formatIndexNumber refuses a sequence past 99999 with a DomainError.
      const indexNumber = formatIndexNumber(publisherCode, year, sequence);
      events.push({ type: 'IndexNumberAssigned', data: { publisherCode, year, sequence, indexNumber, resourceId } });
    }
    return decided('library', ...events);
  },
  evolve: (_, event) => ({ last: event.type === 'IndexNumberKept' ? event.data.last : event.data.sequence }),
};

export const indexSequenceAggregate: Aggregate<IndexSequenceState, AssignIndexNumbers, IndexSequenceEvent> = {
  decider: indexSequenceDecider,
  eventSchemas: indexSequenceEventSchemas,
  tail: 1,
};
