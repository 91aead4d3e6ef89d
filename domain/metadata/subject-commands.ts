/** Administrators extend the second level of the subject taxonomy (metadata.md) through `AddSubject`. */
import { streamCommand } from '../shared/command-module.js';
import { addSubjectSchema, SUBJECT_TAXONOMY_STREAM, subjectTaxonomyAggregate } from './subject-extension.js';

export const subjectCommands = {
  AddSubject: streamCommand({
    input: addSubjectSchema,
    aggregate: subjectTaxonomyAggregate,
    stream: () => SUBJECT_TAXONOMY_STREAM,
    command: (data, actor) => ({ type: 'AddSubject' as const, data, actor }),
    siteId: () => null,
  }),
};
