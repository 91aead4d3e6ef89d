/** The uniform metadata of library resources (R-LIB-2) and the normalisers the ingest applies before validating it. */
export type { Flagged } from './flagged.js';
export {
  formatIndexNumber,
  MAX_INDEX_SEQUENCE,
  type ParsedIndexNumber,
  parseIndexNumber,
} from './index-number.js';
export { isIsoDate, type NormalisedDate, normaliseDate } from './normalise-date.js';
export { type FlaggedDocNumber, type NormalisedDocNumber, normaliseDocNumber } from './normalise-doc-number.js';
export { normaliseWhitespace } from './normalise-text.js';
export {
  checkOrganisationCode,
  type OrganisationCodeCheck,
  type OrganisationCodeKind,
  organisationCodeCheckCharacter,
  usccCheckCharacter,
} from './organisation-code.js';
export { EARLIEST_YEAR, isPlausibleYear, LATEST_YEAR } from './plausible-year.js';
export {
  ASSIGNED_FIELDS,
  MAX_ATTACHMENTS,
  MAX_BODY_CHARACTERS,
  MAX_KEYWORDS,
  MAX_SUMMARY_CHARACTERS,
  missingOptionalFields,
  type OptionalMetadataField,
  type ResourceMetadata,
  type ResourceMetadataInput,
  resourceMetadataInputSchema,
  resourceMetadataSchema,
  validateResourceMetadata,
} from './resource-metadata.js';
export {
  type AddSubject,
  addSubjectSchema,
  SUBJECT_TAXONOMY_STREAM,
  type SubjectEvent,
  subjectEventSchemas,
  subjectTaxonomyAggregate,
  subjectTaxonomyDecider,
} from './subject-extension.js';
export {
  CATCH_ALL,
  SUBJECT_SEPARATOR,
  type SubjectCategory,
  SubjectTaxonomy,
  type SubjectTaxonomyData,
} from './subject-taxonomy.js';
export * from './vocabulary.js';
