/**
 * The supervision read model (P-art.25, 49-51): per site its columns with their latest publication, archived topics,
 * availability, public messages and work orders, in `supervision.sqlite`. Everything that depends on time passing
 * (a column gone stale, a message or work order overdue, a message unanswered for three months, an offline past its
 * end) is judged when asked, with the clock the caller passes: the server's, so that moving it moves the answers.
 */
import type Database from 'better-sqlite3';
import { chinaDateOf } from '../../domain/calendar/calendar-date.js';
import type { Asker } from '../../domain/message/message.js';
import type { MessageCategory } from '../../domain/message/message-deadline.js';
import { automaticFindings } from '../../domain/supervision/automatic-findings.js';
import {
  type ColumnFreshness,
  type ColumnStanding,
  columnFreshness,
  type Scorecard,
  scorecard,
  UNANSWERED_MONTHS_VETO,
  type UnansweredMessage,
} from '../../domain/supervision/scorecard.js';
import { type AvailabilityProblem, availabilityProblems } from '../../domain/supervision/site-availability.js';
import { addChinaMonths as addMonths, type UpdateCycle } from '../../domain/supervision/update-cycle.js';
import type { Finding } from '../../domain/work-order/finding.js';
import type { Severity } from '../../domain/work-order/severity.js';
import type { WorkOrderStatus } from '../../domain/work-order/work-order.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations } from '../sqlite/sqlite-generations.js';
import { SUPERVISION_EVENT_TYPES, supervisionWriter } from './supervision-projection.js';
import {
  createSupervisionTables,
  dropSupervisionTables,
  type SupervisionTables,
  supervisionTables,
} from './supervision-tables.js';

export const SUPERVISION_PROJECTION_VERSION = 1;

export interface SupervisedSite {
  siteId: string;
  name: string;
  kind: string;
  status: 'online' | 'offline' | 'closed';
  openedAt: string;
}

export interface ArchivedTopic {
  siteId: string;
  columnId: string;
  channelId: string;
  name: string;
  path: string;
  archivedAt: string;
  reason: string;
  resourceCount: number;
  lastPublishedAt: string | null;
}

export type MessageStatus = 'received' | 'assigned' | 'answer_drafted' | 'answered' | 'dismissed';

export interface MessageView {
  messageId: string;
  siteId: string;
  category: MessageCategory;
  subject: string;
  question: string;
  /** The asker's personal data: for the answering unit's staff only. */
  asker: Asker;
  status: MessageStatus;
  receivedAt: string;
  workingDays: number;
  dueDate: string;
  unit: string | null;
  extensionReason: string | null;
  dismissedAt: string | null;
  dismissReason: string | null;
  resourceId: string | null;
  answer: string | null;
  answeredAt: string | null;
  /** Whether the answer was published by the end of its due date; null while unanswered. */
  answeredOnTime: boolean | null;
  /** Unanswered (and not dismissed) after its due date, as of the time asked about. */
  overdue: boolean;
  /** Unanswered for more than three months: a single-veto item (R-SUP-2). */
  unansweredOverThreeMonths: boolean;
}

export interface WorkOrderStep {
  step: 'opened' | 'answered' | 'closed' | 'reopened';
  at: string;
  by: string;
  [detail: string]: unknown;
}

export interface WorkOrderView {
  workOrderId: string;
  checkId: string;
  siteId: string;
  origin: 'automatic' | 'manual';
  item: string;
  severity: Severity;
  title: string;
  evidence: string[];
  rule: string | null;
  status: WorkOrderStatus;
  openedAt: string;
  dueDate: string;
  answeredAt: string | null;
  outcome: 'rectified' | 'explained' | null;
  answerNote: string | null;
  answeredOnTime: boolean | null;
  closedAt: string | null;
  closeNote: string | null;
  reopenedAt: string | null;
  reopenReason: string | null;
  /** Waiting for the site's answer after its due date, as of the time asked about. */
  overdue: boolean;
  history: WorkOrderStep[];
}

export interface CheckView {
  checkId: string;
  kind: string;
  siteIds: string[];
  findings: number;
  recordedAt: string;
  by: string;
}

export interface MessageQuery {
  siteId?: string;
  statuses?: MessageStatus[];
  overdueOnly?: boolean;
}

export interface WorkOrderQuery {
  siteId?: string;
  statuses?: WorkOrderStatus[];
  overdueOnly?: boolean;
  checkId?: string;
}

interface ColumnRow {
  site_id: string;
  column_id: string;
  channel_id: string;
  name: string;
  path: string;
  update_cycle: UpdateCycle;
  added_at: string;
  last_published_at: string | null;
}

