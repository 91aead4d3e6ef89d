/**
 * Each site's drafts and review queues (R-SEC-2: a site's staff see their own site's only), and every resource's
 * review history (R-REVIEW-5). Kept apart from the shared library, which holds only what is published. A row is the
 * resource's state as the domain folds it, so the queue and the decider can never disagree about what stage a
 * resource is in. A migrated resource (R-LIB-4) is published from its first event and never waits in a queue; its
 * history names the run whose approval reviewed it.
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import {
  type ResourceEvent,
  type ResourceState,
  type ReviewStage,
  resourceDecider,
  resourceEventSchemas,
  resourceStatus,
} from '../../domain/resource/resource.js';
import type { Actor, SiteRole } from '../../domain/shared/actor.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';

/** 2: the partner site of a co-built draft (R-PUSH-4). 3: review history. */
export const WORKFLOW_PROJECTION_VERSION = 3;

export type WorkflowStatus = ReturnType<typeof resourceStatus>;

export interface WorkflowItem {
  resourceId: string;
  siteId: string;
  /** The partner site whose editors drafted it into a co-built column of this portal (R-PUSH-4). */
  contributorSiteId: string | null;
  status: WorkflowStatus;
  /** Version under edit or review; the published one when none is. */
  version: number;
  title: string;
  /** Everyone who wrote or edited the version under review. */
  writers: string[];
  updatedAt: string;
  state: ResourceState;
}

/** Which review step each stage waits for, and the role that takes it (R-REVIEW-1). */
const NEXT_STEP: Partial<Record<ReviewStage, { role: SiteRole; independent: boolean }>> = {
  submitted: { role: 'editor', independent: false },
  first_review_passed: { role: 'reviewer', independent: true },
  second_review_passed: { role: 'approver', independent: true },
  final_review_passed: { role: 'approver', independent: false },
};

/** One step in a resource's history: who did what, in which role, when and why (R-REVIEW-5). */
export interface ReviewAction {
  type: string;
  actorId: string;
  actorRole: string;
  occurredAt: string;
  version: number | null;
  reason: string | null;
  comment: string | null;
}

const UNPUBLISHED: WorkflowStatus[] = [
  'draft',
  'submitted',
  'first_review_passed',
  'second_review_passed',
  'final_review_passed',
];

