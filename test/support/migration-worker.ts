/**
 * A separate process that writes an approved migration run into an embedded platform, for the test that kills it
 * with SIGKILL mid-run and resumes it, from the plan its start kept in `<dataDir>/migration-plans`. It reports each
 * batch it recorded on stdout as one JSON line.
 *
 *   migration-worker <dataDir> <config.yaml> <runId>
 */
import { join } from 'node:path';
import { Platform } from '../../domain/platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { loadMigration } from '../../ingest/migration/index.js';
import { executeMigrationRun } from '../../ingest/migration/write/migration-runs.js';

const [dataDir, config, runId] = process.argv.slice(2);
if (!dataDir || !config || !runId) throw new Error('usage: migration-worker <dataDir> <config.yaml> <runId>');
const store = openSqliteEventStore(dataDir);
const platform = new Platform(store);
const migration = await loadMigration(config, { taxonomy: await platform.reader.subjectTaxonomy() });
const result = await executeMigrationRun(platform, migration, runId, {
  // The plan its start kept beside the event log, as the CLI keeps it.
  plans: join(dataDir, 'migration-plans'),
  onBatch: (batch, counts) => process.stdout.write(`${JSON.stringify({ batch, counts })}\n`),
});
process.stdout.write(`${JSON.stringify({ done: true, status: result.state.status, rows: result.rows })}\n`);
await store.close();
