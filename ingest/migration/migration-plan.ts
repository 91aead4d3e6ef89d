/**
 * A migration plan: what a run of a configuration would do, row by row, before anything is written. The write side
 * consumes its outcomes (ready items to write, the rest to report), a dry run consumes them into the report alone;
 * both read the same export through the same mapping, so the dry run is the run minus the writes, never a preview
 * computed another way. Exact duplicates (the same row hash under the same original id, as when an export writes a
 * row twice) collapse into the first; the same original id with different content is a conflict for a person, since
 * which version is right is not the tool's to know. With `after`, rows not past the high-water mark are passed over:
 * an incremental run.
 */
import type { CompiledMigration } from './config/load-migration.js';
import { mapRow } from './map-row.js';
import type { MigrationItem } from './migration-item.js';
import { type MigrationReport, MigrationReportBuilder } from './report/migration-report.js';
import type { PlanOptions, RowOutcome } from './row-outcome.js';

export type { PlanOptions, PlanProgress, RowOutcome } from './row-outcome.js';

const OFFSET_DATETIME = /^\d{4}-\d{2}-\d{2}(T.*)?$/;

/** Watermarks compare as instants when both are ISO dates or date-times, else as text. */
export function isAfter(watermark: string, mark: string): boolean {
  if (OFFSET_DATETIME.test(watermark) && OFFSET_DATETIME.test(mark)) {
    const a = Date.parse(watermark);
    const b = Date.parse(mark);
    if (!Number.isNaN(a) && !Number.isNaN(b)) return a > b;
  }
  return watermark > mark;
}

export class MigrationPlan {
  constructor(
    readonly migration: CompiledMigration,
    readonly options: PlanOptions,
  ) {}

  get runId(): string {
    return this.options.runId;
  }

  /** Every row's outcome in the export's order. Each call reads the export again, and gives the same outcomes. */
  async *outcomes(): AsyncGenerator<RowOutcome> {
    const reader = this.migration.openReader();
    const seen = new Map<string, { rowHash: string; sequence: number }>();
    const counts = { rows: 0, items: 0, skipped: 0 };
    const context = { runId: this.options.runId, migratedAt: this.options.migratedAt };
    for await (const row of reader.rows()) {
      counts.rows++;
      let outcome: RowOutcome;
      if (row.kind === 'unreadable') {
        outcome = row;
      } else {
        const mapped = mapRow(this.migration, row, context);
        if (mapped.kind === 'skipped') {
          outcome = mapped;
        } else {
          const { item } = mapped;
          const earlier = seen.get(item.key.originalId);
          if (earlier !== undefined) {
            const kind = earlier.rowHash === item.rowHash ? 'duplicate' : 'conflict';
            outcome = {
              kind,
              sequence: item.sequence,
              location: item.location,
              originalId: item.key.originalId,
              rowHash: item.rowHash,
              firstSequence: earlier.sequence,
            };
          } else {
            seen.set(item.key.originalId, { rowHash: item.rowHash, sequence: item.sequence });
            if (
              this.options.after !== undefined &&
              (item.watermark === undefined || !isAfter(item.watermark, this.options.after))
            ) {
              outcome = {
                kind: 'skipped',
                sequence: item.sequence,
                location: item.location,
                originalId: item.key.originalId,
                reason: 'not after the high-water mark',
                detail: `${item.watermark ?? 'no watermark'} ≤ ${this.options.after}`,
                rowHash: item.rowHash,
              };
            } else {
              outcome = { kind: 'item', sequence: item.sequence, location: item.location, item, info: row.info };
            }
          }
        }
      }
      if (outcome.kind === 'item') counts.items++;
      else counts.skipped++;
      this.options.onProgress?.({ reader: reader.progress(), ...counts });
      yield outcome;
    }
  }

  /** The items alone (ready or held), for a consumer that reports the rest elsewhere. */
  async *items(): AsyncGenerator<MigrationItem> {
    for await (const outcome of this.outcomes()) if (outcome.kind === 'item') yield outcome.item;
  }

  /** The dry run: the report of what a run would do, writing nothing. */
  async dryRun(): Promise<MigrationReport> {
    const report = new MigrationReportBuilder(this.migration, this.options);
    for await (const outcome of this.outcomes()) report.add(outcome);
    return report.build();
  }
}

export function planMigration(migration: CompiledMigration, options: PlanOptions): MigrationPlan {
  return new MigrationPlan(migration, options);
}

/** The highest watermark among items, for the write side to store as the next run's `after`. */
export function highWaterMark(
  items: Iterable<Pick<MigrationItem, 'watermark'>>,
  previous?: string,
): string | undefined {
  let mark = previous;
  for (const { watermark } of items)
    if (watermark !== undefined && (mark === undefined || isAfter(watermark, mark))) mark = watermark;
  return mark;
}
