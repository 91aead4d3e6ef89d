/**
 * The national single-veto items (国办秘函〔2019〕19号《政府网站与政务新媒体检查指标》) a site fails its inspection on,
 * judged from what the supervision read model knows of its columns and messages, at the instant asked about:
 *
 * - five or more stale columns among the news (2 weeks) and notices/policy (6 months) columns (R-SUP-1); a stale
 *   column of the yearly class is reported with the others but is not one the indicator counts;
 * - five or more blank columns (never published in);
 * - a home page not updated for 2 weeks: the latest publication in any of the site's news columns;
 * - a valid public message unanswered for more than 3 months (R-SUP-2).
 *
 * Archived topics (R-SUP-3) and columns migrated away are not columns of the site any more and are never counted.
 * Each item carries its evidence: which columns or messages, and since when.
 */
import { addChinaMonthsMs, CYCLE_LENGTH, isStale, staleAt, staleAtMs, type UpdateCycle } from './update-cycle.js';

export const VETO_ITEMS = ['stale_columns', 'blank_columns', 'home_page', 'unanswered_messages'] as const;
export type VetoItemKind = (typeof VETO_ITEMS)[number];

export const STALE_COLUMNS_VETO = 5;
export const BLANK_COLUMNS_VETO = 5;
/** A message unanswered this many months fails the site. */
export const UNANSWERED_MONTHS_VETO = 3;
/** The update cycles the stale-column indicator counts. */
export const VETO_CYCLES: ReadonlySet<UpdateCycle> = new Set<UpdateCycle>(['news', 'notices_policy']);

/** One active column as supervision sees it. */
export interface ColumnStanding {
  siteId: string;
  columnId: string;
  channelId: string;
  name: string;
  path: string;
  updateCycle: UpdateCycle;
  /** When the column was added. */
  addedAt: string;
  /** The latest new placement of a resource in it (own publication, co-building, accepted push); null: never. */
  lastPublishedAt: string | null;
}

export interface ColumnFreshness extends ColumnStanding {
  blank: boolean;
  stale: boolean;
  /** When it became (or becomes) stale; null for a blank column. */
  staleAt: string | null;
}

export function columnFreshness(column: ColumnStanding, now: Date): ColumnFreshness {
  if (column.lastPublishedAt === null) return { ...column, blank: true, stale: false, staleAt: null };
  const at = staleAtMs(Date.parse(column.lastPublishedAt), column.updateCycle);
  return { ...column, blank: false, stale: now.getTime() >= at, staleAt: new Date(at).toISOString() };
}

export interface UnansweredMessage {
  messageId: string;
  subject: string;
  receivedAt: string;
}

export interface Evidence {
  /** The column or message the evidence is about (none: the site as a whole). */
  columnId: string | null;
  messageId: string | null;
  name: string;
  /** Since when the problem stands. */
  since: string;
  /** The last publication the judgement rests on, where there was one. */
  lastPublishedAt: string | null;
}

export interface VetoItem {
  item: VetoItemKind;
  rule: string;
  /** The count at which the site fails. */
  threshold: number;
  count: number;
  failed: boolean;
  description: string;
  descriptionZh: string;
  evidence: Evidence[];
}

export interface Scorecard {
  siteId: string;
  asOf: string;
  failed: boolean;
  items: VetoItem[];
  /** The site's home page: the latest publication in its news columns. */
  homePageUpdatedAt: string | null;
}

// Plain code-unit order: ISO times sort as text, and the locale's collation would cost more than the whole judgement.
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byTime = (a: Evidence, b: Evidence) => order(a.since, b.since) || order(a.name, b.name);