interface SiteRow {
  site_id: string;
  name: string;
  kind: string;
  status: 'online' | 'offline' | 'closed';
  opened_at: string;
  offline_from: string | null;
  offline_until: string | null;
  outage_id: string | null;
  outage_started_at: string | null;
}

/** What ColumnStanding is made of (toColumn). */
const COLUMN_FIELDS = 'site_id, column_id, channel_id, name, path, update_cycle, added_at, last_published_at';
const OPEN_WORK_ORDER = `status IN ('open', 'reopened')`;
const UNANSWERED = 'answered_at IS NULL AND dismissed_at IS NULL';

export class SupervisionReadModel {
  readonly db: Database.Database;
  private readonly generations: SqliteGenerations;

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'supervision', (generation) =>
      dropSupervisionTables(this.db, supervisionTables(generation)),
    );
  }

  projection(): Projection {
    return {
      name: 'supervision',
      version: SUPERVISION_PROJECTION_VERSION,
      eventTypes: SUPERVISION_EVENT_TYPES,
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private target(generation: string): ProjectionTarget {
    const tables = supervisionTables(generation);
    createSupervisionTables(this.db, tables);
    const write = supervisionWriter(this.db, tables);
    const apply = this.db.transaction((events: Parameters<typeof write>[0], checkpoint: number) => {
      write(events);
      this.generations.recordCheckpoint(generation, checkpoint);
    });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  /** The active generation's tables, or null before the first promotion. */
  tables(): SupervisionTables | null {
    const generation = this.generations.active();
    return generation ? supervisionTables(generation) : null;
  }

  private all<Row>(sql: (t: SupervisionTables) => string, ...parameters: unknown[]): Row[] {
    const t = this.tables();
    return t ? (this.db.prepare(sql(t)).all(...parameters) as Row[]) : [];
  }

  sites(): SupervisedSite[] {
    return this.all<SiteRow>((t) => `SELECT * FROM ${t.sites} ORDER BY opened_at, site_id`).map(toSite);
  }

  site(siteId: string): SupervisedSite | null {
    const row = this.all<SiteRow>((t) => `SELECT * FROM ${t.sites} WHERE site_id = ?`, siteId)[0];
    return row ? toSite(row) : null;
  }

  /** A site's columns that take content (not archived topics, not migrated away), as they stand. */
  columns(siteId: string): ColumnStanding[] {
    return this.all<ColumnRow>(
      (t) =>
        `SELECT ${COLUMN_FIELDS} FROM ${t.columns} WHERE site_id = ? AND state = 'active' ORDER BY channel_id, column_id`,
      siteId,
    ).map(toColumn);
  }

  columnFreshness(siteId: string, now: Date): ColumnFreshness[] {
    return this.columns(siteId).map((c) => columnFreshness(c, now));
  }

  /** R-SUP-3: the site's archive area. */
  archiveArea(siteId: string): ArchivedTopic[] {
    return this.all<ArchivedTopic>(
      (t) => `SELECT c.site_id AS siteId, c.column_id AS columnId, c.channel_id AS channelId, c.name, c.path,
        c.archived_at AS archivedAt, c.archive_reason AS reason, c.last_published_at AS lastPublishedAt,
        (SELECT count(*) FROM ${t.placements} p WHERE p.site_id = c.site_id AND p.column_id = c.column_id) AS resourceCount
       FROM ${t.columns} c WHERE c.site_id = ? AND c.state = 'archived' ORDER BY c.archived_at DESC`,
      siteId,
    );
  }

  private unanswered(siteId: string | null): Array<UnansweredMessage & { siteId: string; dueDate: string }> {
    return this.all<UnansweredMessage & { siteId: string; dueDate: string }>(
      (t) =>
        `SELECT message_id AS messageId, site_id AS siteId, subject, received_at AS receivedAt, due_date AS dueDate
         FROM ${t.messages} WHERE ${UNANSWERED}${siteId === null ? '' : ' AND site_id = ?'} ORDER BY received_at`,
      ...(siteId === null ? [] : [siteId]),
    );
  }

  scorecard(siteId: string, now: Date): Scorecard | null {
    const site = this.site(siteId);
    if (!site) return null;
    return scorecard(siteId, this.columns(siteId), this.unanswered(siteId), now, site.openedAt);
  }

  /** Every site that is not closed, each with its scorecard: one read of the columns and messages for all of them. */
  scorecards(now: Date): Scorecard[] {
    const sites = this.sites().filter((s) => s.status !== 'closed');
    const columns = groupBy(
      // A scan, not the state index: nearly every column is active, and the index would look each row up apart.
      this.all<ColumnRow>((t) => `SELECT ${COLUMN_FIELDS} FROM ${t.columns} NOT INDEXED WHERE state = 'active'`).map(
        toColumn,
      ),
      (c) => c.siteId,
    );
    const messages = groupBy(this.unanswered(null), (m) => m.siteId);
    return sites.map((s) =>
      scorecard(s.siteId, columns.get(s.siteId) ?? [], messages.get(s.siteId) ?? [], now, s.openedAt),
    );
  }

  availability(siteId: string, now: Date): AvailabilityProblem[] {
    const row = this.all<SiteRow>((t) => `SELECT * FROM ${t.sites} WHERE site_id = ?`, siteId)[0];
    return row ? availabilityProblems(toAvailability(row), now) : [];
  }

  /** The problems a check finds on its own on each of these sites now (R-SUP-4). */
  automaticFindings(siteIds: readonly string[], now: Date): Finding[] {
    const today = chinaDateOf(now.toISOString());
    return siteIds.flatMap((siteId) => {
      const card = this.scorecard(siteId, now);
      if (!card || this.site(siteId)?.status === 'closed') return [];
      const overdue = this.unanswered(siteId)
        .filter((m) => m.dueDate < today)
        .map((m) => ({ messageId: m.messageId, subject: m.subject, dueDate: m.dueDate }));
      return automaticFindings(card, this.availability(siteId, now), overdue);
    });
  }

  messages(query: MessageQuery, now: Date): MessageView[] {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.siteId) {
      conditions.push('site_id = ?');
      parameters.push(query.siteId);
    }
    if (query.statuses && query.statuses.length > 0) {
      conditions.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      parameters.push(...query.statuses);
    }
    if (query.overdueOnly) {
      conditions.push(`${UNANSWERED} AND due_date < ?`);
      parameters.push(chinaDateOf(now.toISOString()));
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.all<Record<string, unknown>>(
      (t) => `SELECT * FROM ${t.messages} ${where} ORDER BY received_at DESC, message_id`,
      ...parameters,
    ).map((row) => toMessage(row, now));
  }

  message(messageId: string, now: Date): MessageView | null {
    const row = this.all<Record<string, unknown>>(
      (t) => `SELECT * FROM ${t.messages} WHERE message_id = ?`,
      messageId,
    )[0];
    return row ? toMessage(row, now) : null;
  }

  workOrders(query: WorkOrderQuery, now: Date): WorkOrderView[] {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.siteId) {
      conditions.push('site_id = ?');
      parameters.push(query.siteId);
    }
    if (query.checkId) {
      conditions.push('check_id = ?');
      parameters.push(query.checkId);
    }
    if (query.statuses && query.statuses.length > 0) {
      conditions.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      parameters.push(...query.statuses);
    }
    if (query.overdueOnly) {
      conditions.push(`${OPEN_WORK_ORDER} AND due_date < ?`);
      parameters.push(chinaDateOf(now.toISOString()));
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.all<Record<string, unknown>>(
      (t) => `SELECT * FROM ${t.workOrders} ${where} ORDER BY opened_at DESC, work_order_id`,
      ...parameters,
    ).map((row) => toWorkOrder(row, now));
  }

  workOrder(workOrderId: string, now: Date): WorkOrderView | null {
    const row = this.all<Record<string, unknown>>(
      (t) => `SELECT * FROM ${t.workOrders} WHERE work_order_id = ?`,
      workOrderId,
    )[0];
    return row ? toWorkOrder(row, now) : null;
  }

  checks(): CheckView[] {
    return this.all<Record<string, unknown>>((t) => `SELECT * FROM ${t.checks} ORDER BY recorded_at DESC`).map((r) => ({
      checkId: r.check_id as string,
      kind: r.kind as string,
      siteIds: JSON.parse(r.site_ids as string) as string[],
      findings: r.findings as number,
      recordedAt: r.recorded_at as string,
      by: r.by as string,
    }));
  }

  /** For `/metrics`: stale columns across the platform (every class), as of `now`. */
  staleColumnCount(now: Date): number {
    const open = new Set(
      this.sites()
        .filter((s) => s.status !== 'closed')
        .map((s) => s.siteId),
    );
    return this.all<ColumnRow>((t) => `SELECT * FROM ${t.columns} WHERE state = 'active'`)
      .map(toColumn)
      .filter((c) => open.has(c.siteId) && columnFreshness(c, now).stale).length;
  }

  overdueMessageCount(now: Date): number {
    const t = this.tables();
    if (!t) return 0;
    return this.db
      .prepare(`SELECT count(*) FROM ${t.messages} WHERE ${UNANSWERED} AND due_date < ?`)
      .pluck()
      .get(chinaDateOf(now.toISOString())) as number;
  }

  overdueWorkOrderCount(now: Date): number {
    const t = this.tables();
    if (!t) return 0;
    return this.db
      .prepare(`SELECT count(*) FROM ${t.workOrders} WHERE ${OPEN_WORK_ORDER} AND due_date < ?`)
      .pluck()
      .get(chinaDateOf(now.toISOString())) as number;
  }

  close(): void {
    this.db.close();
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

export function toColumn(row: ColumnRow): ColumnStanding {
  return {
    siteId: row.site_id,
    columnId: row.column_id,
    channelId: row.channel_id,
    name: row.name,
    path: row.path,
    updateCycle: row.update_cycle,
    addedAt: row.added_at,
    lastPublishedAt: row.last_published_at,
  };
}

function toSite(row: SiteRow): SupervisedSite {
  return { siteId: row.site_id, name: row.name, kind: row.kind, status: row.status, openedAt: row.opened_at };
}

function toAvailability(row: SiteRow) {
  return {
    siteId: row.site_id,
    status: row.status,
    offline: row.offline_from && row.offline_until ? { from: row.offline_from, until: row.offline_until } : null,
    outage:
      row.outage_id && row.outage_started_at ? { outageId: row.outage_id, startedAt: row.outage_started_at } : null,
  };
}

function toMessage(row: Record<string, unknown>, now: Date): MessageView {
  const answeredAt = (row.answered_at as string | null) ?? null;
  const dismissedAt = (row.dismissed_at as string | null) ?? null;
  const dueDate = row.due_date as string;
  const receivedAt = row.received_at as string;
  const open = answeredAt === null && dismissedAt === null;
  return {
    messageId: row.message_id as string,
    siteId: row.site_id as string,
    category: row.category as MessageCategory,
    subject: row.subject as string,
    question: row.question as string,
    asker: JSON.parse(row.asker as string) as Asker,
    status: row.status as MessageStatus,
    receivedAt,
    workingDays: row.working_days as number,
    dueDate,
    unit: (row.unit as string | null) ?? null,
    extensionReason: (row.extension_reason as string | null) ?? null,
    dismissedAt,
    dismissReason: (row.dismiss_reason as string | null) ?? null,
    resourceId: (row.resource_id as string | null) ?? null,
    answer: (row.answer as string | null) ?? null,
    answeredAt,
    answeredOnTime: answeredAt === null ? null : chinaDateOf(answeredAt) <= dueDate,
    overdue: open && chinaDateOf(now.toISOString()) > dueDate,
    unansweredOverThreeMonths: open && now.getTime() >= Date.parse(addMonths(receivedAt, UNANSWERED_MONTHS_VETO)),
  };
}

function toWorkOrder(row: Record<string, unknown>, now: Date): WorkOrderView {
  const status = row.status as WorkOrderStatus;
  const dueDate = row.due_date as string;
  const onTime = row.answered_on_time as number | null;
  return {
    workOrderId: row.work_order_id as string,
    checkId: row.check_id as string,
    siteId: row.site_id as string,
    origin: row.origin as 'automatic' | 'manual',
    item: row.item as string,
    severity: row.severity as Severity,
    title: row.title as string,
    evidence: JSON.parse(row.evidence as string) as string[],
    rule: (row.rule as string | null) ?? null,
    status,
    openedAt: row.opened_at as string,
    dueDate,
    answeredAt: (row.answered_at as string | null) ?? null,
    outcome: (row.outcome as 'rectified' | 'explained' | null) ?? null,
    answerNote: (row.answer_note as string | null) ?? null,
    answeredOnTime: onTime === null || onTime === undefined ? null : onTime === 1,
    closedAt: (row.closed_at as string | null) ?? null,
    closeNote: (row.close_note as string | null) ?? null,
    reopenedAt: (row.reopened_at as string | null) ?? null,
    reopenReason: (row.reopen_reason as string | null) ?? null,
    overdue: (status === 'open' || status === 'reopened') && chinaDateOf(now.toISOString()) > dueDate,
    history: JSON.parse(row.history as string) as WorkOrderStep[],
  };
}

export function openSupervisionReadModel(dataDir: string): SupervisionReadModel {
  return new SupervisionReadModel(`${dataDir}/supervision.sqlite`);
}
