/**
 * Administrators extend the second level of the subject taxonomy through events (metadata.md), in the stream
 * `subject-taxonomy`. The taxonomy in force is the published base folded with those events.
 */
import { z } from 'zod';
import type { Decider } from '../shared/decider.js';
import { reason } from '../shared/schemas.js';
import { SubjectTaxonomy } from './subject-taxonomy.js';

export const SUBJECT_TAXONOMY_STREAM = 'subject-taxonomy';

const subjectName = z.string().trim().min(1).max(50);
export const addSubjectSchema = z.strictObject({ top: subjectName, second: subjectName, reason });
export const subjectEventSchemas = { SubjectAdded: addSubjectSchema };

export type AddSubject = z.output<typeof addSubjectSchema>;
export type SubjectEvent = { type: 'SubjectAdded'; data: AddSubject };

/** The decider does not check the actor: the platform's command path requires a platform administrator. */
export const subjectTaxonomyDecider: Decider<SubjectTaxonomy, AddSubject, SubjectEvent> = {
  initialState: () => SubjectTaxonomy.base(),
  decide(command, taxonomy) {
    // withSecondLevel refuses unknown top levels, bad names and duplicates.
    taxonomy.withSecondLevel(command.top, command.second);
    return [{ type: 'SubjectAdded', data: command }];
  },
  evolve: (taxonomy, event) => taxonomy.withSecondLevel(event.data.top, event.data.second),
};
