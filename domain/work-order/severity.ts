/**
 * How serious a problem a check finds is, and so how many working days the site has to rectify it (R-SUP-4,
 * P-art.50: 在收到问题1-5个工作日内，将问题整改到位): a single-veto problem the next working day, a serious one within 3,
 * anything else within 5.
 */
import { chinaDateOf, type WorkingCalendar } from '../calendar/index.js';

export const SEVERITIES = ['severe', 'major', 'minor'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const RECTIFICATION_WORKING_DAYS: Record<Severity, number> = { severe: 1, major: 3, minor: 5 };

/** The last day (China date) on which the site's answer is on time. */
export function rectificationDueDate(calendar: WorkingCalendar, openedAt: string, severity: Severity): string {
  return calendar.addWorkingDays(chinaDateOf(openedAt), RECTIFICATION_WORKING_DAYS[severity]);
}
