/**
 * Migration runs as the tests drive them: started as the destination site's administrator, approved by its approver
 * over GraphQL (the API a real approver uses), written by the executor, then waited for until the read models hold
 * them.
 */
import { join } from 'node:path';
import type { RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import { type CompiledMigration, type LoadOptions, loadMigration } from '../../ingest/migration/index.js';
import type { MigrationReport } from '../../ingest/migration/report/migration-report.js';
import {
  type ExecuteOptions,
  executeMigrationRun,
  type RunResult,
  startMigrationRun,
} from '../../ingest/migration/write/migration-runs.js';
import type { ApiServer } from './api-server.js';

export const MIGRATED_AT = '2026-12-01T10:00:00+08:00';

export interface MigratedRun extends RunResult {
  runId: string;
  report: MigrationReport;
  migration: CompiledMigration;
}

let runs = 0;

export async function approveOverApi(api: ApiServer, runId: string, approver: string): Promise<void> {
  const response = await api.gql(
    'mutation($runId: ID!) { approveMigrationRun(input: { runId: $runId }) { run { status } } }',
    { runId },
    await api.token(approver),
  );
  if (response.errors) throw new Error(JSON.stringify(response.errors));
}

/** The folder the CLI keeps runs' plans in for this server's event log. */
export function plansOf(api: ApiServer): string {
  return join(api.c.config.EVENT_STORE_DIR, 'migration-plans');
}

/** Starts, approves and writes a run of `file` into its site, as `<site>-webmaster` and `<site>-approver`. */
export async function migrateOverApi(
  api: ApiServer,
  file: string,
  options: LoadOptions & ExecuteOptions & { after?: string; runId?: string } = {},
): Promise<MigratedRun> {
  const migration = await loadMigration(file, {
    taxonomy: await api.c.platform.reader.subjectTaxonomy(),
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.site === undefined ? {} : { site: options.site }),
  });
  const runId = options.runId ?? `${migration.name}-test-${++runs}`;
  // Plans beside the event log, as the CLI keeps them.
  const plans = options.plans ?? plansOf(api);
  const { report } = await startMigrationRun(api.c.platform, migration, {
    runId,
    migratedAt: MIGRATED_AT,
    ...(options.after === undefined ? {} : { after: options.after }),
    actorId: `${migration.siteId}-webmaster`,
    occurredAt: new Date().toISOString(),
    plans,
  });
  await approveOverApi(api, runId, `${migration.siteId}-approver`);
  const result = await executeMigrationRun(api.c.platform, migration, runId, { ...options, plans });
  await api.settle();
  return { ...result, runId, report, migration };
}

/** Every event of `$all` after `after` (exclusive), optionally of some types only. */
export async function eventsAfter(store: EventStore, after: number | null, types?: string[]): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let from = after ?? undefined;
  for (;;) {
    const page = await store.readAll({
      ...(from === undefined ? {} : { after: from }),
      maxCount: 10_000,
      ...(types ? { filter: { eventTypes: types } } : {}),
    });
    events.push(...page);
    if (page.length < 10_000) return events;
    from = page.at(-1)!.position;
  }
}
