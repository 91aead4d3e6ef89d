/**
 * The destination site as a plan's outcomes meet it: an item whose column is not an active column of the site is
 * held, with the column named, in the dry run's report as in the run, so that the approver sees every item the run
 * will not write and why.
 */
import type { SiteContext } from '../../../domain/site/site.js';
import type { RowOutcome } from '../migration-plan.js';

export function checkDestination(outcome: RowOutcome, site: SiteContext, siteId: string): RowOutcome {
  if (outcome.kind !== 'item' || outcome.item.columnId === undefined) return outcome;
  const { item } = outcome;
  if (site.activeColumns.has(item.columnId!)) return outcome;
  const problem = {
    path: 'column',
    message: `column ${item.columnId} is not an active column of site ${siteId} (its columns: ${[...site.activeColumns].join(', ') || 'none'})`,
  };
  return {
    ...outcome,
    item: {
      ...item,
      ready: false,
      problems: [...item.problems, problem],
      messages: [...item.messages, { field: 'column', status: 'invalid', message: problem.message }],
    },
  };
}