export class WorkflowReadModel {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'workflow', (generation) =>
      this.db.exec(
        `DROP TABLE IF EXISTS ${this.table(generation)}; DROP TABLE IF EXISTS ${this.historyTable(generation)}`,
      ),
    );
  }

  private historyTable(generation: string): string {
    return `review_actions_${tableSuffix(generation)}`;
  }

  private table(generation: string): string {
    return `workflow_items_${tableSuffix(generation)}`;
  }

  private create(generation: string): void {
    const table = this.table(generation);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        resource_id TEXT PRIMARY KEY,
        site_id     TEXT NOT NULL,
        contributor_site_id TEXT,
        status      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        state       TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS ${table}_site ON ${table} (site_id, status, updated_at);
      CREATE INDEX IF NOT EXISTS ${table}_contributor ON ${table} (contributor_site_id, status, updated_at)
        WHERE contributor_site_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS ${this.historyTable(generation)} (
        resource_id TEXT NOT NULL,
        position    INTEGER NOT NULL,
        action      TEXT NOT NULL,
        PRIMARY KEY (resource_id, position)
      );`);
  }

  projection(): Projection {
    return {
      name: 'workflow',
      version: WORKFLOW_PROJECTION_VERSION,
      eventTypes: Object.keys(resourceEventSchemas),
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    this.create(generation);
    const table = this.table(generation);
    const select = this.db.prepare<[string], string>(`SELECT state FROM ${table} WHERE resource_id = ?`).pluck();
    const upsert = this.db.prepare(
      `INSERT INTO ${table} (resource_id, site_id, contributor_site_id, status, updated_at, state) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (resource_id) DO UPDATE SET site_id = excluded.site_id, status = excluded.status,
         contributor_site_id = excluded.contributor_site_id, updated_at = excluded.updated_at, state = excluded.state`,
    );
    const record = this.db.prepare(
      `INSERT OR IGNORE INTO ${this.historyTable(generation)} (resource_id, position, action) VALUES (?, ?, ?)`,
    );
    const apply = (batch: RecordedEvent[], checkpoint: Position) =>
      this.generations.applyOnce(generation, batch, checkpoint, (events) => {
        for (const recorded of events) {
          const event = toDomainEvent<ResourceEvent>(recorded, resourceEventSchemas);
          record.run(event.data.resourceId, recorded.position, JSON.stringify(reviewAction(recorded)));
          const stored = select.get(event.data.resourceId);
          const state = resourceDecider.evolve(
            stored ? (JSON.parse(stored) as ResourceState) : resourceDecider.initialState(),
            event,
          );
          upsert.run(
            state.resourceId,
            state.siteId,
            state.contributor?.siteId ?? null,
            resourceStatus(state),
            recorded.metadata.occurredAt,
            JSON.stringify(state),
          );
        }
      });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  private activeTable(): string | null {
    const generation = this.generations.active();
    return generation ? this.table(generation) : null;
  }

  private rows(where: string, ...parameters: unknown[]): WorkflowItem[] {
    const table = this.activeTable();
    if (!table) return [];
    const rows = this.db
      .prepare(`SELECT state, updated_at FROM ${table} WHERE ${where} ORDER BY updated_at, resource_id`)
      .all(...parameters) as Array<{
      state: string;
      updated_at: string;
    }>;
    return rows.map((row) => toItem(JSON.parse(row.state) as ResourceState, row.updated_at));
  }

  /** The resource's steps in the order they were taken. */
  history(resourceId: string): ReviewAction[] {
    const generation = this.generations.active();
    if (!generation) return [];
    return this.db
      .prepare<[string], string>(
        `SELECT action FROM ${this.historyTable(generation)} WHERE resource_id = ? ORDER BY position`,
      )
      .pluck()
      .all(resourceId)
      .map((json) => JSON.parse(json) as ReviewAction);
  }

  item(resourceId: string): WorkflowItem | null {
    return this.rows('resource_id = ?', resourceId)[0] ?? null;
  }

  /**
   * A site's resources in the given statuses (default: everything not yet published), with what its editors drafted
   * into co-built portal columns (R-PUSH-4) unless `ownOnly`.
   */
  siteItems(siteId: string, statuses: WorkflowStatus[] = UNPUBLISHED, ownOnly = false): WorkflowItem[] {
    const inStatuses = `status IN (${statuses.map(() => '?').join(', ')})`;
    if (ownOnly) return this.rows(`site_id = ? AND ${inStatuses}`, siteId, ...statuses);
    return this.rows(
      `(site_id = ? AND ${inStatuses}) OR (contributor_site_id = ? AND ${inStatuses})`,
      siteId,
      ...statuses,
      siteId,
      ...statuses,
    );
  }

  /**
   * What waits for this person: on each site where they hold a role, the versions at a step that role takes, minus
   * the ones they wrote where the step must be independent of the writer (R-REVIEW-2).
   */
  reviewQueue(actor: Actor): WorkflowItem[] {
    if (actor.deactivated) return [];
    const queue: WorkflowItem[] = [];
    for (const [siteId, roles] of actor.siteRoles) {
      const stages = (Object.keys(NEXT_STEP) as ReviewStage[]).filter((stage) => roles.has(NEXT_STEP[stage]!.role));
      if (stages.length === 0) continue;
      // Only the site's own: a partner's staff never review what it contributed to the portal.
      for (const item of this.siteItems(siteId, stages, true)) {
        const step = NEXT_STEP[item.status as ReviewStage]!;
        if (step.independent && item.writers.includes(actor.personId)) continue;
        if (item.status === 'second_review_passed' && item.state.working?.secondReviewer === actor.personId) continue;
        queue.push(item);
      }
    }
    return queue;
  }

  close(): void {
    this.db.close();
  }
}

export function reviewAction(recorded: RecordedEvent): ReviewAction {
  const data = recorded.data as {
    version?: number;
    reason?: string;
    comment?: string;
    migration?: { runId: string; approvedBy: string };
  };
  // A migrated version was reviewed by the approval of its run (R-LIB-4): the history says whose, and which run.
  const comment = data.migration
    ? `migration run ${data.migration.runId}, approved by ${data.migration.approvedBy}`
    : (data.comment ?? null);
  return {
    type: recorded.type,
    actorId: recorded.metadata.actorId,
    actorRole: recorded.metadata.actorRole,
    occurredAt: recorded.metadata.occurredAt,
    version: data.version ?? null,
    reason: data.reason ?? null,
    comment,
  };
}

function toItem(state: ResourceState, updatedAt: string): WorkflowItem {
  const version = state.working ?? state.published;
  return {
    resourceId: state.resourceId,
    siteId: state.siteId,
    contributorSiteId: state.contributor?.siteId ?? null,
    status: resourceStatus(state),
    version: version?.version ?? 0,
    title: version?.metadata.title ?? '',
    writers: state.working?.writers ?? [],
    updatedAt,
    state,
  };
}

export function openWorkflowReadModel(dataDir: string): WorkflowReadModel {
  return new WorkflowReadModel(`${dataDir}/workflow.sqlite`);
}
