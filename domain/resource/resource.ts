/**
 * Resource: one piece of content in the library, and the three-level review it passes before publication
 * (R-REVIEW-1..5, 先审后发). Stream `resource-<resourceId>`.
 *
 * A resource has at most one working version (a draft, or a correction of what is published) and at most one
 * published version; a correction is reviewed while the previous version stays public (R-REVIEW-4).
 */
import { z } from 'zod';
import { type ResourceMetadataInput, type SubjectTaxonomy, validateResourceMetadata } from '../metadata/index.js';
import { type Actor, requireSiteRole, type SiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError, type ErrorCategory } from '../shared/domain-error.js';
import { id, isoDateTime, reason } from '../shared/schemas.js';
import type { SiteContext } from '../site/site.js';
import {
  decideMigration,
  editedSinceMigration,
  type MigratedFrom,
  migratedPublicationTime,
  migrationProvenance,
  versionSummary,
} from './resource-migration.js';

export const resourceStream = (resourceId: string) => `resource-${resourceId}`;

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Metadata as a command brings it: checked field by field by the decider (R-LIB-2), with a code per problem. */
const metadataInput = z.unknown().refine(isObject, 'metadata is required');
/** Metadata as an event holds it: what the decider checked. */
const metadata = z.custom<ResourceMetadataInput>(isObject, 'metadata is required');
const comment = z.string().trim().max(2000).optional();
const placement = z.strictObject({ siteId: id, columnId: id });
/** R-PUSH-4: drafted by the editors of a sub-site into a portal column opened to it for co-building. */
const contributor = z.strictObject({ siteId: id, columnId: id });

export const resourceCommandSchemas = {
  DraftResource: z.strictObject({
    resourceId: id,
    siteId: id,
    metadata: metadataInput,
    contributor: contributor.optional(),
  }),
  EditResource: z.strictObject({ resourceId: id, metadata: metadataInput }),
  SubmitResource: z.strictObject({ resourceId: id }),
  PassFirstReview: z.strictObject({ resourceId: id, comment }),
  PassSecondReview: z.strictObject({ resourceId: id, comment }),
  PassFinalReview: z.strictObject({ resourceId: id, comment }),
  RejectResource: z.strictObject({ resourceId: id, reason }),
  PublishResource: z.strictObject({ resourceId: id, columnIds: z.array(id).max(50).optional() }),
  CorrectResource: z.strictObject({ resourceId: id, metadata: metadataInput, reason }),
  WithdrawResource: z.strictObject({ resourceId: id, reason }),
  ArchiveResource: z.strictObject({ resourceId: id, reason }),
  /** R-LIB-4: an item of an approved migration run, written by the platform (domain/migration). */
  MigrateResource: z.strictObject({
    resourceId: id,
    siteId: id,
    columnId: id,
    metadata: metadataInput,
    provenance: migrationProvenance.omit({ approvedBy: true, indexNumber: true }),
    /** For a resource the run creates: the number the migration process kept or had assigned, and why. */
    indexNumber: z
      .strictObject({
        value: z.string().min(1).max(200),
        origin: z.enum(['kept', 'assigned']),
        reason: z.string().max(2000).optional(),
      })
      .optional(),
    history: z.array(versionSummary).max(1000).optional(),
  }),
  /** R-LIB-4: a rollback of a migration run withdraws what the run created, unless it was edited since. */
  WithdrawMigratedResource: z.strictObject({ resourceId: id, runId: id, reason }),
};

const version = z.int().min(1);
export const REVIEW_STAGES = [
  'draft',
  'submitted',
  'first_review_passed',
  'second_review_passed',
  'final_review_passed',
] as const;
export type ReviewStage = (typeof REVIEW_STAGES)[number];

