/**
 * Push inboxes and outboxes: one row per push and receiving site, with where it stands there, and for important
 * pushes the 12-hour deadline and whether it was met (R-PUSH-3). A withdrawal of the original marks every delivery
 * of it, so the receiving sites learn that what they took (or were asked to take) is gone; a correction updates the
 * title they see, since they hold a placement of the same resource, not a copy.
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import { type ProvincialEvent, provincialEventSchemas } from '../../domain/provincial/provincial-resource.js';
import { type DeliveryStage, OPEN_STAGES, type PushEvent, pushEventSchemas } from '../../domain/push/push.js';
import { type ResourceEvent, resourceEventSchemas } from '../../domain/resource/resource.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';

export const PUSH_PROJECTION_VERSION = 1;

/** Where a push stands at one receiving site; `withdrawn`: the original was withdrawn by its site. */
export type DeliveryStatus = DeliveryStage | 'withdrawn';
const OPEN_STATUSES: readonly DeliveryStatus[] = OPEN_STAGES;

export interface PushDelivery {
  pushId: string;
  resourceId: string;
  originSiteId: string;
  siteId: string;
  title: string;
  version: number;
  important: boolean;
  pushedAt: string;
  pushedBy: string;
  note: string | null;
  suggestedColumnId: string | null;
  status: DeliveryStatus;
  /** The column it was accepted into. */
  columnId: string | null;
  /** When it was accepted, declined, recalled or withdrawn, by whom, and why. */
  decidedAt: string | null;
  decidedBy: string | null;
  reason: string | null;
  /** Important pushes only. */
  deadline: string | null;
  /** Important pushes: whether it was accepted in time; null while undecided (see `overdue`) or not important. */
  deadlineMet: boolean | null;
  /** An important push still open at this site after its deadline (R-PUSH-3), as of the time asked about. */
  overdue: boolean;
}

export interface DeliveryPage {
  deliveries: PushDelivery[];
  total: number;
  endCursor: string | null;
}

export interface DeliveryQuery {
  statuses?: DeliveryStatus[];
  /** Only important pushes past their deadline and still open. */
  overdueOnly?: boolean;
  /** At most 500; default 50. */
  first?: number;
  after?: string;
}

interface Row {
  push_id: string;
  site_id: string;
  origin_site_id: string;
  resource_id: string;
  title: string;
  version: number;
  important: number;
  pushed_at: string;
  pushed_by: string;
  note: string | null;
  suggested_column_id: string | null;
  status: DeliveryStatus;
  column_id: string | null;
  decided_at: string | null;
  decided_by: string | null;
  reason: string | null;
  deadline: string | null;
  deadline_met: number | null;
}

const schemas = { ...pushEventSchemas, ...resourceEventSchemas, ...provincialEventSchemas };

