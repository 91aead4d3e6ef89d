/**
 * The problems a check finds on its own (R-SUP-4: automatic findings), from what the platform records of a site at
 * the time of the check: one finding per kind of problem and site, with its evidence. A single-veto failure and a site
 * that cannot be reached are severe (rectified the next working day); stale or blank columns short of the veto and
 * overdue messages are major.
 */
import type { Finding } from '../work-order/finding.js';
import type { Evidence, Scorecard } from './scorecard.js';
import type { AvailabilityProblem } from './site-availability.js';

export interface OverdueMessage {
  messageId: string;
  subject: string;
  dueDate: string;
}

const shown = (e: Evidence) =>
  `${e.name}${e.columnId ? ` [${e.columnId}]` : ''}${e.messageId ? ` [${e.messageId}]` : ''}: since ${e.since}`;

export function automaticFindings(
  scorecard: Scorecard,
  availability: readonly AvailabilityProblem[],
  overdue: readonly OverdueMessage[],
): Finding[] {
  const { siteId } = scorecard;
  const findings: Finding[] = [];
  for (const item of scorecard.items) {
    if (item.count === 0) continue;
    findings.push({
      siteId,
      origin: 'automatic',
      item: item.item,
      severity: item.failed ? 'severe' : 'major',
      title: `${item.descriptionZh}：${item.count} 项${item.failed ? '（单项否决）' : ''}`,
      evidence: item.evidence.slice(0, 200).map(shown),
      rule: item.rule,
    });
  }
  // A message already past three months is in the veto item above; the rest that are late are reported here.
  const vetoed = new Set(
    scorecard.items.find((i) => i.item === 'unanswered_messages')?.evidence.map((e) => e.messageId) ?? [],
  );
  const late = overdue.filter((m) => !vetoed.has(m.messageId));
  if (late.length > 0)
    findings.push({
      siteId,
      origin: 'automatic',
      item: 'overdue_messages',
      severity: 'major',
      title: `网民留言超过答复期限未答复：${late.length} 条`,
      evidence: late.slice(0, 200).map((m) => `${m.subject} [${m.messageId}]: due ${m.dueDate}`),
      rule: 'R-SUP-2',
    });
  for (const problem of availability)
    findings.push({
      siteId,
      origin: 'automatic',
      item: 'availability',
      severity: 'severe',
      title: problem.descriptionZh,
      evidence: [`since ${problem.since}`],
      rule: problem.rule,
    });
  return findings;
}