export const resourceEventSchemas = {
  ResourceDrafted: z.strictObject({
    resourceId: id,
    siteId: id,
    version,
    metadata,
    authorId: id,
    contributor: contributor.optional(),
  }),
  ResourceEdited: z.strictObject({ resourceId: id, version, metadata, editorId: id, reviewRestarted: z.boolean() }),
  ResourceSubmitted: z.strictObject({ resourceId: id, version, by: id }),
  FirstReviewPassed: z.strictObject({ resourceId: id, version, by: id, comment }),
  SecondReviewPassed: z.strictObject({ resourceId: id, version, by: id, comment }),
  FinalReviewPassed: z.strictObject({ resourceId: id, version, by: id, comment }),
  ResourceRejected: z.strictObject({
    resourceId: id,
    version,
    by: id,
    role: z.string(),
    stage: z.enum(REVIEW_STAGES),
    reason,
  }),
  ResourcePublished: z.strictObject({
    resourceId: id,
    version,
    metadata,
    placements: z.array(placement),
    indexNumber: z.string(),
    publishedAt: isoDateTime,
    by: id,
  }),
  ResourceCorrectionStarted: z.strictObject({ resourceId: id, version, metadata, by: id, reason }),
  ResourceWithdrawn: z.strictObject({
    resourceId: id,
    version,
    by: id,
    reason,
    /** Withdrawn by the rollback of this migration run (R-LIB-4): a later run may migrate it again. */
    migrationRunId: id.optional(),
  }),
  ResourceArchived: z.strictObject({ resourceId: id, by: id, reason }),
  /**
   * R-LIB-4: a historical publication from an old site, published by the approval of its migration run: its
   * original dates, its provenance and row hash, its old index number when it was kept. A changed row of a later
   * run is a new version of the same resource.
   */
  ResourceMigrated: z.strictObject({
    resourceId: id,
    siteId: id,
    version,
    metadata,
    placements: z.array(placement),
    indexNumber: z.string(),
    /** When this version counts as published: the old site's publication for the first, the run's time after. */
    publishedAt: isoDateTime,
    firstPublishedAt: isoDateTime,
    /** Versions the old system published before this one (summaries): the library lists them too. */
    history: z.array(versionSummary).max(1000).optional(),
    migration: migrationProvenance,
    by: id,
  }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type ResourceEvent = Schemas<typeof resourceEventSchemas>;

/** What the handler knows beyond this stream, read fresh for each attempt. */
export interface ResourceCommandContext {
  /** The resource's own site (for drafts: the site named in the command). */
  site?: SiteContext;
  /** Assigned by the handler for a first publication (never reused, never changed). */
  indexNumber?: string;
  /** The command's time, for `publishedAt`. */
  occurredAt?: string;
  /** The subject taxonomy in force, with the administrators' extensions; the published base when absent. */
  taxonomy?: SubjectTaxonomy;
  /** The migration run an item belongs to (R-LIB-4), as its stream says now. */
  run?: { runId: string; siteId: string; status: string; approvedBy?: string };
}
export type ResourceCommand = Schemas<typeof resourceCommandSchemas> & {
  actor: Actor;
  context?: ResourceCommandContext;
};

export interface WorkingVersion {
  version: number;
  metadata: ResourceMetadataInput;
  stage: ReviewStage;
  /** Everyone who drafted or edited this version: none of them may pass its second or final review (R-REVIEW-2). */
  writers: string[];
  secondReviewer?: string;
}

export interface PublishedVersion {
  version: number;
  metadata: ResourceMetadataInput;
  placements: Array<{ siteId: string; columnId: string }>;
  publishedAt: string;
}

export interface ResourceState {
  exists: boolean;
  resourceId: string;
  siteId: string;
  working: WorkingVersion | null;
  published: PublishedVersion | null;
  indexNumber: string | null;
  lifecycle: 'active' | 'withdrawn' | 'archived';
  /** Set when a partner site's editors drafted it into a co-built portal column (R-PUSH-4). */
  contributor?: { siteId: string; columnId: string };
  /** Set for a resource migrated from an old site (R-LIB-4): its entry of the migration's id map. */
  migration?: MigratedFrom;
}

/** One refusal for a resource that does not exist and for one the actor may not know of (see isHiddenFrom). */
export function resourceNotFound(resourceId: string): DomainError {
  return new DomainError(
    'NOT_FOUND',
    'NOT_FOUND',
    `资源 ${resourceId} 不存在`,
    `resource ${resourceId} does not exist`,
  );
}

/**
 * R-SEC-2: a resource never published is a site's draft, known only to the site's staff (present ones, and past ones,
 * who are told their role was revoked), to the partner site that drafted it into a co-built column, and to whoever
 * works platform-wide. Anyone else is answered as for a resource that does not exist, so that a refusal never tells
 * an outsider which drafts another site has.
 */
export function isHiddenFrom(actor: Actor, state: ResourceState): boolean {
  if (state.published !== null || actor.system || actor.platformRoles.size > 0) return false;
  const sites = state.contributor ? [state.siteId, state.contributor.siteId] : [state.siteId];
  const worksOn = (siteId: string) =>
    (actor.siteRoles.get(siteId)?.size ?? 0) > 0 || (actor.revokedSiteRoles.get(siteId)?.size ?? 0) > 0;
  return !sites.some(worksOn);
}

/** What a person sees: the stage of the working version if any, else the lifecycle of the published one. */
export function resourceStatus(state: ResourceState): ReviewStage | 'published' | 'withdrawn' | 'archived' {
  if (state.lifecycle !== 'active') return state.lifecycle;
  if (state.working) return state.working.stage;
  return 'published';
}

function refuse(category: ErrorCategory, code: string, zh: string, en: string, rule?: string): never {
  throw new DomainError(category, code, zh, en, [], rule);
}

function wrongStage(state: ResourceState, wanted: string): never {
  const status = resourceStatus(state);
  return refuse(
    'CONFLICT',
    'INVALID_REVIEW_STAGE',
    `资源 ${state.resourceId} 当前状态为 ${status}，需要 ${wanted}`,
    `resource ${state.resourceId} is ${status}; this needs ${wanted}`,
    'R-REVIEW-1',
  );
}

function working(state: ResourceState, stage: ReviewStage | null, wanted: string): WorkingVersion {
  if (state.lifecycle !== 'active' || !state.working || (stage !== null && state.working.stage !== stage))
    wrongStage(state, wanted);
  return state.working;
}

/** What the reviewer already did to the version, in each message's own language. */
const SELF_REVIEW_REASONS = {
  wrote: { zh: '编写或修改了', en: 'wrote or edited' },
  secondReviewed: { zh: '复审了', en: 'second-reviewed' },
} as const;

function selfReview(personId: string, what: keyof typeof SELF_REVIEW_REASONS): never {
  const { zh, en } = SELF_REVIEW_REASONS[what];
  return refuse(
    'FORBIDDEN',
    'SELF_REVIEW_FORBIDDEN',
    `严禁信息自编自审自发：${personId} 已${zh}此版本，不能再审核`,
    `no self-edit-self-review-self-publish: ${personId} already ${en} this version and cannot review it`,
    'R-REVIEW-2',
  );
}

function checkedMetadata(input: unknown, context: ResourceCommandContext | undefined): ResourceMetadataInput {
  return validateResourceMetadata(input, context?.taxonomy);
}

/** The role a rejection is made in: whoever may pass the stage the version is waiting for. */
const REJECTING_ROLE: Record<ReviewStage, SiteRole[]> = {
  draft: [],
  submitted: ['editor'],
  first_review_passed: ['reviewer'],
  second_review_passed: ['approver'],
  final_review_passed: ['approver'],
};

export const resourceDecider: Decider<ResourceState, ResourceCommand, ResourceEvent> = {
  initialState: () => ({
    exists: false,
    resourceId: '',
    siteId: '',
    working: null,
    published: null,
    indexNumber: null,
    lifecycle: 'active',
  }),

  decide(command, state) {
    const { actor, context } = command;
    const by = actor.personId;
    const { resourceId } = command.data;
    if (command.type === 'DraftResource') {
      const { siteId, contributor } = command.data;
      // A draft into a co-built column is the partner's: its own editors write it, under the portal's grant.
      const role = requireEditor(actor, siteId, contributor, context, contributor !== undefined);
      if (state.exists)
        refuse('CONFLICT', 'ALREADY_EXISTS', `资源 ${resourceId} 已存在`, `resource ${resourceId} already exists`);
      const site = requireOpenSite(context, siteId);
      if (contributor && !site.activeColumns.has(contributor.columnId))
        refuse(
          'BAD_USER_INPUT',
          'UNKNOWN_COLUMN',
          `栏目 ${contributor.columnId} 不属于站点 ${siteId} 或已归档`,
          `column ${contributor.columnId} is not an active column of site ${siteId}`,
        );
      return decided(role, {
        type: 'ResourceDrafted',
        data: {
          resourceId,
          siteId,
          version: 1,
          metadata: checkedMetadata(command.data.metadata, context),
          authorId: by,
          contributor,
        },
      });
    }
    if (command.type === 'MigrateResource') return decideMigrateResource(command.data, actor, context, state);
    if (!state.exists || isHiddenFrom(actor, state)) throw resourceNotFound(resourceId);
    const site = state.siteId;

    switch (command.type) {
      case 'EditResource': {
        const role = requireEditor(actor, site, state.contributor, context);
        const current = working(state, null, 'a draft or a version under review');
        // R-REVIEW-3: an edit after any review step sends the version back to the start of the review.
        return decided(role, {
          type: 'ResourceEdited',
          data: {
            resourceId,
            version: current.version,
            metadata: checkedMetadata(command.data.metadata, context),
            editorId: by,
            reviewRestarted: current.stage !== 'draft',
          },
        });
      }
      case 'SubmitResource': {
        const role = requireEditor(actor, site, state.contributor, context);
        const current = working(state, 'draft', 'draft');
        return decided(role, { type: 'ResourceSubmitted', data: { resourceId, version: current.version, by } });
      }
      case 'PassFirstReview': {
        const role = requireSiteRole(actor, site, ['editor']);
        const current = working(state, 'submitted', 'submitted');
        return decided(role, {
          type: 'FirstReviewPassed',
          data: { resourceId, version: current.version, by, comment: command.data.comment },
        });
      }
      case 'PassSecondReview': {
        const role = requireSiteRole(actor, site, ['reviewer']);
        const current = working(state, 'first_review_passed', 'first_review_passed');
        if (current.writers.includes(by)) selfReview(by, 'wrote');
        return decided(role, {
          type: 'SecondReviewPassed',
          data: { resourceId, version: current.version, by, comment: command.data.comment },
        });
      }
      case 'PassFinalReview': {
        const role = requireSiteRole(actor, site, ['approver']);
        const current = working(state, 'second_review_passed', 'second_review_passed');
        if (current.writers.includes(by)) selfReview(by, 'wrote');
        if (current.secondReviewer === by) selfReview(by, 'secondReviewed');
        return decided(role, {
          type: 'FinalReviewPassed',
          data: { resourceId, version: current.version, by, comment: command.data.comment },
        });
      }
      case 'RejectResource': {
        const current = working(state, null, 'a version under review');
        if (current.stage === 'draft') wrongStage(state, 'a version under review');
        const role = requireSiteRole(actor, site, REJECTING_ROLE[current.stage]);
        return decided(role, {
          type: 'ResourceRejected',
          data: { resourceId, version: current.version, by, role, stage: current.stage, reason: command.data.reason },
        });
      }
      case 'PublishResource': {
        const role = requireSiteRole(actor, site, ['approver', 'editor']);
        // R-REVIEW-1: only a version that passed all three reviews, in order, is published.
        const current = working(state, 'final_review_passed', 'final_review_passed');
        const siteContext = requireOpenSite(context, site);
        const columnIds =
          command.data.columnIds ??
          state.published?.placements.filter((p) => p.siteId === site).map((p) => p.columnId) ??
          (state.contributor ? [state.contributor.columnId] : []);
        if (columnIds.length === 0) {
          throw new DomainError(
            'BAD_USER_INPUT',
            'PLACEMENT_REQUIRED',
            '发布需至少选择一个栏目',
            'publication needs at least one column',
            [{ path: 'columnIds', message: 'at least one column' }],
          );
        }
        const unknown = columnIds.filter((c) => !siteContext.activeColumns.has(c));
        if (unknown.length > 0) {
          throw new DomainError(
            'BAD_USER_INPUT',
            'UNKNOWN_COLUMN',
            `栏目 ${unknown.join('、')} 不属于站点 ${site} 或已归档`,
            `column ${unknown.join(', ')} is not an active column of site ${site}`,
            unknown.map((c) => ({ path: 'columnIds', message: `${c} is not an active column of ${site}` })),
          );
        }
        const indexNumber = state.indexNumber ?? context?.indexNumber;
        const publishedAt = context?.occurredAt;
        if (!indexNumber || !publishedAt)
          throw new Error('the command handler must assign the index number and the time');
        const placements = [...new Set(columnIds)].map((columnId) => ({ siteId: site, columnId }));
        return decided(role, {
          type: 'ResourcePublished',
          data: {
            resourceId,
            version: current.version,
            metadata: current.metadata,
            placements,
            indexNumber,
            publishedAt,
            by,
          },
        });
      }
      case 'CorrectResource': {
        const role = requireEditor(actor, site, state.contributor, context);
        if (state.lifecycle !== 'active' || !state.published) wrongStage(state, 'published');
        if (state.working)
          refuse(
            'CONFLICT',
            'CORRECTION_IN_PROGRESS',
            `资源 ${resourceId} 已有正在审核的版本`,
            `resource ${resourceId} already has a version in review`,
            'R-REVIEW-4',
          );
        return decided(role, {
          type: 'ResourceCorrectionStarted',
          data: {
            resourceId,
            version: state.published.version + 1,
            metadata: checkedMetadata(command.data.metadata, context),
            by,
            reason: command.data.reason,
          },
        });
      }
      case 'WithdrawResource': {
        const role = requireSiteRole(actor, site, ['approver']);
        if (state.lifecycle !== 'active' || !state.published) wrongStage(state, 'published');
        return decided(role, {
          type: 'ResourceWithdrawn',
          data: { resourceId, version: state.published.version, by, reason: command.data.reason },
        });
      }
      case 'ArchiveResource': {
        const role = requireSiteRole(actor, site, ['approver']);
        if (state.lifecycle === 'archived' || (!state.published && state.lifecycle === 'active'))
          wrongStage(state, 'published or withdrawn');
        return decided(role, { type: 'ResourceArchived', data: { resourceId, by, reason: command.data.reason } });
      }
      case 'WithdrawMigratedResource': {
        // The run's own parties undo it: its approver, or the site administrator who started it.
        const role = requireSiteRole(actor, site, ['approver', 'site_admin']);
        const { runId, reason } = command.data;
        const migrated = state.migration;
        if (!migrated || migrated.createdByRun !== runId)
          refuse(
            'CONFLICT',
            'NOT_CREATED_BY_RUN',
            `资源 ${resourceId} 不是迁移批次 ${runId} 创建的`,
            `resource ${resourceId} was not created by migration run ${runId}`,
            'R-LIB-4',
          );
        if (migrated.withdrawnByRun === runId) return decided(role);
        if (editedSinceMigration(state) || !state.published)
          refuse(
            'CONFLICT',
            'EDITED_SINCE_MIGRATION',
            `资源 ${resourceId} 迁移后已在平台上修改、撤稿或归档，回滚时保留`,
            `resource ${resourceId} was edited, withdrawn or archived on the platform since it was migrated; a rollback keeps it`,
            'R-LIB-4',
          );
        return decided(role, {
          type: 'ResourceWithdrawn',
          data: { resourceId, version: state.published.version, by, reason, migrationRunId: runId },
        });
      }
    }
  },

  evolve(state, event) {
    const w = state.working;
    switch (event.type) {
      case 'ResourceDrafted':
        return {
          ...state,
          exists: true,
          resourceId: event.data.resourceId,
          siteId: event.data.siteId,
          working: { version: 1, metadata: event.data.metadata, stage: 'draft', writers: [event.data.authorId] },
          ...(event.data.contributor ? { contributor: event.data.contributor } : {}),
        };
      case 'ResourceEdited':
        if (!w) return state;
        return {
          ...state,
          working: {
            version: w.version,
            metadata: event.data.metadata,
            stage: 'draft',
            writers: w.writers.includes(event.data.editorId) ? w.writers : [...w.writers, event.data.editorId],
          },
        };
      case 'ResourceSubmitted':
        return w ? { ...state, working: { ...w, stage: 'submitted' } } : state;
      case 'FirstReviewPassed':
        return w ? { ...state, working: { ...w, stage: 'first_review_passed' } } : state;
      case 'SecondReviewPassed':
        return w
          ? { ...state, working: { ...w, stage: 'second_review_passed', secondReviewer: event.data.by } }
          : state;
      case 'FinalReviewPassed':
        return w ? { ...state, working: { ...w, stage: 'final_review_passed' } } : state;
      case 'ResourceRejected':
        return w ? { ...state, working: { ...w, stage: 'draft', secondReviewer: undefined } } : state;
      case 'ResourcePublished':
        return {
          ...state,
          working: null,
          indexNumber: event.data.indexNumber,
          published: {
            version: event.data.version,
            metadata: event.data.metadata,
            placements: event.data.placements,
            publishedAt: event.data.publishedAt,
          },
        };
      case 'ResourceCorrectionStarted':
        return {
          ...state,
          working: {
            version: event.data.version,
            metadata: event.data.metadata,
            stage: 'draft',
            writers: [event.data.by],
          },
        };
      case 'ResourceWithdrawn': {
        // A correction under way has nothing left to correct.
        const byRun = event.data.migrationRunId;
        const migration = byRun && state.migration ? { ...state.migration, withdrawnByRun: byRun } : state.migration;
        return { ...state, lifecycle: 'withdrawn', working: null, ...(migration ? { migration } : {}) };
      }
      case 'ResourceMigrated': {
        const { data } = event;
        const { migration } = data;
        // A revision keeps the run that created it; a first migration, or one after a rollback, is a creation.
        const revised = state.exists && state.lifecycle !== 'withdrawn' && state.migration !== undefined;
        return {
          ...state,
          exists: true,
          resourceId: data.resourceId,
          siteId: data.siteId,
          working: null,
          lifecycle: 'active',
          indexNumber: data.indexNumber,
          published: {
            version: data.version,
            metadata: data.metadata,
            placements: data.placements,
            publishedAt: data.publishedAt,
          },
          migration: {
            system: migration.system,
            originalId: migration.originalId,
            rowHash: migration.rowHash,
            runId: migration.runId,
            createdByRun: revised ? state.migration!.createdByRun : migration.runId,
            version: data.version,
            firstPublishedAt: data.firstPublishedAt,
          },
        };
      }
      case 'ResourceArchived':
        return { ...state, lifecycle: 'archived', working: null };
    }
  },
};

export const resourceAggregate: Aggregate<ResourceState, ResourceCommand, ResourceEvent> = {
  decider: resourceDecider,
  eventSchemas: resourceEventSchemas,
};

type MigrateResourceData = z.output<typeof resourceCommandSchemas.MigrateResource>;

/**
 * R-LIB-4: an item of an approved run enters the library as a publication. Written by the platform for the run
 * (the approval was its review); decided again on the resource's state as it is now, so a retry or a resumed run
 * never writes a row twice.
 */
function decideMigrateResource(
  data: MigrateResourceData,
  actor: Actor,
  context: ResourceCommandContext | undefined,
  state: ResourceState,
) {
  if (!actor.system)
    refuse(
      'FORBIDDEN',
      'FORBIDDEN',
      '迁移数据只能由平台按已审批的迁移批次写入',
      'migrated items are written by the platform for an approved run, not by a person',
      'R-LIB-4',
    );
  const { resourceId, siteId, columnId, provenance } = data;
  const run = context?.run;
  if (!run || run.runId !== provenance.runId || run.status !== 'approved' || !run.approvedBy)
    refuse(
      'CONFLICT',
      'MIGRATION_NOT_APPROVED',
      `迁移批次 ${provenance.runId} 未经站点负责人审批，不能写入`,
      `migration run ${provenance.runId} is not approved by the site's approver; nothing is written`,
      'R-LIB-4',
    );
  if (run.siteId !== siteId || (state.exists && state.siteId !== siteId))
    refuse(
      'CONFLICT',
      'RESOURCE_EXISTS',
      `资源 ${resourceId} 不属于迁移批次的站点 ${run.siteId}`,
      `resource ${resourceId} does not belong to the run's site ${run.siteId}`,
      'R-LIB-4',
    );
  const site = requireOpenSite(context, siteId);
  if (!site.activeColumns.has(columnId))
    refuse(
      'BAD_USER_INPUT',
      'UNKNOWN_COLUMN',
      `栏目 ${columnId} 不属于站点 ${siteId} 或已归档`,
      `column ${columnId} is not an active column of site ${siteId}`,
    );
  const metadata = checkedMetadata(data.metadata, context);
  const decision = decideMigration(state, provenance);
  const role = 'system';
  switch (decision.kind) {
    case 'unchanged':
    case 'written':
      return decided<ResourceEvent>(role);
    case 'conflict':
      return refuse('CONFLICT', decision.code, decision.reason, decision.reason, 'R-LIB-4');
    case 'create':
    case 'revive':
    case 'revise':
      break;
  }
  // A first migration, and one after a rollback, enters the library with the old site's dates; a revision is
  // published when the run takes it in.
  const created = decision.kind === 'create';
  const anew = decision.kind !== 'revise';
  const history = created ? (data.history ?? []) : [];
  const indexNumber = created ? data.indexNumber : { value: state.indexNumber ?? '', origin: 'existing' as const };
  if (!indexNumber?.value) throw new Error('the migration process must give a new resource its index number');
  const version = created ? (history.at(-1)?.version ?? 0) + 1 : state.published!.version + 1;
  const publishedAt = anew
    ? migratedPublicationTime(provenance.original.publishedAt, provenance.migratedAt)
    : provenance.migratedAt;
  const firstPublishedAt = anew ? (history[0]?.publishedAt ?? publishedAt) : state.migration!.firstPublishedAt;
  return decided<ResourceEvent>(role, {
    type: 'ResourceMigrated',
    data: {
      resourceId,
      siteId,
      version,
      metadata,
      placements: [{ siteId, columnId }],
      indexNumber: indexNumber.value,
      publishedAt,
      firstPublishedAt,
      ...(history.length > 0 ? { history } : {}),
      migration: {
        ...provenance,
        approvedBy: run.approvedBy,
        indexNumber: {
          origin: indexNumber.origin,
          ...('reason' in indexNumber && indexNumber.reason ? { reason: indexNumber.reason } : {}),
        },
      },
      by: actor.personId,
    },
  });
}

function requireOpenSite(context: ResourceCommandContext | undefined, siteId: string) {
  const site = context?.site;
  if (!site || site.status === null)
    refuse('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
  if (site.status === 'closed')
    refuse('CONFLICT', 'SITE_CLOSED', `站点 ${siteId} 已永久关停`, `site ${siteId} is closed permanently`, 'R-SITE-5');
  return site;
}

/**
 * Drafting, editing, submitting and correcting take an editor of the resource's site, or, for a resource drafted into
 * a co-built column, an editor of the partner site while the portal still grants it that column (R-PUSH-4). Every
 * review step stays with the portal's own staff.
 */
function requireEditor(
  actor: Actor,
  siteId: string,
  contributor: { siteId: string; columnId: string } | undefined,
  context: ResourceCommandContext | undefined,
  asPartner = false,
): SiteRole {
  if (!contributor || (!asPartner && actor.siteRoles.get(siteId)?.has('editor')))
    return requireSiteRole(actor, siteId, ['editor']);
  const role = requireSiteRole(actor, contributor.siteId, ['editor']);
  if (!context?.site?.coBuilding?.get(contributor.siteId)?.has(contributor.columnId))
    refuse(
      'FORBIDDEN',
      'CO_BUILDING_NOT_GRANTED',
      `站点 ${siteId} 未向 ${contributor.siteId} 开放栏目 ${contributor.columnId} 共建`,
      `site ${siteId} does not open column ${contributor.columnId} to ${contributor.siteId} for co-building`,
      'R-PUSH-4',
    );
  return role;
}
