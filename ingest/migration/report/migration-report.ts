/**
 * The cleansing and classification report of a run (R-LIB-4): per field how many values were taken as given,
 * normalised, defaulted, proposed, flagged or missing; duplicates and conflicts; rows skipped and why; rows held
 * because their metadata is not valid; every proposal and every flag; and each row's messages. It is built from a
 * plan's outcomes as they stream by, so a dry run and a real run report alike.
 */
import { createHash } from 'node:crypto';
import type { FieldProblem } from '../../../domain/shared/domain-error.js';
import type { CompiledMigration } from '../config/load-migration.js';
import { FIELD_STATUSES, type FieldStatus } from '../field-outcome.js';
import type { RowMessage } from '../migration-item.js';
import type { PlanOptions, RowOutcome } from '../row-outcome.js';
import { outcomeHash, sourceDigestLine } from '../source-digest.js';
import { describeValue } from '../values.js';

export type FieldCounts = Record<FieldStatus, number>;

export interface ReportRow {
  sequence: number;
  location: string;
  originalId?: string;
}

export interface MigrationReport {
  migration: string;
  file: string;
  runId: string;
  system: string;
  siteId: string;
  migratedAt: string;
  after?: string;
  /** The configuration's digest (with its tables and keyword lists). */
  configurationDigest: string;
  /**
   * SHA-256 over every row read, in order (its row hash, or the reader's error): with the configuration's digest it
   * identifies what a run did, so an approval given to a dry run's report can be checked against the run it allows.
   */
  sourceDigest: string;
  /** About the export as a whole (a declared total, the pages found). */
  notices: string[];
  rows: {
    read: number;
    /** Rows that became items (ready + held). */
    items: number;
    ready: number;
    held: number;
    skipped: number;
    duplicates: number;
    conflicts: number;
    unreadable: number;
  };
  fields: Record<string, FieldCounts>;
  skipped: { byReason: Record<string, number>; rows: Array<ReportRow & { reason: string; detail?: string }> };
  duplicates: Array<{ originalId: string; rowHash: string; sequences: number[] }>;
  conflicts: Array<{ originalId: string; sequences: number[] }>;
  unreadable: Array<ReportRow & { error: string }>;
  held: Array<ReportRow & { problems: FieldProblem[] }>;
  proposals: Array<ReportRow & { field: string; value: string; confidence: number; evidence: string[]; by: string }>;
  flags: Array<ReportRow & { field: string; reason: string; original?: string }>;
  oldIndexNumbers: { wellFormed: number; malformed: number; none: number };
  /** How pages were decoded (HTML sources), by encoding. */
  encodings: Record<string, number>;
  highWaterMark?: string;
  messages: Array<ReportRow & RowMessage>;
}

function emptyCounts(): FieldCounts {
  return Object.fromEntries(FIELD_STATUSES.map((status) => [status, 0])) as FieldCounts;
}

export class MigrationReportBuilder {
  readonly #report: MigrationReport;
  readonly #duplicates = new Map<string, { originalId: string; rowHash: string; sequences: number[] }>();
  readonly #conflicts = new Map<string, number[]>();
  readonly #source = createHash('sha256');