export class PushReadModel {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'push', (generation) =>
      this.db.exec(`DROP TABLE IF EXISTS ${this.table(generation)}`),
    );
  }

  private table(generation: string): string {
    return `push_deliveries_${tableSuffix(generation)}`;
  }

  projection(): Projection {
    return {
      name: 'push',
      version: PUSH_PROJECTION_VERSION,
      // A migrated version (R-LIB-4) retitles deliveries like a published correction.
      eventTypes: [
        ...Object.keys(pushEventSchemas),
        'ResourcePublished',
        'ResourceMigrated',
        'ResourceWithdrawn',
        'ProvincialResourceWithdrawn',
        'ProvincialResourceUpdated',
      ],
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    const table = this.table(generation);
    // Times are ISO 8601 UTC strings, so they sort as text.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        push_id TEXT NOT NULL, site_id TEXT NOT NULL, origin_site_id TEXT NOT NULL, resource_id TEXT NOT NULL,
        title TEXT NOT NULL, version INTEGER NOT NULL, important INTEGER NOT NULL, pushed_at TEXT NOT NULL,
        pushed_by TEXT NOT NULL, note TEXT, suggested_column_id TEXT, status TEXT NOT NULL, column_id TEXT,
        decided_at TEXT, decided_by TEXT, reason TEXT, deadline TEXT, deadline_met INTEGER,
        PRIMARY KEY (push_id, site_id));
      CREATE INDEX IF NOT EXISTS ${table}_inbox ON ${table} (site_id, pushed_at, push_id);
      CREATE INDEX IF NOT EXISTS ${table}_outbox ON ${table} (origin_site_id, pushed_at, push_id);
      CREATE INDEX IF NOT EXISTS ${table}_resource ON ${table} (resource_id);
      CREATE INDEX IF NOT EXISTS ${table}_deadline ON ${table} (deadline) WHERE deadline IS NOT NULL;`);
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO ${table} (push_id, site_id, origin_site_id, resource_id, title, version, important,
         pushed_at, pushed_by, note, suggested_column_id, status, deadline)
       VALUES (@pushId, @siteId, @originSiteId, @resourceId, @title, @version, @important, @pushedAt, @pushedBy,
         @note, @suggestedColumnId, 'pending', @deadline)`,
    );
    const setStatus = this.db.prepare(
      `UPDATE ${table} SET status = @status, column_id = coalesce(@columnId, column_id),
         decided_at = coalesce(@decidedAt, decided_at), decided_by = coalesce(@decidedBy, decided_by),
         reason = coalesce(@reason, reason), deadline_met = coalesce(@deadlineMet, deadline_met)
       WHERE push_id = @pushId AND site_id = @siteId`,
    );
    const withdraw = this.db.prepare(
      `UPDATE ${table} SET status = 'withdrawn', decided_at = @decidedAt, decided_by = @decidedBy, reason = @reason
       WHERE resource_id = @resourceId AND status IN ('pending', 'second_review_passed', 'final_review_passed', 'accepted')`,
    );
    const retitle = this.db.prepare(`UPDATE ${table} SET title = ?, version = ? WHERE resource_id = ?`);
    const change = (pushId: string, siteId: string, status: DeliveryStatus, extra: Partial<Record<string, unknown>>) =>
      setStatus.run({
        pushId,
        siteId,
        status,
        columnId: null,
        decidedAt: null,
        decidedBy: null,
        reason: null,
        deadlineMet: null,
        ...extra,
      });

    const apply = (batch: RecordedEvent[], checkpoint: Position) =>
      this.generations.applyOnce(generation, batch, checkpoint, (events) => {
        for (const recorded of events) {
          const event = toDomainEvent<PushEvent | ResourceEvent | ProvincialEvent>(recorded, schemas);
          const at = recorded.metadata.occurredAt;
          switch (event.type) {
            case 'ResourcePushed': {
              const d = event.data;
              for (const t of d.targets)
                insert.run({
                  pushId: d.pushId,
                  siteId: t.siteId,
                  originSiteId: d.originSiteId,
                  resourceId: d.resourceId,
                  title: d.title,
                  version: d.version,
                  important: d.important ? 1 : 0,
                  pushedAt: new Date(d.pushedAt).toISOString(),
                  pushedBy: d.by,
                  note: d.note ?? null,
                  suggestedColumnId: t.suggestedColumnId ?? null,
                  deadline: d.deadline ? new Date(d.deadline).toISOString() : null,
                });
              break;
            }
            case 'PushSecondReviewPassed':
              change(event.data.pushId, event.data.siteId, 'second_review_passed', {});
              break;
            case 'PushFinalReviewPassed':
              change(event.data.pushId, event.data.siteId, 'final_review_passed', {});
              break;
            case 'PushAccepted': {
              const d = event.data;
              change(d.pushId, d.siteId, 'accepted', {
                columnId: d.columnId,
                decidedAt: d.acceptedAt,
                decidedBy: d.by,
                deadlineMet: d.deadlineMet === undefined ? null : d.deadlineMet ? 1 : 0,
              });
              break;
            }
            case 'PushDeclined': {
              const d = event.data;
              change(d.pushId, d.siteId, 'declined', { decidedAt: at, decidedBy: d.by, reason: d.reason });
              break;
            }
            case 'PushRecalled': {
              const d = event.data;
              change(d.pushId, d.siteId, 'recalled', { decidedAt: at, decidedBy: d.by, reason: d.reason });
              break;
            }
            case 'ResourceWithdrawn':
              withdraw.run({
                resourceId: event.data.resourceId,
                decidedAt: at,
                decidedBy: event.data.by,
                reason: event.data.reason,
              });
              break;
            case 'ResourcePublished':
            case 'ResourceMigrated':
              retitle.run(event.data.metadata.title, event.data.version, event.data.resourceId);
              break;
            // A provincial resource a site took in is withdrawn or corrected by the province (R-LIB-3).
            case 'ProvincialResourceWithdrawn':
              withdraw.run({
                resourceId: event.data.resourceId,
                decidedAt: at,
                decidedBy: recorded.metadata.actorId,
                reason: event.data.reason ?? '省级资源库已撤回',
              });
              break;
            case 'ProvincialResourceUpdated':
              retitle.run(event.data.metadata.title, event.data.version, event.data.resourceId);
              break;
            default:
              break;
          }
        }
      });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  private select(
    where: string,
    parameters: unknown[],
    order: string,
    now: Date,
    query: DeliveryQuery = {},
  ): DeliveryPage {
    const generation = this.generations.active();
    if (!generation) return { deliveries: [], total: 0, endCursor: null };
    const table = this.table(generation);
    const conditions = [where];
    const values = [...parameters];
    if (query.statuses && query.statuses.length > 0) {
      conditions.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      values.push(...query.statuses);
    }
    if (query.overdueOnly) {
      conditions.push(
        `deadline IS NOT NULL AND deadline < ? AND status IN (${OPEN_STATUSES.map(() => '?').join(', ')})`,
      );
      values.push(now.toISOString(), ...OPEN_STATUSES);
    }
    const filtered = conditions.join(' AND ');
    const total = this.db
      .prepare(`SELECT count(*) FROM ${table} WHERE ${filtered}`)
      .pluck()
      .get(...values) as number;
    const first = Math.min(Math.max(query.first ?? 50, 1), 500);
    const after = query.after ? decodeCursor(query.after) : null;
    // Newest first; the cursor is the last row's (pushed_at, push_id, site_id), so arrivals never shift a page.
    const page = after ? ` AND (pushed_at, push_id, site_id) < (?, ?, ?)` : '';
    const rows = this.db
      .prepare(`SELECT * FROM ${table} WHERE ${filtered}${page} ORDER BY ${order} LIMIT CAST(? AS INTEGER)`)
      .all(...values, ...(after ?? []), first + 1) as Row[];
    const more = rows.length > first;
    const shown = rows.slice(0, first);
    const last = shown.at(-1);
    return {
      deliveries: shown.map((row) => toDelivery(row, now)),
      total,
      endCursor: more && last ? encodeCursor([last.pushed_at, last.push_id, last.site_id]) : null,
    };
  }

  /** What was pushed to a site. */
  inbox(siteId: string, now: Date, query?: DeliveryQuery): DeliveryPage {
    return this.select('site_id = ?', [siteId], NEWEST, now, query);
  }

  /** What a site pushed, one entry per receiving site. */
  outbox(originSiteId: string, now: Date, query?: DeliveryQuery): DeliveryPage {
    return this.select('origin_site_id = ?', [originSiteId], NEWEST, now, query);
  }

  /** Every site's deliveries (platform administrators and auditors: supervision of R-PUSH-3). */
  all(now: Date, query?: DeliveryQuery): DeliveryPage {
    return this.select('1 = 1', [], NEWEST, now, query);
  }

  /** Every receiving site of one push. */
  deliveries(pushId: string, now: Date): PushDelivery[] {
    return this.select('push_id = ?', [pushId], NEWEST, now, { first: 500 }).deliveries;
  }

  /** Every delivery of a resource, across its pushes. */
  deliveriesOfResource(resourceId: string, now: Date): PushDelivery[] {
    return this.select('resource_id = ?', [resourceId], NEWEST, now, { first: 500 }).deliveries;
  }

  close(): void {
    this.db.close();
  }
}

