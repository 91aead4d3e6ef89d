/**
 * Migration of old sites' content by configuration (R-LIB-4), the read half: a YAML configuration is loaded and
 * checked (`loadMigration`), planned (`planMigration`), and its plan yields one outcome per source row (a migration
 * item, or a row skipped, collapsed as a duplicate, held as a conflict, or unreadable) for the write side to write
 * and the report to count. `plan.dryRun()` is the report alone.
 */
export { type ConfigProblem, MigrationConfigError } from './config/config-error.js';
export { type CompiledMigration, type LoadOptions, loadMigration } from './config/load-migration.js';
export { MIGRATION_EXAMPLES } from './example-configurations.js';
export type { FieldOutcome, FieldStatus, SubjectProposal } from './field-outcome.js';
export type { MigrationItem, OldIndexNumber, Provenance, RowMessage, SourceKey } from './migration-item.js';
export {
  highWaterMark,
  isAfter,
  MigrationPlan,
  type PlanOptions,
  type PlanProgress,
  planMigration,
  type RowOutcome,
} from './migration-plan.js';
export { migrationProgressBar, type ProgressBar } from './progress-bar.js';
export { type MigrationReport, MigrationReportBuilder } from './report/migration-report.js';
export { fieldsCsv, rowsCsv } from './report/report-csv.js';
export { type ReportFiles, writeReport } from './report/write-report.js';
