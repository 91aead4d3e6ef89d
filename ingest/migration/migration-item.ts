/**
 * The migration item: what one source row becomes, the input of the write side (R-LIB-4). It carries everything a
 * migrated publication needs (uniform metadata validated against the taxonomy, the body, the original dates, the
 * provenance, the old index number, the target column) and everything a person needs to judge it (each field's
 * outcome, proposals, flags, messages). Producing items writes nothing: a dry run is the items and their report.
 */

import type { ResourceMetadataInput } from '../../domain/metadata/index.js';
import type { FieldProblem } from '../../domain/shared/domain-error.js';
import type { FieldOutcome, FieldStatus, SubjectProposal } from './field-outcome.js';

/** Source system + original id: the id map's key, stable across runs of the same export. */
export interface SourceKey {
  system: string;
  originalId: string;
}

export interface Provenance extends SourceKey {
  originalUrl?: string;
  /** When the run that produced this item was planned (ISO date-time with offset). */
  migratedAt: string;
  runId: string;
}

export type OldIndexNumber =
  | { value: string; wellFormed: true; note?: string }
  /** A malformed number is recorded here and in the report; the write side assigns a new one. */
  | { value: string; wellFormed: false; reason: string };

export interface VersionSummary {
  version: number;
  publishedAt: string;
  title: string;
}

export interface AttachmentReference {
  /** As the export names or links the file: it is not in the export, so it cannot enter the metadata yet. */
  reference: string;
}

export interface RowMessage {
  field?: string;
  status?: FieldStatus | 'invalid' | 'reader';
  message: string;
}

export interface MigrationItem {
  /** The migration (configuration) that produced it. */
  migration: string;
  /** 1-based position of the row in the source, in reading order. */
  sequence: number;
  /** Where a person finds the row: `line 12`, `art_20000.html`, `items[3]`. */
  location: string;
  key: SourceKey;
  /** SHA-256 (hex) of the source row in a canonical form: unchanged rows hash the same in every run. */
  rowHash: string;
  /** A resource id derived from the key, so that every run and every machine gives the same row the same id. */
  resourceId: string;
  siteId: string;
  /** The new site's column the item is placed in, from the old column through the mapping. */
  columnId?: string;
  /**
   * The uniform metadata as validated with the taxonomy (language and sharing defaults applied), when the row gives
   * enough for it; `source` is included (without the run id, which is not a metadata field).
   */
  metadata?: ResourceMetadataInput;
  /** True when `metadata` is valid and a column is known: the write side may write the item. */
  ready: boolean;
  /** Why it is not ready: the metadata's field problems (`metadata.title`…) and a missing column. */
  problems: FieldProblem[];
  original: {
    /** 成文日期 as the metadata holds it. */
    writtenAt?: string;
    /** When the old site published it: ISO date-time with offset, or a date when the source gave no time. */
    publishedAt?: string;
    indexNumber?: OldIndexNumber;
    /** Versions the old system published before this one, oldest first. */
    versions?: VersionSummary[];
  };
  provenance: Provenance;
  /** Values a classifier proposed (the subject): marked, with confidence and evidence, for a person to confirm. */
  proposals: Array<{ field: string; value: string } & SubjectProposal>;
  /** Every field's outcome, including the column and the original dates (`column`, `original.publishedAt`…). */
  fields: Record<string, FieldOutcome>;
  attachments: AttachmentReference[];
  /** For incremental runs: the row's position on the high-water mark (its modification or publication time). */
  watermark?: string;
  messages: RowMessage[];
}
