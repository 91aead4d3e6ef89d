/**
 * The monthly summary of one site (P-art.51: 《政府网站和政务新媒体监测汇总表》, due by the 15th of the next month):
 * what it published (week by week), which columns were stale or blank, how its public messages were answered (on time
 * or late), and its work orders opened, closed and overdue, with the single-veto items. A month that is over is judged
 * as it stood at its last instant; the current month as of now. Weeks start on Monday and are cut at the month's ends.
 */
import { stringify } from 'csv-stringify/sync';
import { chinaDateOf } from '../../domain/calendar/calendar-date.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import {
  type ColumnFreshness,
  columnFreshness,
  type Scorecard,
  scorecard,
  type UnansweredMessage,
} from '../../domain/supervision/scorecard.js';
import { type SupervisionReadModel, toColumn } from './supervision-read-model.js';

export interface WeekCount {
  /** First and last day of the week inside the month (China dates). */
  from: string;
  to: string;
  count: number;
}

export interface LateAnswer {
  messageId: string;
  subject: string;
  receivedAt: string;
  dueDate: string;
  answeredAt: string;
}

export interface MonthlySummary {
  siteId: string;
  siteName: string;
  /** `YYYY-MM`. */
  month: string;
  /** The instant the figures are judged at: the month's last instant, or now for the current month. */
  asOf: string;
  publications: { total: number; own: number; coBuilding: number; push: number; byWeek: WeekCount[] };
  staleColumns: ColumnFreshness[];
  blankColumns: ColumnFreshness[];
  messages: {
    received: number;
    answered: number;
    answeredOnTime: number;
    answeredLate: number;
    /** Unanswered past their due date at `asOf`. */
    overdue: number;
    late: LateAnswer[];
  };
  workOrders: { opened: number; closed: number; overdue: number };
  scorecard: Scorecard;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DAY_MS = 86_400_000;

function monthBounds(month: string): { from: number; to: number } {
  const match = MONTH.exec(month);
  if (!match)
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_MONTH',
      `${month} 不是 YYYY-MM 形式的月份`,
      `${month} is not a YYYY-MM month`,
      [{ path: 'month', message: 'a month written YYYY-MM' }],
    );
  const year = Number(match[1]);
  const index = Number(match[2]) - 1;
  const offset = 8 * 3_600_000;
  return { from: Date.UTC(year, index, 1) - offset, to: Date.UTC(year, index + 1, 1) - offset };
}

export function monthlySummary(model: SupervisionReadModel, siteId: string, month: string, now: Date): MonthlySummary {
  const { from, to } = monthBounds(month);
  const site = model.site(siteId);
  const t = model.tables();
  if (!site || !t)
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
  if (now.getTime() < from)
    throw new DomainError('BAD_USER_INPUT', 'MONTH_NOT_STARTED', `${month} 尚未开始`, `${month} has not begun yet`, [
      { path: 'month', message: 'in the future' },
    ]);
  const asOfMs = Math.min(now.getTime(), to - 1);
  const asOf = new Date(asOfMs);
  const asOfIso = asOf.toISOString();
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const db = model.db;

  // Each resource counts once per site, in the month it first appeared on the site.
  const placed = db
    .prepare(
      `SELECT resource_id, min(placed_at) AS at, via FROM ${t.placements} WHERE site_id = ? GROUP BY resource_id
       HAVING at >= ? AND at < ?`,
    )
    .all(siteId, fromIso, toIso) as Array<{ resource_id: string; at: string; via: string }>;
  const byWeek = weeksOf(from, to).map((week) => ({
    ...week,
    count: placed.filter((p) => {
      const day = chinaDateOf(p.at);
      return day >= week.from && day <= week.to;
    }).length,
  }));

  const columns = (
    db
      .prepare(
        `SELECT c.site_id, c.column_id, c.channel_id, c.name, c.path, c.update_cycle, c.added_at,
          (SELECT max(p.placed_at) FROM ${t.placements} p WHERE p.site_id = c.site_id AND p.column_id = c.column_id
             AND p.placed_at <= @asOf) AS last_published_at
         FROM ${t.columns} c WHERE c.site_id = @siteId AND c.added_at <= @asOf
           AND (c.state = 'active' OR (c.state = 'archived' AND c.archived_at > @asOf))`,
      )
      .all({ siteId, asOf: asOfIso }) as Parameters<typeof toColumn>[0][]
  ).map(toColumn);
  const judged = columns.map((c) => columnFreshness(c, asOf));

  const unanswered = db
    .prepare(
      `SELECT message_id AS messageId, subject, received_at AS receivedAt FROM ${t.messages}
       WHERE site_id = @siteId AND received_at <= @asOf AND (answered_at IS NULL OR answered_at > @asOf)
         AND (dismissed_at IS NULL OR dismissed_at > @asOf)`,
    )
    .all({ siteId, asOf: asOfIso }) as UnansweredMessage[];
  const answered = db
    .prepare(
      `SELECT message_id AS messageId, subject, received_at AS receivedAt, due_date AS dueDate, answered_at AS answeredAt
       FROM ${t.messages} WHERE site_id = ? AND answered_at >= ? AND answered_at < ? ORDER BY answered_at`,
    )
    .all(siteId, fromIso, toIso) as LateAnswer[];
  const late = answered.filter((m) => chinaDateOf(m.answeredAt) > m.dueDate);
  const count = (sql: string, ...parameters: unknown[]) =>
    db
      .prepare(sql)
      .pluck()
      .get(...parameters) as number;
  const asOfDate = chinaDateOf(asOfIso);

  return {
    siteId,
    siteName: site.name,
    month,
    asOf: asOfIso,
    publications: {
      total: placed.length,
      own: placed.filter((p) => p.via === 'own').length,
      coBuilding: placed.filter((p) => p.via === 'co_building').length,
      push: placed.filter((p) => p.via === 'push').length,
      byWeek,
    },
    staleColumns: judged.filter((c) => c.stale),
    blankColumns: judged.filter((c) => c.blank),
    messages: {
      received: count(
        `SELECT count(*) FROM ${t.messages} WHERE site_id = ? AND received_at >= ? AND received_at < ?`,
        siteId,
        fromIso,
        toIso,
      ),
      answered: answered.length,
      answeredOnTime: answered.length - late.length,
      answeredLate: late.length,
      overdue: count(
        `SELECT count(*) FROM ${t.messages} WHERE site_id = @siteId AND received_at <= @asOf AND due_date < @asOfDate
           AND (answered_at IS NULL OR answered_at > @asOf) AND (dismissed_at IS NULL OR dismissed_at > @asOf)`,
        { siteId, asOf: asOfIso, asOfDate },
      ),
      late,
    },
    workOrders: {
      opened: count(
        `SELECT count(*) FROM ${t.workOrders} WHERE site_id = ? AND opened_at >= ? AND opened_at < ?`,
        siteId,
        fromIso,
        toIso,
      ),
      closed: count(
        `SELECT count(*) FROM ${t.workOrders} WHERE site_id = ? AND closed_at >= ? AND closed_at < ?`,
        siteId,
        fromIso,
        toIso,
      ),
      // As the work order stands now, judged at the month's end: its current due date, its last answer.
      overdue: count(
        `SELECT count(*) FROM ${t.workOrders} WHERE site_id = @siteId AND opened_at <= @asOf AND due_date < @asOfDate
           AND (answered_at IS NULL OR answered_at > @asOf) AND (closed_at IS NULL OR closed_at > @asOf)`,
        { siteId, asOf: asOfIso, asOfDate },
      ),
    },
    scorecard: scorecard(siteId, columns, unanswered, asOf, site.openedAt),
  };
}

