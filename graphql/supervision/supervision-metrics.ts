/**
 * Supervision gauges on `/metrics`, judged at scrape time with the server's clock: columns past their update cycle
 * (R-SUP-1), public messages unanswered past their due date (R-SUP-2), work orders waiting for the site's answer past
 * theirs (R-SUP-4), and sites failing a single-veto item.
 */
import { Gauge } from 'prom-client';
import type { SupervisionReadModel } from '../../projections/supervision/supervision-read-model.js';
import type { Metrics } from '../operations/metrics.js';

export function watchSupervision(metrics: Metrics, supervision: SupervisionReadModel, clock: () => Date): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'supervision_stale_columns',
    help: 'Active columns of open sites past their update cycle (R-SUP-1)',
    registers,
    collect() {
      this.set(supervision.staleColumnCount(clock()));
    },
  });
  new Gauge({
    name: 'supervision_overdue_messages',
    help: 'Public messages unanswered after their due date (R-SUP-2)',
    registers,
    collect() {
      this.set(supervision.overdueMessageCount(clock()));
    },
  });
  new Gauge({
    name: 'supervision_overdue_work_orders',
    help: 'Work orders waiting for the site’s answer after their due date (R-SUP-4)',
    registers,
    collect() {
      this.set(supervision.overdueWorkOrderCount(clock()));
    },
  });
  new Gauge({
    name: 'supervision_sites_failing_veto',
    help: 'Sites failing at least one national single-veto item, by item',
    labelNames: ['item'],
    registers,
    collect() {
      const counts = new Map<string, number>();
      for (const card of supervision.scorecards(clock()))
        for (const item of card.items) counts.set(item.item, (counts.get(item.item) ?? 0) + (item.failed ? 1 : 0));
      for (const [item, count] of counts) this.set({ item }, count);
    },
  });
}
