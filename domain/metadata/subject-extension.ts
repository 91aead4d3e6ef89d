/**
 * Administrators extend the second level of the subject taxonomy through events (metadata.md), in the stream
 * `subject-taxonomy`. The taxonomy in force is the published base folded with those events.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { reason } from '../shared/schemas.js';
import { SubjectTaxonomy } from './subject-taxonomy.js';

export const SUBJECT_TAXONOMY_STREAM = 'subject-taxonomy';

const subjectName = z.string().trim().min(1).max(50);
export const addSubjectSchema = z.strictObject({ top: subjectName, second: subjectName, reason });
export const subjectEventSchemas = { SubjectAdded: addSubjectSchema };

export type AddSubject = { type: 'AddSubject'; data: z.output<typeof addSubjectSchema>; actor: Actor };
export type SubjectEvent = { type: 'SubjectAdded'; data: z.output<typeof addSubjectSchema> };

/** Only a platform administrator (or the platform itself) extends the taxonomy. */
export const subjectTaxonomyDecider: Decider<SubjectTaxonomy, AddSubject, SubjectEvent> = {
  initialState: () => SubjectTaxonomy.base(),
  decide(command, taxonomy) {
    const role = requirePlatformRole(command.actor, 'platform_admin');
    // withSecondLevel refuses unknown top levels, bad names and duplicates.
    taxonomy.withSecondLevel(command.data.top, command.data.second);
    return decided(role, { type: 'SubjectAdded', data: command.data });
  },
  evolve: (taxonomy, event) => taxonomy.withSecondLevel(event.data.top, event.data.second),
};

export const subjectTaxonomyAggregate: Aggregate<SubjectTaxonomy, AddSubject, SubjectEvent> = {
  decider: subjectTaxonomyDecider,
  eventSchemas: subjectEventSchemas,
};
