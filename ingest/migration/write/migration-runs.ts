/**
 * The write side of a migration (R-LIB-4): a run is started with its dry run's report, written once its site's
 * approver has approved it, and resumed, whoever runs it again, after the last batch it recorded.
 *
 * - `startMigrationRun` reads the export through the configuration (the dry run, with the destination's columns
 *   checked) and records the run with the digests and the counts of its report: nothing else is written.
 * - `executeMigrationRun` checks that the configuration and the export are still what was approved, then writes
 *   the items in batches: each batch is announced (with the resources it may write, for a rollback) before its
 *   items are written, and recorded (with what became of each row) after. A run that stopped, for whatever reason,
 *   goes on after its last recorded batch; an item written before the stop is recognised on its stream as written
 *   by this very run, and counted once.
 */

import { createHash, type Hash } from 'node:crypto';
import {
  addOutcomes,
  type MigrationRunState,
  migrationRunAggregate,
  migrationRunStream,
  noOutcomes,
  type OutcomeCounts,
  type ReportSummary,
  recordedOutcomes,
  resumePoint,
} from '../../../domain/migration/migration-run.js';
import type { Platform } from '../../../domain/platform.js';
import type { CommandMeta } from '../../../domain/shared/command-handler.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { type SiteContext, siteContextOf } from '../../../domain/site/site.js';
import type { CompiledMigration } from '../config/load-migration.js';
import type { MigrationItem } from '../migration-item.js';
import {
  highWaterMark,
  type PlanOptions,
  type PlanProgress,
  planMigration,
  type RowOutcome,
} from '../migration-plan.js';
import { type MigrationReport, MigrationReportBuilder } from '../report/migration-report.js';
import { batchDigest, batchOf, outcomeHash, sourceDigestLine } from '../source-digest.js';
import { checkDestination } from './destination.js';
import { migrateItemInput } from './item-input.js';

/**
 * Rows per batch: a stop repeats at most one batch, each batch is two small appends to the run's stream, and the
 * run's start records one digest per batch.
 */
export const DEFAULT_BATCH_SIZE = 200;
/** Items written at once: concurrent appends share the event store's commits. */
export const DEFAULT_CONCURRENCY = 64;

export interface RunProgress extends PlanProgress {
  counts: OutcomeCounts;
}

/** The site a migration writes into, or a refusal before anything is read. */
export async function destinationSite(platform: Platform, migration: CompiledMigration): Promise<SiteContext> {
  const site = siteContextOf(await platform.reader.site(migration.siteId));
  if (site.status === null)
    throw new DomainError(
      'NOT_FOUND',
      'NOT_FOUND',
      `目标站点 ${migration.siteId} 不存在`,
      `the destination site ${migration.siteId} does not exist on the platform (destination.site of ${migration.file})`,
      [{ path: 'destination.site', message: `no site ${migration.siteId}` }],
      'R-LIB-4',
    );
  return site;
}

export interface DryRunOptions {
  runId: string;
  migratedAt: string;
  after?: string;
  onProgress?: (progress: PlanProgress) => void;
}

export interface DryRun {
  report: MigrationReport;
  /** The digest of each batch of `batchSize` rows, in order. */
  batchDigests: string[];
}

/** The report of what a run would do, with the destination's columns checked, and its batches' digests; writes nothing. */
export async function dryRun(
  platform: Platform,
  migration: CompiledMigration,
  options: DryRunOptions & { batchSize?: number },
): Promise<DryRun> {
  const site = await destinationSite(platform, migration);
  const plan = planMigration(migration, options);
  const report = new MigrationReportBuilder(migration, options);
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchDigests: string[] = [];
  let digest: Hash | undefined;
  let batch = 0;
  for await (const outcome of plan.outcomes()) {
    report.add(checkDestination(outcome, site, migration.siteId));
    if (batchOf(outcome.sequence, size) !== batch) {
      if (digest) batchDigests.push(digest.digest('hex'));
      digest = createHash('sha256');
      batch = batchOf(outcome.sequence, size);
    }
    digest!.update(sourceDigestLine(outcome.sequence, outcomeHash(outcome)));
  }
  if (digest) batchDigests.push(digest.digest('hex'));
  return { report: report.build(), batchDigests };
}

