/**
 * The audit trail (R-REVIEW-5): one row per event that matters to an auditor, platform-wide, queried by actor, site,
 * resource, kind and time, newest or oldest first, in pages whose cursor is a log position (so entries arriving
 * meanwhile never shift a page). It sees every event, to number each by its place in `$all`, which is its leaf in the
 * audit tree: an auditor takes any row to the tree and asks for its inclusion proof.
 *
 * Who may read which rows is the API's to decide (R-SEC-2: auditors and platform administrators everything, a site's
 * staff their own site's); the read model filters by site for it.
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';
import { AUDIT_KINDS, type AuditEntry, type AuditKind, auditEntryOf } from './audit-entry.js';

/** 2: drafts and edits (who wrote a version). */
export const AUDIT_TRAIL_PROJECTION_VERSION = 2;

export interface AuditTrailQuery {
  actorId?: string;
  siteId?: string;
  resourceId?: string;
  /** `api_key_write` selects every write by an API key, whatever its kind. */
  kinds?: AuditKind[];
  /** Inclusive, on the command's time (ISO 8601, any offset). */
  from?: string;
  /** Exclusive. */
  to?: string;
  /** Default newest first. */
  order?: 'newest' | 'oldest';
  /** At most 500; default 50. */
  first?: number;
  after?: string;
}

export interface AuditTrailPage {
  entries: AuditEntry[];
  /** Pass as `after` for the next page; null on the last one. */
  endCursor: string | null;
}

interface Row {
  position: number;
  leaf_index: number;
  kind: AuditKind;
  event_type: string;
  event_id: string;
  stream: string;
  actor_id: string;
  actor_role: string;
  api_key_id: string | null;
  site_id: string | null;
  resource_id: string | null;
  subject: string;
  reason: string | null;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: string;
  recorded_at: string;
  details: string;
}

const toEntry = (r: Row): AuditEntry => ({
  position: r.position,
  leafIndex: r.leaf_index,
  kind: r.kind,
  eventType: r.event_type,
  eventId: r.event_id,
  stream: r.stream,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  apiKeyId: r.api_key_id,
  siteId: r.site_id,
  resourceId: r.resource_id,
  subject: r.subject,
  reason: r.reason,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  occurredAt: r.occurred_at,
  recordedAt: r.recorded_at,
  details: r.details,
});

function badInput(path: string, message: string): DomainError {
  return new DomainError('BAD_USER_INPUT', 'BAD_USER_INPUT', `${path}：${message}`, `${path}: ${message}`, [
    { path, message },
  ]);
}

function instant(value: string, path: string): string {
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) throw badInput(path, 'not an ISO 8601 date or time');
  return new Date(time).toISOString();
}

