/**
 * Checks and work orders (R-SUP-4). Running a check is a process: the check is recorded with every finding, then a
 * work order is opened for each; both steps are idempotent, so a check run again after a crash completes what the
 * first run began. The automatic findings are worked out by the caller from the supervision read model at the time
 * of the check (domain/supervision/automatic-findings.ts); the supervisor adds manual ones.
 */
import type { z } from 'zod';
import { processCommand, streamCommand } from '../shared/command-module.js';
import { type CheckState, checkAggregate, checkStream, recordCheckSchema } from './check.js';
import {
  type WorkOrderCommand,
  type WorkOrderCommandContext,
  type WorkOrderState,
  workOrderAggregate,
  workOrderCommandSchemas,
  workOrderStream,
} from './work-order.js';

type WorkOrderCommandType = keyof typeof workOrderCommandSchemas;

function workOrderCommand<Schema extends z.ZodType<{ workOrderId: string }>>(
  type: WorkOrderCommandType,
  schema: Schema,
) {
  return streamCommand({
    input: schema,
    aggregate: workOrderAggregate,
    stream: (input) => workOrderStream(input.workOrderId),
    async context(_input, _state, { reader }, meta): Promise<WorkOrderCommandContext> {
      return { occurredAt: meta.occurredAt, calendar: await reader.workingCalendar() };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as WorkOrderCommand,
    siteId: (input, state) =>
      state.finding?.siteId ?? (input as { finding?: { siteId: string } }).finding?.siteId ?? null,
  });
}

const recordCheck = streamCommand({
  input: recordCheckSchema,
  aggregate: checkAggregate,
  stream: (input) => checkStream(input.checkId),
  context: async (_input, _state, _environment, meta) => meta.occurredAt,
  command: (data, actor, occurredAt) => ({ type: 'RecordCheck' as const, data, actor, occurredAt: occurredAt! }),
  siteId: () => null,
});

const openWorkOrder = workOrderCommand('OpenWorkOrder', workOrderCommandSchemas.OpenWorkOrder);

export interface CheckRun {
  check: CheckState;
  workOrders: WorkOrderState[];
  /** Where the last event landed in the log. */
  position: number | null;
}

const runCheck = processCommand({
  input: recordCheckSchema,
  async run(input, meta, environment): Promise<CheckRun> {
    const recorded = await environment.run(recordCheck, input, meta);
    let position = recorded.position;
    const workOrders: WorkOrderState[] = [];
    for (const found of recorded.state.recorded?.findings ?? []) {
      const { workOrderId, ...finding } = found;
      const opened = await environment.run(openWorkOrder, { workOrderId, checkId: input.checkId, finding }, meta);
      workOrders.push(opened.state);
      position = opened.position ?? position;
    }
    return { check: recorded.state, workOrders, position };
  },
});

export const workOrderCommands = {
  RunCheck: runCheck,
  AnswerWorkOrder: workOrderCommand('AnswerWorkOrder', workOrderCommandSchemas.AnswerWorkOrder),
  CloseWorkOrder: workOrderCommand('CloseWorkOrder', workOrderCommandSchemas.CloseWorkOrder),
  ReopenWorkOrder: workOrderCommand('ReopenWorkOrder', workOrderCommandSchemas.ReopenWorkOrder),
};
