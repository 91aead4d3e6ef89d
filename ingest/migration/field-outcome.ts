/**
 * What became of one field of one row, in the terms the cleansing report counts (R-LIB-4): taken as given,
 * normalised (the value was rewritten into the form the metadata requires, or translated through a table),
 * defaulted (the configuration supplied it), proposed (a classifier suggested it, for a person to confirm),
 * flagged (it could not be repaired with confidence; a person decides) or missing (the source has nothing).
 */
import type { Value } from './values.js';

export const FIELD_STATUSES = ['given', 'normalised', 'defaulted', 'proposed', 'flagged', 'missing'] as const;
export type FieldStatus = (typeof FIELD_STATUSES)[number];

export interface SubjectProposal {
  confidence: number;
  /** What the classifier saw: the keywords it found and where. */
  evidence: string[];
  /** Who proposed it, so the report can tell a keyword list from a later, better classifier. */
  by: string;
}

export interface FieldOutcome {
  status: FieldStatus;
  /**
   * The value to use. A flagged field keeps one only when the value is the source's own and merely suspect (a body
   * with characters lost in the export); a flagged date or number has none, since storing it would store a guess.
   */
  value?: Value;
  /** The source's value before any step, as the report shows it beside the result. */
  original?: Value;
  /** Why it was flagged, what a step restored, which alternative supplied it: one line each. */
  notes: string[];
  flagReason?: string;
  proposal?: SubjectProposal;
}
