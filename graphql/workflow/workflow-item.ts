/** A workflow item as clients see it: the folded domain state stays on the server. */
import type { WorkflowItem } from '../../projections/workflow/workflow-read-model.js';

export function workflowItem(item: WorkflowItem) {
  const { state: _, ...rest } = item;
  return rest;
}

export type WorkflowItemModel = ReturnType<typeof workflowItem>;