/** The report of what a run would do, with the destination's columns checked; writes nothing. */
export async function dryRunReport(
  platform: Platform,
  migration: CompiledMigration,
  options: DryRunOptions,
): Promise<MigrationReport> {
  return (await dryRun(platform, migration, options)).report;
}

export function reportSummary(report: MigrationReport): ReportSummary {
  return {
    rows: report.rows,
    fields: report.fields,
    skippedByReason: report.skipped.byReason,
    oldIndexNumbers: report.oldIndexNumbers,
    proposals: report.proposals.length,
    flags: report.flags.length,
    notices: report.notices.slice(0, 100),
    ...(report.highWaterMark === undefined ? {} : { highWaterMark: report.highWaterMark }),
  };
}

export interface StartOptions extends DryRunOptions {
  /** Who starts it: a site administrator of the destination site (or a platform administrator). */
  actorId: string;
  occurredAt: string;
  batchSize?: number;
}

export async function startMigrationRun(
  platform: Platform,
  migration: CompiledMigration,
  options: StartOptions,
): Promise<{ report: MigrationReport; state: MigrationRunState }> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const { report, batchDigests } = await dryRun(platform, migration, { ...options, batchSize });
  const { state } = await platform.execute(
    'StartMigrationRun',
    {
      runId: options.runId,
      siteId: migration.siteId,
      migration: migration.name,
      system: migration.system,
      configurationDigest: migration.digest,
      sourceDigest: report.sourceDigest,
      migratedAt: options.migratedAt,
      ...(options.after === undefined ? {} : { after: options.after }),
      resourceIdPrefix: migration.resourceIdPrefix,
      report: reportSummary(report),
      batchSize,
      batchDigests,
    },
    { actorId: options.actorId, occurredAt: options.occurredAt, correlationId: options.runId },
  );
  return { report, state };
}

/** The export or the configuration is not what the run's approver approved. */
export class MigrationChanged extends DomainError {
  constructor(runId: string, what: 'configuration' | 'export') {
    super(
      'CONFLICT',
      'MIGRATION_SOURCE_CHANGED',
      `迁移批次 ${runId} 审批后${what === 'configuration' ? '配置' : '导出数据'}已变化，请重新发起并审批`,
      `the ${what} changed since migration run ${runId} was approved: start and approve a new run`,
      [],
      'R-LIB-4',
    );
  }
}

export interface ExecuteOptions {
  concurrency?: number;
  /** The time commands are stamped with; real time by default (the executor is at the edge, like an API). */
  now?: () => string;
  onProgress?: (progress: RunProgress) => void;
  /** Called once a batch is recorded (tests stop a run there). */
  onBatch?: (batch: number, counts: OutcomeCounts) => void;
}

export interface RunResult {
  state: MigrationRunState;
  /** What this call wrote or found; the run's totals are in `state.completion`. */
  counts: OutcomeCounts;
  /** The first row this call looked at: 1, or where a stopped run went on. */
  resumedFrom: number;
}

type RowMessage = NonNullable<MigrationRunState['batches'][number]['messages']>[number];

