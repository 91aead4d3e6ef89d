/**
 * A migration run (R-LIB-4): one pass of a migration configuration over an old site's export into a site of the
 * platform, as events in `migration-<runId>`. A site administrator starts it with what its dry run saw (the digests
 * of the configuration and of every row, and the cleansing report's counts); the site's approver approves it before
 * anything is written: the approval is the review of a migration, so what it writes enters the library as historical
 * publications, not as drafts. The platform then writes the items in batches, each announced before it is written
 * (so a rollback knows every resource the run may have touched) and recorded after (so a run that stopped resumes
 * after its last recorded batch). No state means "running": a run is approved until it is completed, and whoever
 * runs it again continues it, so nothing is ever left busy for someone to reset. A rollback withdraws what the run
 * created and keeps what was edited since; it may be asked for again until it is done.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole, requireSiteRole, type SiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError, type ErrorCategory } from '../shared/domain-error.js';
import { id, isoDateTime, reason } from '../shared/schemas.js';
import type { SiteContext } from '../site/site.js';

export const migrationRunStream = (runId: string) => `migration-${runId}`;

const count = z.int().min(0);
const digest = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in hexadecimal');
const text = (max: number) => z.string().min(1).max(max);

/** What became of the rows of a run, or of one batch of it. */
export const OUTCOME_KINDS = [
  /** A new resource of the library (or one a rollback had withdrawn, migrated again). */
  'created',
  /** A changed row: a new version of the resource an earlier run created. */
  'revised',
  /** The row is as an earlier run wrote it. */
  'unchanged',
  /** The resource was edited on the platform since, or its id or key belongs to something else: left alone. */
  'conflicts',
  /** The row's metadata or column is not valid: reported, never written. */
  'held',
  /** Status filters, or not after the high-water mark. */
  'skipped',
  'duplicates',
  'unreadable',
  /** A write refused for a reason the plan could not foresee. */
  'failed',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];
export const outcomeCountsSchema = z.strictObject(
  Object.fromEntries(OUTCOME_KINDS.map((kind) => [kind, count])) as Record<OutcomeKind, typeof count>,
);
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>;
export const noOutcomes = (): OutcomeCounts =>
  Object.fromEntries(OUTCOME_KINDS.map((kind) => [kind, 0])) as OutcomeCounts;

export function addOutcomes(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return Object.fromEntries(OUTCOME_KINDS.map((kind) => [kind, a[kind] + b[kind]])) as OutcomeCounts;
}