/** The Monday-started weeks that overlap the month, cut to the month (China dates). */
function weeksOf(from: number, to: number): Array<{ from: string; to: string }> {
  const first = chinaDateOf(new Date(from).toISOString());
  const last = chinaDateOf(new Date(to - 1).toISOString());
  const weeks: Array<{ from: string; to: string }> = [];
  let day = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`);
  while (day <= end) {
    const weekday = (new Date(day).getUTCDay() + 6) % 7;
    const weekEnd = Math.min(day + (6 - weekday) * DAY_MS, end);
    weeks.push({ from: new Date(day).toISOString().slice(0, 10), to: new Date(weekEnd).toISOString().slice(0, 10) });
    day = weekEnd + DAY_MS;
  }
  return weeks;
}

const BOM = '\uFEFF';

/**
 * The summary as CSV, one figure a line (section, item, value, detail), with a BOM, because spreadsheet programs on
 * Chinese Windows read CSV without one as GBK.
 */
export function monthlySummaryCsv(summary: MonthlySummary): string {
  const rows: Array<Array<string | number>> = [['section', 'item', 'value', 'detail']];
  rows.push(['site', summary.siteId, summary.siteName, `${summary.month}, as of ${summary.asOf}`]);
  const p = summary.publications;
  rows.push(['publications', 'total', p.total, ''], ['publications', 'own', p.own, '']);
  rows.push(['publications', 'co_building', p.coBuilding, ''], ['publications', 'push', p.push, '']);
  for (const week of p.byWeek) rows.push(['publications_by_week', `${week.from}..${week.to}`, week.count, '']);
  rows.push(['columns', 'stale', summary.staleColumns.length, summary.staleColumns.map((c) => c.name).join('、')]);
  rows.push(['columns', 'blank', summary.blankColumns.length, summary.blankColumns.map((c) => c.name).join('、')]);
  const m = summary.messages;
  rows.push(['messages', 'received', m.received, ''], ['messages', 'answered', m.answered, '']);
  rows.push(['messages', 'answered_on_time', m.answeredOnTime, ''], ['messages', 'answered_late', m.answeredLate, '']);
  rows.push(['messages', 'overdue', m.overdue, '']);
  for (const late of m.late)
    rows.push(['late_answer', late.messageId, late.subject, `due ${late.dueDate}, answered ${late.answeredAt}`]);
  const w = summary.workOrders;
  rows.push(['work_orders', 'opened', w.opened, ''], ['work_orders', 'closed', w.closed, '']);
  rows.push(['work_orders', 'overdue', w.overdue, '']);
  for (const item of summary.scorecard.items)
    rows.push([
      'veto_item',
      item.item,
      item.failed ? 'FAILED' : 'passed',
      `${item.count}/${item.threshold}: ${item.evidence.map((e) => `${e.name} since ${e.since}`).join('; ')}`,
    ]);
  return BOM + stringify(rows);
}
