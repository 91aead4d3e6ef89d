/**
 * Every migration run (R-LIB-4) with its report's counts, its approval, its batches and its rollback, as the run's
 * decider folds it, by site: for the site administrators and approvers who list, approve and roll back runs through
 * the API, which reads this, never the log.
 */
import {
  type MigrationRunEvent,
  type MigrationRunState,
  migrationRunAggregate,
} from '../../domain/migration/migration-run.js';
import { AggregateStates } from '../sqlite/aggregate-states.js';

export const MIGRATION_RUN_DIRECTORY_VERSION = 1;

export type MigrationRunDirectory = AggregateStates<MigrationRunState, MigrationRunEvent>;

export function openMigrationRunDirectory(dataDir: string): MigrationRunDirectory {
  return new AggregateStates(`${dataDir}/migration-runs.sqlite`, {
    name: 'migration-runs',
    version: MIGRATION_RUN_DIRECTORY_VERSION,
    aggregate: migrationRunAggregate,
    idOf: (event) => event.data.runId,
    // Plain data: nothing to convert.
    codec: { toJson: (state) => state, fromJson: (json) => json as MigrationRunState },
    groupOf: (state) => state.siteId || null,
  });
}