export class AuditTrailReadModel {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'audit-trail', (generation) => {
      const suffix = tableSuffix(generation);
      this.db.exec(`DROP TABLE IF EXISTS audit_trail_${suffix}; DROP TABLE IF EXISTS audit_trail_leaves_${suffix};
        DROP TABLE IF EXISTS audit_trail_pushes_${suffix};`);
    });
  }

  private table(generation: string): string {
    return `audit_trail_${tableSuffix(generation)}`;
  }

  projection(): Projection {
    return {
      name: 'audit-trail',
      version: AUDIT_TRAIL_PROJECTION_VERSION,
      // Every event, to count leaves; only some become entries.
      eventTypes: 'all',
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    const table = this.table(generation);
    const leaves = `audit_trail_leaves_${tableSuffix(generation)}`;
    // A push's delivery events name the push, not the resource: remembered here so that they show under it.
    const pushes = `audit_trail_pushes_${tableSuffix(generation)}`;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${table} (
        position INTEGER PRIMARY KEY, leaf_index INTEGER NOT NULL, kind TEXT NOT NULL, event_type TEXT NOT NULL,
        event_id TEXT NOT NULL, stream TEXT NOT NULL, actor_id TEXT NOT NULL, actor_role TEXT NOT NULL, api_key_id TEXT,
        site_id TEXT, resource_id TEXT, subject TEXT NOT NULL, reason TEXT, correlation_id TEXT NOT NULL,
        causation_id TEXT, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, details TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS ${table}_actor ON ${table} (actor_id, position);
      CREATE INDEX IF NOT EXISTS ${table}_site ON ${table} (site_id, position);
      CREATE INDEX IF NOT EXISTS ${table}_resource ON ${table} (resource_id, position) WHERE resource_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${table}_kind ON ${table} (kind, position);
      CREATE INDEX IF NOT EXISTS ${table}_key ON ${table} (api_key_id, position) WHERE api_key_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${table}_time ON ${table} (occurred_at);
      CREATE TABLE IF NOT EXISTS ${leaves} (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS ${pushes} (push_id TEXT PRIMARY KEY, resource_id TEXT NOT NULL);`);
    const rememberPush = this.db.prepare(`INSERT OR IGNORE INTO ${pushes} (push_id, resource_id) VALUES (?, ?)`);
    const resourceOfPush = this.db
      .prepare<[string], string>(`SELECT resource_id FROM ${pushes} WHERE push_id = ?`)
      .pluck();
    const insert = this.db.prepare(
      `INSERT OR REPLACE INTO ${table} VALUES (@position, @leafIndex, @kind, @eventType, @eventId, @stream, @actorId,
        @actorRole, @apiKeyId, @siteId, @resourceId, @subject, @reason, @correlationId, @causationId, @occurredAt,
        @recordedAt, @details)`,
    );
    const leafCount = this.db.prepare(`SELECT count FROM ${leaves} WHERE id = 1`).pluck();
    const setLeafCount = this.db.prepare(
      `INSERT INTO ${leaves} (id, count) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET count = excluded.count`,
    );
    const apply = (batch: RecordedEvent[], checkpoint: Position) =>
      this.generations.applyOnce(generation, batch, checkpoint, (events) => {
        let next = (leafCount.get() as number | undefined) ?? 0;
        for (const event of events) {
          const entry = auditEntryOf(event, next++);
          if (!entry) continue;
          const pushId = typeof event.data.pushId === 'string' ? event.data.pushId : null;
          if (pushId && entry.resourceId) rememberPush.run(pushId, entry.resourceId);
          if (pushId && !entry.resourceId) entry.resourceId = resourceOfPush.get(pushId) ?? null;
          insert.run(entry);
        }
        setLeafCount.run(next);
      });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  /** One page of the trail. */
  query(query: AuditTrailQuery = {}): AuditTrailPage {
    const generation = this.generations.active();
    if (!generation) return { entries: [], endCursor: null };
    const first = query.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first', 'between 1 and 500');
    const oldest = query.order === 'oldest';
    const { where, values } = this.conditions(query);
    if (query.after) {
      where.push(oldest ? 'position > ?' : 'position < ?');
      values.push(decodeCursor(query.after));
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM ${this.table(generation)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY position ${oldest ? 'ASC' : 'DESC'} LIMIT CAST(? AS INTEGER)`,
      )
      .all(...values, first + 1) as Row[];
    const shown = rows.slice(0, first);
    const last = shown.at(-1);
    return { entries: shown.map(toEntry), endCursor: rows.length > first && last ? encodeCursor(last.position) : null };
  }

  /** How many entries a query selects (cursor and order aside). */
  count(query: AuditTrailQuery = {}): number {
    const generation = this.generations.active();
    if (!generation) return 0;
    const { where, values } = this.conditions(query);
    return this.db
      .prepare(`SELECT count(*) FROM ${this.table(generation)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`)
      .pluck()
      .get(...values) as number;
  }

  private conditions(query: AuditTrailQuery): { where: string[]; values: unknown[] } {
    const where: string[] = [];
    const values: unknown[] = [];
    for (const [column, value] of [
      ['actor_id', query.actorId],
      ['site_id', query.siteId],
      ['resource_id', query.resourceId],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        values.push(value);
      }
    }
    if (query.kinds) {
      const unknown = query.kinds.filter((k) => !AUDIT_KINDS.includes(k));
      if (unknown.length > 0)
        throw badInput('kinds', `unknown kind ${unknown.join(', ')}; known: ${AUDIT_KINDS.join(', ')}`);
      const alternatives: string[] = [];
      if (query.kinds.length > 0) {
        alternatives.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`);
        values.push(...query.kinds);
      }
      if (query.kinds.includes('api_key_write')) alternatives.push('api_key_id IS NOT NULL');
      where.push(alternatives.length ? `(${alternatives.join(' OR ')})` : '0');
    }
    if (query.from !== undefined) {
      where.push('occurred_at >= ?');
      values.push(instant(query.from, 'from'));
    }
    if (query.to !== undefined) {
      where.push('occurred_at < ?');
      values.push(instant(query.to, 'to'));
    }
    return { where, values };
  }

  close(): void {
    this.db.close();
  }
}

function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ trail: position })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { trail?: unknown };
    if (Number.isSafeInteger(value.trail)) return value.trail as number;
  } catch {
    // fall through
  }
  throw badInput('after', 'not a cursor of the audit trail');
}

export function openAuditTrail(dataDir: string): AuditTrailReadModel {
  return new AuditTrailReadModel(`${dataDir}/audit-trail.sqlite`);
}
