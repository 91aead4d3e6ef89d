/**
 * The write side of a migration (R-LIB-4): a run is started with its dry run's report, written once its site's
 * approver has approved it, and resumed, whoever runs it again, after the last batch it recorded.
 *
 * - `startMigrationRun` reads the export through the configuration (the dry run, with the destination's columns
 *   checked) and records the run with the digests and the counts of its report: nothing else is written to the
 *   platform. Given a folder for plans, it keeps the dry run's rows there as the run will write them (run-plan.ts).
 * - `executeMigrationRun` checks that the configuration and the export are still what was approved, then writes
 *   the items in batches: each batch is announced (with the resources it may write, for a rollback) before its
 *   items are written, and recorded (with what became of each row) after. The items come from the approved plan
 *   when there is one (the export is then only compared with it: by its bytes' fingerprint, or row by row by the
 *   rows' hashes when the bytes differ), else from mapping the export again. A run that stopped, for whatever
 *   reason, goes on after its last recorded batch; an item written before the stop is recognised on its stream as
 *   written by this very run, and counted once.
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
import { highWaterMark, type PlanOptions, type PlanProgress, planMigration } from '../migration-plan.js';
import { type MigrationReport, MigrationReportBuilder } from '../report/migration-report.js';
import {
  batchDigest,
  batchOf,
  type HashedRow,
  outcomeHash,
  sourceDigestLine,
  sourceFingerprint,
  sourceRowHashes,
} from '../source-digest.js';
import { checkDestination } from './destination.js';
import { type PlannedRow, PlanWriter, planBatches, plannedRow, removePlan, sweepPlans } from './run-plan.js';

/**
 * Rows per batch: a stop repeats at most one batch, each batch is two small appends to the run's stream, and the
 * run's start records one digest per batch.
 */
export const DEFAULT_BATCH_SIZE = 1000;
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

/**
 * The report of what a run would do, with the destination's columns checked, and its batches' digests; writes
 * nothing to the platform. With a plan, each row is added to it as the run would write it.
 */
export async function dryRun(
  platform: Platform,
  migration: CompiledMigration,
  options: DryRunOptions & { batchSize?: number; plan?: PlanWriter },
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
    await options.plan?.add(plannedRow(outcome));
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
  /**
   * The folder the platform keeps runs' plans in (beside its event log): the dry run's rows are kept there, so
   * that the run writes them without mapping the export again. Without it the run maps the export again.
   */
  plans?: string;
}

/**
 * Removes the plans in `folder` that no run needs: a run needs its plan while it awaits approval and while it is
 * approved (until it completes, however often it stopped); a rejected, completed or rolled back one does not, nor
 * does a plan whose run the log does not have.
 */
export async function sweepMigrationPlans(platform: Platform, folder: string, now = Date.now()): Promise<string[]> {
  return sweepPlans(
    folder,
    async (runId) => {
      const run = (await platform.reader.read(migrationRunAggregate, migrationRunStream(runId))).state;
      return run.exists && (run.status === 'awaiting_approval' || run.status === 'approved');
    },
    now,
  );
}

export async function startMigrationRun(
  platform: Platform,
  migration: CompiledMigration,
  options: StartOptions,
): Promise<{ report: MigrationReport; state: MigrationRunState }> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const plan =
    options.plans === undefined ? undefined : await PlanWriter.create(options.plans, options.runId, batchSize);
  try {
    // Taken before and after the dry run: only bytes that did not change while it read them are the rows it saw.
    const before = await sourceFingerprint(migration);
    const { report, batchDigests } = await dryRun(platform, migration, { ...options, batchSize, plan });
    const fingerprint = before !== undefined && (await sourceFingerprint(migration)) === before ? before : undefined;
    const planDigests = await plan?.finish();
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
        ...(planDigests === undefined ? {} : { planDigests }),
        ...(fingerprint === undefined ? {} : { sourceFingerprint: fingerprint }),
      },
      { actorId: options.actorId, occurredAt: options.occurredAt, correlationId: options.runId },
    );
    await plan?.commit();
    return { report, state };
  } finally {
    await plan?.discard();
  }
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
  /** The folder of plans the run was started with (`StartOptions.plans`); without it the export is mapped again. */
  plans?: string;
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
  /**
   * Where this call's rows came from: the approved plan, or a second mapping of the export (the run kept no plan,
   * its file is gone, or from the first batch of it that is not the approved one).
   */
  rows: RowSources;
}

export interface RowSources {
  planned: number;
  mapped: number;
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
  if (state.status === 'completed') {
    // A process stopped between completing the run and removing its plan.
    if (options.plans !== undefined) await removePlan(options.plans, runId);
    return { state, counts: noOutcomes(), resumedFrom: Number.POSITIVE_INFINITY, rows: { planned: 0, mapped: 0 } };
  }
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
  let pending: PlannedRow[] = [];
  const items: Array<{ watermark?: string }> = [];
  let progress: PlanProgress | undefined;