export async function executeMigrationRun(
  platform: Platform,
  migration: CompiledMigration,
  runId: string,
  options: ExecuteOptions = {},
): Promise<RunResult> {
  const now = options.now ?? (() => new Date().toISOString());
  const meta = (): CommandMeta => ({ actorId: 'system', system: true, occurredAt: now(), correlationId: runId });
  const readRun = async () => (await platform.reader.read(migrationRunAggregate, migrationRunStream(runId))).state;
  let state = await readRun();
  if (!state.exists)
    throw new DomainError(
      'NOT_FOUND',
      'NOT_FOUND',
      `迁移批次 ${runId} 不存在`,
      `migration run ${runId} does not exist`,
    );
  if (state.status === 'completed') return { state, counts: noOutcomes(), resumedFrom: Number.POSITIVE_INFINITY };
  if (state.status !== 'approved')
    throw new DomainError(
      'CONFLICT',
      'MIGRATION_NOT_APPROVED',
      `迁移批次 ${runId} 当前状态为 ${state.status}，须经站点负责人审批后才能写入`,
      `migration run ${runId} is ${state.status}; nothing is written before the site's approver approves it`,
      [],
      'R-LIB-4',
    );
  if (migration.digest !== state.configurationDigest || migration.siteId !== state.siteId)
    throw new MigrationChanged(runId, 'configuration');

  const site = await destinationSite(platform, migration);
  const batchSize = state.batchSize;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const resume = resumePoint(state);
  let counts = noOutcomes();
  let batch = resume.batch;
  let pending: RowOutcome[] = [];
  const items: Array<Pick<MigrationItem, 'watermark'>> = [];
  let progress: PlanProgress | undefined;

  const writeBatch = async (outcomes: RowOutcome[]) => {
    // Its rows must be those the approver approved (a changed export is refused before this batch writes).
    if (batchDigest(outcomes) !== state.batchDigests[batch - 1]) throw new MigrationChanged(runId, 'export');
    const ready = outcomes.flatMap((o) => (o.kind === 'item' && o.item.ready ? [o.item] : []));
    const range = {
      runId,
      batch,
      fromSequence: outcomes[0]!.sequence,
      throughSequence: outcomes.at(-1)!.sequence,
    };
    await platform.execute('StartMigrationBatch', { ...range, resourceIds: ready.map((i) => i.resourceId) }, meta());
    const done = noOutcomes();
    const messages: RowMessage[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind === 'item') {
        if (!outcome.item.ready) done.held++;
      } else if (outcome.kind === 'duplicate') done.duplicates++;
      else if (outcome.kind === 'conflict') done.conflicts++;
      else if (outcome.kind === 'unreadable') done.unreadable++;
      else done.skipped++;
    }
    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        const item = ready[next++]!;
        try {
          const result = await platform.execute('MigrateItem', migrateItemInput(item), meta());
          done[result.outcome]++;
          if (result.outcome === 'conflicts')
            messages.push({
              sequence: item.sequence,
              originalId: item.key.originalId,
              outcome: 'conflicts',
              code: result.code ?? 'CONFLICT',
              message: (result.message ?? '').slice(0, 2000),
            });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          done.failed++;
          messages.push({
            sequence: item.sequence,
            originalId: item.key.originalId,
            outcome: 'failed',
            code: error.code,
            message: [error.message, ...error.details.map((d) => `${d.path}: ${d.message}`)].join('; ').slice(0, 2000),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    messages.sort((a, b) => a.sequence - b.sequence);
    await platform.execute('RecordMigrationBatch', { ...range, counts: done, messages }, meta());
    counts = addOutcomes(counts, done);
    options.onBatch?.(batch, done);
    batch++;
    if (progress) options.onProgress?.({ ...progress, counts: addOutcomes(recordedOutcomes(state), counts) });
  };

  const planOptions: PlanOptions = {
    runId,
    migratedAt: state.migratedAt,
    ...(state.after === undefined ? {} : { after: state.after }),
    onProgress: (p) => {
      progress = p;
      options.onProgress?.({ ...p, counts: addOutcomes(recordedOutcomes(state), counts) });
    },
  };
  const outcomes = planMigration(migration, planOptions).outcomes();
  for await (const outcome of outcomes) {
    if (outcome.kind === 'item') items.push({ watermark: outcome.item.watermark });
    if (outcome.sequence < resume.fromSequence) continue;
    if (pending.length > 0 && batchOf(outcome.sequence, batchSize) !== batch) {
      await writeBatch(pending);
      pending = [];
    }
    pending.push(checkDestination(outcome, site, migration.siteId));
  }
  if (pending.length > 0) await writeBatch(pending);
  // More batches approved than the export now has rows for: it changed.
  if (batch - 1 < state.batchDigests.length) throw new MigrationChanged(runId, 'export');
  const mark = highWaterMark(items, state.after);
  await platform.execute(
    'CompleteMigrationRun',
    { runId, ...(mark === undefined ? {} : { highWaterMark: mark }) },
    meta(),
  );
  state = await readRun();
  return { state, counts, resumedFrom: resume.fromSequence };
}
