/**
 * Update cycles (R-SUP-1, P-art.25: 新闻动态2周、公告政策6月、其他栏目1年): when a column that was last updated at some
 * instant becomes stale. Judged against whatever clock the caller passes, never a clock of its own: the read model asks
 * at query time with the server's clock, so a column turns stale exactly when its cycle runs out, without any event.
 *
 * Two weeks are 14 × 24 hours. Months are calendar months in China Standard Time (the same wall-clock time six or
 * twelve months on; a day the later month lacks becomes its last day, so 31 August + 6 months is 28 or 29 February),
 * because an office reads "6 months" off a calendar, not as a number of days.
 */
import type { UPDATE_CYCLES } from '../site/site.js';

export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Each cycle as the regulation words it. */
export const CYCLE_LENGTH: Record<UpdateCycle, { days?: number; months?: number; zh: string; en: string }> = {
  news: { days: 14, zh: '2周', en: '2 weeks' },
  notices_policy: { months: 6, zh: '6个月', en: '6 months' },
  other: { months: 12, zh: '1年', en: '1 year' },
};

/** The instant `months` calendar months after `instant`, read in China Standard Time. */
export function addChinaMonths(instant: string | number, months: number): string {
  return new Date(addChinaMonthsMs(typeof instant === 'number' ? instant : Date.parse(instant), months)).toISOString();
}

/** As `addChinaMonths`, in milliseconds: scorecards judge thousands of columns at once. */
export function addChinaMonthsMs(instant: number, months: number): number {
  const local = new Date(instant + CHINA_OFFSET_MS);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = Date.UTC(
    year,
    month,
    Math.min(local.getUTCDate(), lastDay),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
    local.getUTCMilliseconds(),
  );
  return shifted - CHINA_OFFSET_MS;
}

/** The instant a column last updated at `lastPublishedAt` becomes stale: it is stale from this instant on. */
export function staleAt(lastPublishedAt: string, cycle: UpdateCycle): string {
  return new Date(staleAtMs(Date.parse(lastPublishedAt), cycle)).toISOString();
}

export function staleAtMs(lastPublishedAt: number, cycle: UpdateCycle): number {
  const length = CYCLE_LENGTH[cycle];
  if (length.days !== undefined) return lastPublishedAt + length.days * DAY_MS;
  return addChinaMonthsMs(lastPublishedAt, length.months!);
}

export function isStale(lastPublishedAt: string, cycle: UpdateCycle, now: Date): boolean {
  return now.getTime() >= staleAtMs(Date.parse(lastPublishedAt), cycle);
}