export function scorecard(
  siteId: string,
  columns: readonly ColumnStanding[],
  unanswered: readonly UnansweredMessage[],
  now: Date,
  /** When the site came to be: a site without any news column has had a blank home page since then. */
  siteOpenedAt: string,
): Scorecard {
  // One pass over the columns, making the evidence of the stale and blank ones only: a platform's scorecards judge
  // thousands of columns at once, and most of them are fine.
  const nowMs = now.getTime();
  const stale: Evidence[] = [];
  const blank: Evidence[] = [];
  let homePageUpdatedAt: string | null = null;
  let firstNewsAddedAt: string | null = null;
  for (const c of columns) {
    if (c.lastPublishedAt === null) {
      blank.push({ columnId: c.columnId, messageId: null, name: c.name, since: c.addedAt, lastPublishedAt: null });
    } else if (VETO_CYCLES.has(c.updateCycle)) {
      const at = staleAtMs(Date.parse(c.lastPublishedAt), c.updateCycle);
      if (nowMs >= at)
        stale.push({
          columnId: c.columnId,
          messageId: null,
          name: `${c.name}（${CYCLE_LENGTH[c.updateCycle].zh}）`,
          since: new Date(at).toISOString(),
          lastPublishedAt: c.lastPublishedAt,
        });
    }
    if (c.updateCycle === 'news') {
      if (c.lastPublishedAt !== null && (homePageUpdatedAt === null || c.lastPublishedAt > homePageUpdatedAt))
        homePageUpdatedAt = c.lastPublishedAt;
      if (firstNewsAddedAt === null || c.addedAt < firstNewsAddedAt) firstNewsAddedAt = c.addedAt;
    }
  }
  stale.sort(byTime);
  blank.sort(byTime);
  const homeSince =
    homePageUpdatedAt === null ? (firstNewsAddedAt ?? siteOpenedAt) : staleAt(homePageUpdatedAt, 'news');
  const homeFailed = homePageUpdatedAt === null || isStale(homePageUpdatedAt, 'news', now);

  const late = unanswered
    .map((m) => ({ m, since: addChinaMonthsMs(Date.parse(m.receivedAt), UNANSWERED_MONTHS_VETO) }))
    .filter(({ since }) => now.getTime() >= since)
    .map(({ m, since }) => ({
      columnId: null,
      messageId: m.messageId,
      name: m.subject,
      since: new Date(since).toISOString(),
      lastPublishedAt: null,
    }))
    .sort(byTime);

  const items: VetoItem[] = [
    {
      item: 'stale_columns',
      rule: 'R-SUP-1',
      threshold: STALE_COLUMNS_VETO,
      count: stale.length,
      failed: stale.length >= STALE_COLUMNS_VETO,
      description: 'news columns not updated for 2 weeks, notices and policy columns for 6 months (5 or more fail)',
      descriptionZh: '动态要闻类栏目2周、通知公告和政策文件类栏目6个月未更新（累计5个及以上单项否决）',
      evidence: stale,
    },
    {
      item: 'blank_columns',
      rule: 'R-SUP-1',
      threshold: BLANK_COLUMNS_VETO,
      count: blank.length,
      failed: blank.length >= BLANK_COLUMNS_VETO,
      description: 'columns with nothing ever published in them (5 or more fail)',
      descriptionZh: '空白栏目（累计5个及以上单项否决）',
      evidence: blank,
    },
    {
      item: 'home_page',
      rule: 'R-SUP-1',
      threshold: 1,
      count: homeFailed ? 1 : 0,
      failed: homeFailed,
      description: 'home page (the news columns) not updated for 2 weeks',
      descriptionZh: '首页（动态要闻类栏目）2周未更新',
      evidence: homeFailed
        ? [
            {
              columnId: null,
              messageId: null,
              name: firstNewsAddedAt === null ? '无动态要闻类栏目' : '首页',
              since: homeSince,
              lastPublishedAt: homePageUpdatedAt,
            },
          ]
        : [],
    },
    {
      item: 'unanswered_messages',
      rule: 'R-SUP-2',
      threshold: 1,
      count: late.length,
      failed: late.length > 0,
      description: 'valid public messages unanswered for more than 3 months',
      descriptionZh: '网民有效留言超过3个月未回复',
      evidence: late,
    },
  ];
  return { siteId, asOf: now.toISOString(), failed: items.some((i) => i.failed), items, homePageUpdatedAt };
}