/** The dry run's cleansing report as the run keeps it: its counts (the full report is a file beside the export). */
export const reportSummarySchema = z.strictObject({
  rows: z.strictObject({
    read: count,
    items: count,
    ready: count,
    held: count,
    skipped: count,
    duplicates: count,
    conflicts: count,
    unreadable: count,
  }),
  /** Per metadata field: how many values were given, normalised, defaulted, proposed, flagged or missing. */
  fields: z.record(z.string().max(100), z.record(z.string().max(20), count)),
  skippedByReason: z.record(z.string().max(200), count),
  oldIndexNumbers: z.strictObject({ wellFormed: count, malformed: count, none: count }),
  proposals: count,
  flags: count,
  notices: z.array(z.string().max(2000)).max(100),
  highWaterMark: z.string().max(100).optional(),
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;

/** A row a person should look at: a conflict or a failed write, with why. */
const rowMessage = z.strictObject({
  sequence: z.int().min(1),
  originalId: z.string().max(500).optional(),
  outcome: z.enum(['conflicts', 'failed']),
  code: z.string().max(100),
  message: z.string().max(2000),
});

const MAX_BATCH = 10_000;
const batchRange = {
  runId: id,
  batch: z.int().min(1),
  fromSequence: z.int().min(1),
  throughSequence: z.int().min(1),
};

export const migrationRunCommandSchemas = {
  StartMigrationRun: z.strictObject({
    runId: id,
    siteId: id,
    migration: text(100),
    system: text(200),
    configurationDigest: digest,
    sourceDigest: digest,
    /** The `migratedAt` every item of the run records: the dry run's and the run's items are the same. */
    migratedAt: isoDateTime,
    /** An incremental run: only rows past this high-water mark. */
    after: text(100).optional(),
    resourceIdPrefix: text(50),
    report: reportSummarySchema,
    /**
     * Rows per batch, and the digest of each batch's rows as the dry run read them: the run writes a batch only if
     * its rows are still those, so nothing its approver did not see is ever written.
     */
    batchSize: z.int().min(1).max(MAX_BATCH),
    batchDigests: z.array(digest).max(100_000),
    /**
     * The digest of each batch of the plan the dry run kept (its rows as mapped, the items ready to write), when it
     * kept one: the run writes those items without mapping the export again, and only if they are still these.
     */
    planDigests: z.array(digest).max(100_000).optional(),
    /** SHA-256 of the export's bytes as the dry run read them: while they are the same, so is every row. */
    sourceFingerprint: digest.optional(),
  }),
  ApproveMigrationRun: z.strictObject({ runId: id, comment: z.string().trim().max(2000).optional() }),
  RejectMigrationRun: z.strictObject({ runId: id, reason }),
  StartMigrationBatch: z.strictObject({ ...batchRange, resourceIds: z.array(id).max(MAX_BATCH) }),
  RecordMigrationBatch: z.strictObject({
    ...batchRange,
    counts: outcomeCountsSchema,
    messages: z.array(rowMessage).max(MAX_BATCH),
  }),
  CompleteMigrationRun: z.strictObject({ runId: id, highWaterMark: text(100).optional() }),
  StartMigrationRollback: z.strictObject({ runId: id, reason }),
  CompleteMigrationRollback: z.strictObject({
    runId: id,
    withdrawn: count,
    kept: z.array(z.strictObject({ resourceId: id, reason: z.string().max(2000) })).max(100_000),
  }),
};

export const migrationRunEventSchemas = {
  MigrationRunStarted: migrationRunCommandSchemas.StartMigrationRun.extend({ startedBy: id, at: isoDateTime }),
  MigrationRunApproved: z.strictObject({
    runId: id,
    by: id,
    at: isoDateTime,
    comment: z.string().max(2000).optional(),
    /** What was approved, repeated so that the approval reads alone. */
    configurationDigest: digest,
    sourceDigest: digest,
  }),
  MigrationRunRejected: z.strictObject({ runId: id, by: id, at: isoDateTime, reason }),
  MigrationBatchStarted: migrationRunCommandSchemas.StartMigrationBatch,
  MigrationBatchRecorded: migrationRunCommandSchemas.RecordMigrationBatch,
  MigrationRunCompleted: z.strictObject({
    runId: id,
    at: isoDateTime,
    counts: outcomeCountsSchema,
    highWaterMark: text(100).optional(),
  }),
  MigrationRollbackStarted: z.strictObject({ runId: id, by: id, at: isoDateTime, reason }),
  MigrationRunRolledBack: migrationRunCommandSchemas.CompleteMigrationRollback.extend({ by: id, at: isoDateTime }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type MigrationRunEvent = Schemas<typeof migrationRunEventSchemas>;

export interface MigrationRunContext {
  /** The command's time. */
  occurredAt: string;
  /** The destination site (starting a run). */
  site?: SiteContext;
}
export type MigrationRunCommand = Schemas<typeof migrationRunCommandSchemas> & {
  actor: Actor;
  context: MigrationRunContext;
};

export const MIGRATION_RUN_STATUSES = [
  'awaiting_approval',
  'rejected',
  /** Allowed to write; stays so until completed, whoever runs it and however often it stopped. */
  'approved',
  'completed',
  'rolling_back',
  'rolled_back',
] as const;
export type MigrationRunStatus = (typeof MIGRATION_RUN_STATUSES)[number];

export interface MigrationBatch {
  batch: number;
  fromSequence: number;
  throughSequence: number;
  resourceIds: string[];
  /** Once written. */
  counts?: OutcomeCounts;
  messages?: z.infer<typeof rowMessage>[];
}

export interface MigrationRunState {
  exists: boolean;
  runId: string;
  siteId: string;
  migration: string;
  system: string;
  configurationDigest: string;
  sourceDigest: string;
  migratedAt: string;
  after?: string;
  resourceIdPrefix: string;
  report: ReportSummary | null;
  batchSize: number;
  batchDigests: string[];
  /** One per batch, when the dry run kept its plan. */
  planDigests?: string[];
  sourceFingerprint?: string;
  status: MigrationRunStatus;
  startedBy: string;
  startedAt: string;
  approval?: { by: string; at: string; comment?: string };
  rejection?: { by: string; at: string; reason: string };
  batches: MigrationBatch[];
  completion?: { at: string; counts: OutcomeCounts; highWaterMark?: string };
  rollback?: {
    by: string;
    at: string;
    reason: string;
    done?: { by: string; at: string; withdrawn: number; kept: Array<{ resourceId: string; reason: string }> };
  };
}

/** What the run's recorded batches add up to. */
export function recordedOutcomes(state: MigrationRunState): OutcomeCounts {
  return state.batches.reduce((sum, b) => (b.counts ? addOutcomes(sum, b.counts) : sum), noOutcomes());
}

/** Every resource the run announced it would write: what a rollback looks at. */
export function announcedResources(state: MigrationRunState): string[] {
  return [...new Set(state.batches.flatMap((b) => b.resourceIds))];
}

/** Where a run that stopped goes on: the first row of the first batch not recorded as written. */
export function resumePoint(state: MigrationRunState): { batch: number; fromSequence: number } {
  const done = state.batches.filter((b) => b.counts !== undefined).length;
  return { batch: done + 1, fromSequence: done * state.batchSize + 1 };
}

function refuse(category: ErrorCategory, code: string, zh: string, en: string, rule = 'R-LIB-4'): never {
  throw new DomainError(category, code, zh, en, [], rule);
}

function wrongStatus(state: MigrationRunState, wanted: string): never {
  return refuse(
    'CONFLICT',
    'INVALID_MIGRATION_STATUS',
    `迁移批次 ${state.runId} 当前状态为 ${state.status}，需要 ${wanted}`,
    `migration run ${state.runId} is ${state.status}; this needs ${wanted}`,
  );
}

/** The platform itself writes the items of an approved run; no person does (they approve, or roll back). */
function requireSystem(actor: Actor): 'system' {
  if (actor.system) return 'system';
  return refuse(
    'FORBIDDEN',
    'FORBIDDEN',
    '迁移数据只能由平台按已审批的迁移批次写入',
    'migrated items are written by the platform for an approved run, not by a person',
  );
}

/** A site administrator of the destination site starts a run; so may a platform administrator (the platform team). */
function requireRunStarter(actor: Actor, siteId: string): string {
  if (actor.system || actor.platformRoles.has('platform_admin')) return requirePlatformRole(actor, 'platform_admin');
  return requireSiteRole(actor, siteId, ['site_admin']);
}

const ROLLBACK_ROLES: SiteRole[] = ['approver', 'site_admin'];

export const migrationRunDecider: Decider<MigrationRunState, MigrationRunCommand, MigrationRunEvent> = {
  initialState: () => ({
    exists: false,
    runId: '',
    siteId: '',
    migration: '',
    system: '',
    configurationDigest: '',
    sourceDigest: '',
    migratedAt: '',
    resourceIdPrefix: '',
    report: null,
    batchSize: 1,
    batchDigests: [],
    status: 'awaiting_approval',
    startedBy: '',
    startedAt: '',
    batches: [],
  }),

  decide(command, state) {
    const { actor, context } = command;
    const { runId } = command.data;
    const at = context.occurredAt;
    if (command.type === 'StartMigrationRun') {
      const role = requireRunStarter(actor, command.data.siteId);
      if (state.exists)
        refuse('CONFLICT', 'ALREADY_EXISTS', `迁移批次 ${runId} 已存在`, `migration run ${runId} already exists`);
      const site = context.site;
      if (!site || site.status === null)
        refuse(
          'NOT_FOUND',
          'NOT_FOUND',
          `站点 ${command.data.siteId} 不存在`,
          `site ${command.data.siteId} does not exist`,
        );
      if (site.status === 'closed')
        refuse(
          'CONFLICT',
          'SITE_CLOSED',
          `站点 ${command.data.siteId} 已永久关停`,
          `site ${command.data.siteId} is closed permanently`,
          'R-SITE-5',
        );
      const { planDigests, batchDigests } = command.data;
      if (planDigests !== undefined && planDigests.length !== batchDigests.length)
        throw new DomainError(
          'BAD_USER_INPUT',
          'BAD_USER_INPUT',
          `计划摘要须每批一个（${batchDigests.length} 批）`,
          `planDigests must have one digest per batch (${batchDigests.length}), not ${planDigests.length}`,
          [{ path: 'planDigests', message: `one digest per batch: ${batchDigests.length}` }],
          'R-LIB-4',
        );
      return decided(role, {
        type: 'MigrationRunStarted',
        data: { ...command.data, startedBy: actor.personId, at },
      });
    }
    if (!state.exists)
      refuse('NOT_FOUND', 'NOT_FOUND', `迁移批次 ${runId} 不存在`, `migration run ${runId} does not exist`);

    switch (command.type) {
      case 'ApproveMigrationRun': {
        // The approval is the review of everything the run will publish: the site's approver, not its starter.
        const role = requireSiteRole(actor, state.siteId, ['approver']);
        if (state.status !== 'awaiting_approval') wrongStatus(state, 'awaiting_approval');
        if (actor.personId === state.startedBy)
          refuse(
            'FORBIDDEN',
            'SELF_REVIEW_FORBIDDEN',
            `${actor.personId} 发起了此迁移批次，不能再审批`,
            `${actor.personId} started this migration run and cannot approve it`,
            'R-REVIEW-2',
          );
        return decided(role, {
          type: 'MigrationRunApproved',
          data: {
            runId,
            by: actor.personId,
            at,
            comment: command.data.comment,
            configurationDigest: state.configurationDigest,
            sourceDigest: state.sourceDigest,
          },
        });
      }
      case 'RejectMigrationRun': {
        const role = requireSiteRole(actor, state.siteId, ['approver']);
        if (state.status !== 'awaiting_approval') wrongStatus(state, 'awaiting_approval');
        return decided(role, {
          type: 'MigrationRunRejected',
          data: { runId, by: actor.personId, at, reason: command.data.reason },
        });
      }
      case 'StartMigrationBatch': {
        const role = requireSystem(actor);
        if (state.status !== 'approved') notApproved(state);
        const { batch, fromSequence, throughSequence } = command.data;
        const next = resumePoint(state);
        // Batches are the approved ones: cut at the run's batch size, one digest each.
        const first = (batch - 1) * state.batchSize + 1;
        if (
          batch !== next.batch ||
          batch > state.batchDigests.length ||
          fromSequence !== first ||
          throughSequence < fromSequence ||
          throughSequence >= first + state.batchSize
        )
          refuse(
            'CONFLICT',
            'BATCH_OUT_OF_ORDER',
            `迁移批次 ${runId} 的下一批是第 ${next.batch} 批（自第 ${next.fromSequence} 行起）`,
            `the next batch of migration run ${runId} is ${next.batch}, from row ${next.fromSequence}`,
          );
        const announced = state.batches.find((b) => b.batch === batch);
        // Started again after a stop: the same batch announced the same way is already on record.
        if (
          announced &&
          announced.fromSequence === fromSequence &&
          announced.throughSequence === throughSequence &&
          command.data.resourceIds.every((resourceId) => announced.resourceIds.includes(resourceId))
        )
          return decided(role);
        return decided(role, { type: 'MigrationBatchStarted', data: command.data });
      }
      case 'RecordMigrationBatch': {
        const role = requireSystem(actor);
        if (state.status !== 'approved') notApproved(state);
        const announced = state.batches.find((b) => b.batch === command.data.batch);
        if (!announced || announced.counts !== undefined || announced.fromSequence !== command.data.fromSequence)
          refuse(
            'CONFLICT',
            'BATCH_OUT_OF_ORDER',
            `迁移批次 ${runId} 的第 ${command.data.batch} 批未开始或已记录`,
            `batch ${command.data.batch} of migration run ${runId} was not started, or is already recorded`,
          );
        return decided(role, { type: 'MigrationBatchRecorded', data: command.data });
      }
      case 'CompleteMigrationRun': {
        const role = requireSystem(actor);
        if (state.status === 'completed') return decided(role);
        if (state.status !== 'approved') notApproved(state);
        if (state.batches.some((b) => b.counts === undefined) || state.batches.length !== state.batchDigests.length)
          refuse(
            'CONFLICT',
            'BATCH_OUT_OF_ORDER',
            `迁移批次 ${runId} 还有未写完的批`,
            `migration run ${runId} has an approved batch that is not written yet`,
          );
        return decided(role, {
          type: 'MigrationRunCompleted',
          data: {
            runId,
            at,
            counts: recordedOutcomes(state),
            ...(command.data.highWaterMark === undefined ? {} : { highWaterMark: command.data.highWaterMark }),
          },
        });
      }
      case 'StartMigrationRollback': {
        const role = requireSiteRole(actor, state.siteId, ROLLBACK_ROLES);
        // Asked again after a stop: the rollback goes on from where it is.
        if (state.status === 'rolling_back') return decided(role);
        if (state.status !== 'approved' && state.status !== 'completed') wrongStatus(state, 'approved or completed');
        return decided(role, {
          type: 'MigrationRollbackStarted',
          data: { runId, by: actor.personId, at, reason: command.data.reason },
        });
      }
      case 'CompleteMigrationRollback': {
        const role = requireSiteRole(actor, state.siteId, ROLLBACK_ROLES);
        if (state.status !== 'rolling_back') wrongStatus(state, 'rolling_back');
        return decided(role, {
          type: 'MigrationRunRolledBack',
          data: { ...command.data, by: actor.personId, at },
        });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MigrationRunStarted': {
        const { startedBy, at, report, ...run } = event.data;
        return { ...state, ...run, exists: true, report, startedBy, startedAt: at, status: 'awaiting_approval' };
      }
      case 'MigrationRunApproved': {
        const { by, at, comment } = event.data;
        return { ...state, status: 'approved', approval: { by, at, ...(comment === undefined ? {} : { comment }) } };
      }
      case 'MigrationRunRejected': {
        const { by, at, reason } = event.data;
        return { ...state, status: 'rejected', rejection: { by, at, reason } };
      }
      case 'MigrationBatchStarted': {
        const { runId: _, ...batch } = event.data;
        // Announced again after a stop: whatever the first announcement named may have been written, so a rollback
        // still looks at it.
        const earlier = state.batches.find((b) => b.batch === batch.batch);
        const resourceIds = earlier ? [...new Set([...earlier.resourceIds, ...batch.resourceIds])] : batch.resourceIds;
        return {
          ...state,
          batches: [...state.batches.filter((b) => b.batch !== batch.batch), { ...batch, resourceIds }],
        };
      }
      case 'MigrationBatchRecorded': {
        const { batch, counts, messages } = event.data;
        return {
          ...state,
          batches: state.batches.map((b) => (b.batch === batch ? { ...b, counts, messages } : b)),
        };
      }
      case 'MigrationRunCompleted': {
        const { at, counts, highWaterMark } = event.data;
        return {
          ...state,
          status: 'completed',
          completion: { at, counts, ...(highWaterMark === undefined ? {} : { highWaterMark }) },
        };
      }
      case 'MigrationRollbackStarted': {
        const { by, at, reason } = event.data;
        return { ...state, status: 'rolling_back', rollback: { by, at, reason } };
      }
      case 'MigrationRunRolledBack': {
        const { by, at, withdrawn, kept } = event.data;
        if (!state.rollback) return state;
        return { ...state, status: 'rolled_back', rollback: { ...state.rollback, done: { by, at, withdrawn, kept } } };
      }
    }
  },
};

function notApproved(state: MigrationRunState): never {
  return refuse(
    'CONFLICT',
    'MIGRATION_NOT_APPROVED',
    `迁移批次 ${state.runId} 当前状态为 ${state.status}，须经站点负责人审批后才能写入`,
    `migration run ${state.runId} is ${state.status}; nothing is written before the site's approver approves it`,
  );
}

export const migrationRunAggregate: Aggregate<MigrationRunState, MigrationRunCommand, MigrationRunEvent> = {
  decider: migrationRunDecider,
  eventSchemas: migrationRunEventSchemas,
};
