/**
 * The supervision read model's views as the API shows them: the asker's personal data only where the viewer may see
 * it, a scorecard with the site's availability beside the veto items, a summary with the paths of its CSV and page.
 */
import type { Asker } from '../../domain/message/message.js';
import type { Scorecard } from '../../domain/supervision/scorecard.js';
import type { AvailabilityProblem } from '../../domain/supervision/site-availability.js';
import type { MonthlySummary } from '../../projections/supervision/monthly-summary.js';
import type { MessageView, WorkOrderView } from '../../projections/supervision/supervision-read-model.js';

export function publicMessage(view: MessageView, showAsker: boolean) {
  const { messageId, asker, answer: _answer, ...rest } = view;
  return { id: messageId, ...rest, asker: showAsker ? (asker as Asker) : null };
}
export type PublicMessageModel = ReturnType<typeof publicMessage>;

export function workOrder(view: WorkOrderView) {
  const { workOrderId, history, ...rest } = view;
  return {
    id: workOrderId,
    ...rest,
    history: history.map(({ step, at, by, ...detail }) => ({ step, at, by, detail })),
  };
}
export type WorkOrderModel = ReturnType<typeof workOrder>;

export type ScorecardModel = Scorecard & { availability: AvailabilityProblem[] };

export const summaryPath = (siteId: string, month: string, format: 'csv' | 'html') =>
  `/supervision/summary/${encodeURIComponent(siteId)}/${month}.${format}`;

export function monthlySummaryModel(summary: MonthlySummary, availability: AvailabilityProblem[]) {
  return {
    ...summary,
    scorecard: { ...summary.scorecard, availability },
    csvPath: summaryPath(summary.siteId, summary.month, 'csv'),
    htmlPath: summaryPath(summary.siteId, summary.month, 'html'),
  };
}
export type MonthlySummaryModel = ReturnType<typeof monthlySummaryModel>;