  constructor(migration: CompiledMigration, options: Pick<PlanOptions, 'runId' | 'migratedAt' | 'after'>) {
    this.#report = {
      migration: migration.name,
      file: migration.file,
      runId: options.runId,
      system: migration.system,
      siteId: migration.siteId,
      migratedAt: options.migratedAt,
      ...(options.after === undefined ? {} : { after: options.after }),
      configurationDigest: migration.digest,
      sourceDigest: '',
      notices: [...migration.preflight.notices],
      rows: { read: 0, items: 0, ready: 0, held: 0, skipped: 0, duplicates: 0, conflicts: 0, unreadable: 0 },
      fields: {},
      skipped: { byReason: {}, rows: [] },
      duplicates: [],
      conflicts: [],
      unreadable: [],
      held: [],
      proposals: [],
      flags: [],
      oldIndexNumbers: { wellFormed: 0, malformed: 0, none: 0 },
      encodings: {},
      messages: [],
    };
  }

  add(outcome: RowOutcome): void {
    const report = this.#report;
    report.rows.read++;
    this.#source.update(sourceDigestLine(outcome.sequence, outcomeHash(outcome)));
    switch (outcome.kind) {
      case 'unreadable':
        report.rows.unreadable++;
        report.unreadable.push({ sequence: outcome.sequence, location: outcome.location, error: outcome.error });
        report.messages.push({
          sequence: outcome.sequence,
          location: outcome.location,
          status: 'reader',
          message: outcome.error,
        });
        return;
      case 'skipped': {
        report.rows.skipped++;
        report.skipped.byReason[outcome.reason] = (report.skipped.byReason[outcome.reason] ?? 0) + 1;
        const { kind: _kind, ...row } = outcome;
        report.skipped.rows.push(row);
        return;
      }
      case 'duplicate': {
        report.rows.duplicates++;
        const key = `${outcome.originalId}\u0000${outcome.rowHash}`;
        const entry = this.#duplicates.get(key) ?? {
          originalId: outcome.originalId,
          rowHash: outcome.rowHash,
          sequences: [outcome.firstSequence],
        };
        entry.sequences.push(outcome.sequence);
        this.#duplicates.set(key, entry);
        return;
      }
      case 'conflict': {
        report.rows.conflicts++;
        const sequences = this.#conflicts.get(outcome.originalId) ?? [outcome.firstSequence];
        sequences.push(outcome.sequence);
        this.#conflicts.set(outcome.originalId, sequences);
        report.messages.push({
          sequence: outcome.sequence,
          location: outcome.location,
          originalId: outcome.originalId,
          status: 'flagged',
          message: `the original id ${outcome.originalId} came first in row ${outcome.firstSequence} with other content; this row is held for a person to choose`,
        });
        return;
      }
      case 'item':
        break;
    }
    const { item, info } = outcome;
    const row: ReportRow = { sequence: item.sequence, location: item.location, originalId: item.key.originalId };
    report.rows.items++;
    if (item.ready) report.rows.ready++;
    else {
      report.rows.held++;
      report.held.push({ ...row, problems: item.problems });
    }
    for (const [field, fieldOutcome] of Object.entries(item.fields)) {
      const counts = report.fields[field] ?? emptyCounts();
      report.fields[field] = counts;
      counts[fieldOutcome.status]++;
      if (fieldOutcome.status === 'flagged') {
        report.flags.push({
          ...row,
          field,
          reason: fieldOutcome.flagReason ?? 'flagged',
          ...(fieldOutcome.original === undefined ? {} : { original: describeValue(fieldOutcome.original) }),
        });
      }
    }
    for (const proposal of item.proposals) report.proposals.push({ ...row, ...proposal });
    const indexNumber = item.original.indexNumber;
    if (indexNumber === undefined) report.oldIndexNumbers.none++;
    else if (indexNumber.wellFormed) report.oldIndexNumbers.wellFormed++;
    else report.oldIndexNumbers.malformed++;
    if (info.encoding !== undefined) report.encodings[info.encoding] = (report.encodings[info.encoding] ?? 0) + 1;
    if (item.watermark !== undefined && (report.highWaterMark === undefined || item.watermark > report.highWaterMark)) {
      report.highWaterMark = item.watermark;
    }
    for (const message of item.messages) report.messages.push({ ...row, ...message });
  }

  build(): MigrationReport {
    return {
      ...this.#report,
      sourceDigest: this.#source.copy().digest('hex'),
      duplicates: [...this.#duplicates.values()],
      conflicts: [...this.#conflicts].map(([originalId, sequences]) => ({ originalId, sequences })),
    };
  }
}
