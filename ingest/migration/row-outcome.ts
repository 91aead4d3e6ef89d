/** What planning a migration yields per row, and the options and progress of a plan (see migration-plan.ts). */
import type { MappedRow } from './map-row.js';
import type { MigrationItem } from './migration-item.js';
import type { ReaderProgress } from './readers/source-reader.js';

export interface PlanOptions {
  /** Names the run in the provenance of every item and in the report. */
  runId: string;
  /** When the run is planned (ISO date-time with offset): the items' `migratedAt`. Comes from the caller's clock. */
  migratedAt: string;
  /** The high-water mark of the last run: rows whose watermark is not after it are passed over. */
  after?: string;
  onProgress?: (progress: PlanProgress) => void;
}

export interface PlanProgress {
  reader: ReaderProgress;
  rows: number;
  items: number;
  skipped: number;
}

export type RowOutcome =
  | { kind: 'item'; sequence: number; location: string; item: MigrationItem; info: Record<string, string> }
  | Extract<MappedRow, { kind: 'skipped' }>
  | {
      kind: 'duplicate';
      sequence: number;
      location: string;
      originalId: string;
      rowHash: string;
      firstSequence: number;
    }
  | { kind: 'conflict'; sequence: number; location: string; originalId: string; rowHash: string; firstSequence: number }
  | { kind: 'unreadable'; sequence: number; location: string; error: string };