  const writeBatch = async (rows: PlannedRow[]) => {
    // Its rows must be those the approver approved (a changed export is refused before this batch writes).
    if (batchDigest(rows) !== state.batchDigests[batch - 1]) throw new MigrationChanged(runId, 'export');
    // The destination as it is now: a column closed since the dry run holds its items.
    const ready = rows.flatMap((row) => (row.item && site.activeColumns.has(row.item.columnId) ? [row.item] : []));
    const range = {
      runId,
      batch,
      fromSequence: rows[0]!.sequence,
      throughSequence: rows.at(-1)!.sequence,
    };
    await platform.execute('StartMigrationBatch', { ...range, resourceIds: ready.map((i) => i.resourceId) }, meta());
    const done = noOutcomes();
    const messages: RowMessage[] = [];
    const sequences = new Map(rows.flatMap((row) => (row.item ? [[row.item, row.sequence] as const] : [])));
    done.held = rows.filter((row) => row.kind === 'item').length - ready.length;
    for (const row of rows) {
      if (row.kind === 'duplicate') done.duplicates++;
      else if (row.kind === 'conflict') done.conflicts++;
      else if (row.kind === 'unreadable') done.unreadable++;
      else if (row.kind === 'skipped') done.skipped++;
    }
    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        const item = ready[next++]!;
        const sequence = sequences.get(item)!;
        try {
          const result = await platform.execute('MigrateItem', item, meta());
          done[result.outcome]++;
          if (result.outcome === 'conflicts')
            messages.push({
              sequence,
              originalId: item.provenance.originalId,
              outcome: 'conflicts',
              code: result.code ?? 'CONFLICT',
              message: (result.message ?? '').slice(0, 2000),
            });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          done.failed++;
          messages.push({
            sequence,
            originalId: item.provenance.originalId,
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
  const sources: RowSources = { planned: 0, mapped: 0 };
  const rows = approvedRows(migration, state, resume.batch, planOptions, options.plans, sources, (p) => {
    progress = p;
  });
  for await (const row of rows) {
    if (row.kind === 'item') items.push(row.watermark === undefined ? {} : { watermark: row.watermark });
    if (row.sequence < resume.fromSequence) continue;
    if (pending.length > 0 && batchOf(row.sequence, batchSize) !== batch) {
      await writeBatch(pending);
      pending = [];
    }
    pending.push(row);
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
  if (options.plans !== undefined) await removePlan(options.plans, runId);
  state = await readRun();
  return { state, counts, resumedFrom: resume.fromSequence, rows: sources };
}

/**
 * The run's rows in order: from its plan while the plan's batches are the approved ones, then (or without a plan)
 * from mapping the export again. Each planned batch the run will write is first compared with the export, unless
 * the export's bytes are still those the dry run read: a row that changed since is never written.
 */
async function* approvedRows(
  migration: CompiledMigration,
  state: MigrationRunState,
  fromBatch: number,
  planOptions: PlanOptions,
  plans: string | undefined,
  sources: RowSources,
  onProgress: (progress: PlanProgress) => void,
): AsyncGenerator<PlannedRow> {
  let next = 1;
  if (plans !== undefined && state.planDigests !== undefined) {
    const unchanged =
      state.sourceFingerprint !== undefined && (await sourceFingerprint(migration)) === state.sourceFingerprint;
    const source = unchanged ? undefined : sourceRowHashes(migration);
    const total = state.report?.rows.read;
    const seen = { rows: 0, items: 0, skipped: 0 };
    let complete = state.planDigests.length === 0;
    try {
      for await (const planned of planBatches(plans, state)) {
        if (!planned.matches) break;
        if (source) await compareWithSource(source, planned.rows, planned.batch >= fromBatch, state.runId);
        for (const row of planned.rows) {
          seen.rows++;
          if (row.kind === 'item') seen.items++;
          else seen.skipped++;
        }
        onProgress({ reader: { done: seen.rows, ...(total === undefined ? {} : { total }), unit: 'rows' }, ...seen });
        sources.planned += planned.rows.length;
        yield* planned.rows;
        next = planned.rows.at(-1)!.sequence + 1;
        complete = planned.batch === state.planDigests.length;
      }
      if (complete) {
        if (source && !(await source.next()).done) throw new MigrationChanged(state.runId, 'export');
        return;
      }
    } finally {
      await source?.return(undefined);
    }
  }
  for await (const outcome of planMigration(migration, planOptions).outcomes()) {
    if (outcome.sequence < next) continue;
    sources.mapped++;
    yield plannedRow(outcome);
  }
}

/**
 * The export's next rows against a planned batch: the same rows, with the same hashes. Rows of batches already
 * written are read past. (That the export ends with the plan's last batch is checked once the plan is through.)
 */
async function compareWithSource(
  source: AsyncGenerator<HashedRow>,
  rows: readonly PlannedRow[],
  toWrite: boolean,
  runId: string,
): Promise<void> {
  for (const row of rows) {
    const read = await source.next();
    if (toWrite && (read.done || read.value.sequence !== row.sequence || read.value.hash !== row.hash))
      throw new MigrationChanged(runId, 'export');
  }
}
