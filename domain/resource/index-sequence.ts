/**
 * The sequence behind index numbers: one stream per publisher and year, `index-sequence-<code>-<year>`. Each
 * assignment appends with the exact revision, so a number is handed out once, in order, and never again; a resource
 * asking twice (a retried publication) gets the number it already has.
 */
import { z } from 'zod';
import { formatIndexNumber } from '../metadata/index.js';
import type { Decider } from '../shared/decider.js';
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
export interface AssignIndexNumber {
  publisherCode: string;
  year: number;
  resourceId: string;
}
export interface IndexSequenceState {
  last: number;
  byResource: Map<string, string>;
}

export const indexSequenceDecider: Decider<IndexSequenceState, AssignIndexNumber, IndexSequenceEvent> = {
  initialState: () => ({ last: 0, byResource: new Map() }),
  decide({ publisherCode, year, resourceId }, state) {
    if (state.byResource.has(resourceId)) return [];
    const sequence = state.last + 1;
    // formatIndexNumber refuses a sequence past 99999 with a DomainError.
    const indexNumber = formatIndexNumber(publisherCode, year, sequence);
    return [{ type: 'IndexNumberAssigned', data: { publisherCode, year, sequence, indexNumber, resourceId } }];
  },
  evolve(state, event) {
    return {
      last: event.data.sequence,
      byResource: new Map(state.byResource).set(event.data.resourceId, event.data.indexNumber),
    };
  },
};
