/**
 * Whether a site is reachable as the platform's own records say, judged at the instant asked about: a temporary
 * offline that runs past its planned last day without the site being brought back (R-SITE-4), and an emergency
 * outage that has lasted more than 72 hours without being converted into a temporary offline (R-SITE-6). Both are
 * facts of time passing, not events, so they are worked out at query time from the server's clock.
 */
import { chinaDateOf } from '../calendar/calendar-date.js';
import { MAX_OUTAGE_HOURS } from '../site/site.js';

export interface SiteAvailabilityRecord {
  siteId: string;
  status: 'online' | 'offline' | 'closed';
  /** The temporary offline in force, with its planned last day (inclusive, China date). */
  offline: { from: string; until: string } | null;
  /** The emergency outage still open. */
  outage: { outageId: string; startedAt: string } | null;
}

export type AvailabilityProblemKind = 'offline_past_end' | 'outage_not_converted';

export interface AvailabilityProblem {
  kind: AvailabilityProblemKind;
  rule: string;
  /** When the problem began: the day after the planned end, or 72 hours into the outage. */
  since: string;
  description: string;
  descriptionZh: string;
}

const HOUR_MS = 3_600_000;

export function availabilityProblems(site: SiteAvailabilityRecord, now: Date): AvailabilityProblem[] {
  const problems: AvailabilityProblem[] = [];
  if (site.status === 'closed') return problems;
  if (site.status === 'offline' && site.offline && chinaDateOf(now.toISOString()) > site.offline.until) {
    // The offline ends with its last day, midnight China time.
    const since = new Date(Date.parse(`${site.offline.until}T00:00:00+08:00`) + 24 * HOUR_MS).toISOString();
    problems.push({
      kind: 'offline_past_end',
      rule: 'R-SITE-4',
      since,
      description: `temporarily offline past its planned end (${site.offline.until}) and not brought back online`,
      descriptionZh: `临时下线已超过计划恢复日期（${site.offline.until}），仍未恢复上线`,
    });
  }
  if (site.outage) {
    const limit = Date.parse(site.outage.startedAt) + MAX_OUTAGE_HOURS * HOUR_MS;
    if (now.getTime() > limit)
      problems.push({
        kind: 'outage_not_converted',
        rule: 'R-SITE-6',
        since: new Date(limit).toISOString(),
        description: `emergency outage ${site.outage.outageId} has lasted over ${MAX_OUTAGE_HOURS} hours and was not converted into a temporary offline`,
        descriptionZh: `故障报备 ${site.outage.outageId} 已超过 ${MAX_OUTAGE_HOURS} 小时，未转为临时下线`,
      });
  }
  return problems;
}
