/**
 * The sequence behind index numbers: one stream per publisher and year, `index-sequence-<code>-<year>`. Each
 * assignment appends with the exact revision, so a number is handed out once, in order, and never again. The state
 * is the last sequence number alone, so the handler reads only the stream's tail: a publication costs the same on the
 * first day of the year and the last. (A publication that fails after its number was assigned leaves a gap; gaps
 * are allowed, reuse is not.)
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
};

export type IndexSequenceEvent = {
  type: 'IndexNumberAssigned';
  data: z.infer<typeof indexSequenceEventSchemas.IndexNumberAssigned>;
};
/** Numbers for several resources at once: concurrent publications share one append instead of racing for it. */
export interface AssignIndexNumbers {
  publisherCode: string;
  year: number;
  resourceIds: string[];
}
export interface IndexSequenceState {
  last: number;
}

export const indexSequenceDecider: Decider<IndexSequenceState, AssignIndexNumbers, IndexSequenceEvent> = {
  initialState: () => ({ last: 0 }),
  // The library itself hands out the numbers, whoever's publication asked for them.
  decide({ publisherCode, year, resourceIds }, state) {
    const events = [...new Set(resourceIds)].map((resourceId, i) => {
      const sequence = state.last + 1 + i;
      // formatIndexNumber refuses a sequence past 99999 with a DomainError.
      const indexNumber = formatIndexNumber(publisherCode, year, sequence);
      return { type: 'IndexNumberAssigned' as const, data: { publisherCode, year, sequence, indexNumber, resourceId } };
    });
    return decided('library', ...events);
  },
  evolve: (_, event) => ({ last: event.data.sequence }),
};

export const indexSequenceAggregate: Aggregate<IndexSequenceState, AssignIndexNumbers, IndexSequenceEvent> = {
  decider: indexSequenceDecider,
  eventSchemas: indexSequenceEventSchemas,
  tail: 1,
};