const NEWEST = 'pushed_at DESC, push_id DESC, site_id DESC';

function toDelivery(row: Row, now: Date): PushDelivery {
  const open = OPEN_STATUSES.includes(row.status);
  return {
    pushId: row.push_id,
    resourceId: row.resource_id,
    originSiteId: row.origin_site_id,
    siteId: row.site_id,
    title: row.title,
    version: row.version,
    important: row.important === 1,
    pushedAt: row.pushed_at,
    pushedBy: row.pushed_by,
    note: row.note,
    suggestedColumnId: row.suggested_column_id,
    status: row.status,
    columnId: row.column_id,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    reason: row.reason,
    deadline: row.deadline,
    deadlineMet: row.deadline_met === null ? null : row.deadline_met === 1,
    overdue: open && row.deadline !== null && now.toISOString() > row.deadline,
  };
}

function encodeCursor(key: [string, string, string]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): [string, string, string] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 3 && key.every((k) => typeof k === 'string'))
      return key as [string, string, string];
  } catch {
    // fall through
  }
  throw new DomainError(
    'BAD_USER_INPUT',
    'BAD_USER_INPUT',
    'after 不是此列表的游标',
    'after: not a cursor of this list',
    [{ path: 'after', message: 'not a cursor of this list' }],
  );
}

export function openPushReadModel(dataDir: string): PushReadModel {
  return new PushReadModel(`${dataDir}/push.sqlite`);
}
