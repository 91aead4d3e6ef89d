/**
 * Work order (整改工单): one problem a check found on one site, to be rectified within 1-5 working days by its
 * severity (R-SUP-4, P-art.50). The site answers: rectified (with a note of what it did) or an explanation of why it
 * cannot be done in time (情况说明); the supervisor closes it or reopens it with a reason, which starts a new deadline.
 * Stream `work-order-<workOrderId>`.
 *
 * A work order is overdue while it waits for the site's answer after its due date; that is judged at query time.
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../calendar/index.js';
import { chinaDateOf } from '../calendar/index.js';
import { type Actor, requirePlatformRole, requireSiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDate, isoDateTime, reason } from '../shared/schemas.js';
import { type Finding, finding } from './finding.js';
import { rectificationDueDate, type Severity } from './severity.js';

export const workOrderStream = (workOrderId: string) => `work-order-${workOrderId}`;

export const WORK_ORDER_OUTCOMES = ['rectified', 'explained'] as const;
export const WORK_ORDER_STATUSES = ['open', 'answered', 'closed', 'reopened'] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

const note = z.string().trim().min(1).max(5000);

export const workOrderCommandSchemas = {
  OpenWorkOrder: z.strictObject({ workOrderId: id, checkId: id, finding }),
  AnswerWorkOrder: z.strictObject({ workOrderId: id, outcome: z.enum(WORK_ORDER_OUTCOMES), note }),
  CloseWorkOrder: z.strictObject({ workOrderId: id, note: note.optional() }),
  ReopenWorkOrder: z.strictObject({ workOrderId: id, reason }),
};

export const workOrderEventSchemas = {
  WorkOrderOpened: z.strictObject({
    workOrderId: id,
    checkId: id,
    ...finding.shape,
    openedAt: isoDateTime,
    dueDate: isoDate,
    by: id,
  }),
  WorkOrderAnswered: z.strictObject({
    workOrderId: id,
    siteId: id,
    outcome: z.enum(WORK_ORDER_OUTCOMES),
    note: z.string(),
    answeredAt: isoDateTime,
    onTime: z.boolean(),
    by: id,
  }),
  WorkOrderClosed: z.strictObject({ workOrderId: id, siteId: id, note: z.string().optional(), by: id }),
  WorkOrderReopened: z.strictObject({
    workOrderId: id,
    siteId: id,
    reason: z.string(),
    reopenedAt: isoDateTime,
    dueDate: isoDate,
    by: id,
  }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type WorkOrderEvent = Schemas<typeof workOrderEventSchemas>;

export interface WorkOrderCommandContext {
  calendar?: WorkingCalendar;
  occurredAt?: string;
}
export type WorkOrderCommand = Schemas<typeof workOrderCommandSchemas> & {
  actor: Actor;
  context?: WorkOrderCommandContext;
};

export interface WorkOrderState {
  exists: boolean;
  workOrderId: string;
  checkId: string;
  finding: Finding | null;
  status: WorkOrderStatus;
  dueDate: string;
}

/** The site's staff who answer for its content: its approvers (负责人), editors and site administrator. */
const ANSWERING_ROLES = ['approver', 'editor', 'site_admin'] as const;

function refuse(code: string, zh: string, en: string): never {
  throw new DomainError('CONFLICT', code, zh, en, [], 'R-SUP-4');
}

function timeAndCalendar(context: WorkOrderCommandContext | undefined): { at: string; calendar: WorkingCalendar } {
  if (!context?.occurredAt || !context.calendar) throw new Error('the command handler must give the time and calendar');
  return { at: context.occurredAt, calendar: context.calendar };
}

export const workOrderDecider: Decider<WorkOrderState, WorkOrderCommand, WorkOrderEvent> = {
  initialState: () => ({ exists: false, workOrderId: '', checkId: '', finding: null, status: 'open', dueDate: '' }),

  decide(command, state) {
    const { actor, context } = command;
    const by = actor.personId;
    if (command.type === 'OpenWorkOrder') {
      const role = requirePlatformRole(actor, 'supervisor');
      // Opened once per finding; the check's process opening it again (after a crash) changes nothing.
      if (state.exists) return decided(role);
      const { at, calendar } = timeAndCalendar(context);
      const { workOrderId, checkId, finding } = command.data;
      return decided(role, {
        type: 'WorkOrderOpened',
        data: {
          workOrderId,
          checkId,
          ...finding,
          openedAt: at,
          dueDate: rectificationDueDate(calendar, at, finding.severity as Severity),
          by,
        },
      });
    }
    if (!state.exists || !state.finding)
      throw new DomainError(
        'NOT_FOUND',
        'NOT_FOUND',
        `工单 ${command.data.workOrderId} 不存在`,
        `work order ${command.data.workOrderId} does not exist`,
      );
    const { siteId, severity } = state.finding;
    const { workOrderId } = state;
    switch (command.type) {
      case 'AnswerWorkOrder': {
        const role = requireSiteRole(actor, siteId, [...ANSWERING_ROLES]);
        if (state.status !== 'open' && state.status !== 'reopened')
          refuse(
            'WORK_ORDER_NOT_OPEN',
            `工单 ${workOrderId} 当前为 ${state.status}，不需答复`,
            `work order ${workOrderId} is ${state.status}; it needs no answer`,
          );
        const { at } = timeAndCalendar(context);
        return decided(role, {
          type: 'WorkOrderAnswered',
          data: {
            workOrderId,
            siteId,
            outcome: command.data.outcome,
            note: command.data.note,
            answeredAt: at,
            onTime: chinaDateOf(at) <= state.dueDate,
            by,
          },
        });
      }
      case 'CloseWorkOrder': {
        const role = requirePlatformRole(actor, 'supervisor');
        if (state.status !== 'answered')
          refuse(
            'WORK_ORDER_NOT_ANSWERED',
            `工单 ${workOrderId} 尚未答复，不能关闭`,
            `work order ${workOrderId} has not been answered and cannot be closed`,
          );
        return decided(role, {
          type: 'WorkOrderClosed',
          data: { workOrderId, siteId, note: command.data.note, by },
        });
      }
      case 'ReopenWorkOrder': {
        const role = requirePlatformRole(actor, 'supervisor');
        if (state.status !== 'answered' && state.status !== 'closed')
          refuse(
            'WORK_ORDER_NOT_ANSWERED',
            `工单 ${workOrderId} 仍待答复，无需重新打开`,
            `work order ${workOrderId} still waits for an answer; there is nothing to reopen`,
          );
        const { at, calendar } = timeAndCalendar(context);
        return decided(role, {
          type: 'WorkOrderReopened',
          data: {
            workOrderId,
            siteId,
            reason: command.data.reason,
            reopenedAt: at,
            dueDate: rectificationDueDate(calendar, at, severity),
            by,
          },
        });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WorkOrderOpened': {
        const { workOrderId, checkId, openedAt: _o, dueDate, by: _b, ...found } = event.data;
        return { exists: true, workOrderId, checkId, finding: found, status: 'open', dueDate };
      }
      case 'WorkOrderAnswered':
        return { ...state, status: 'answered' };
      case 'WorkOrderClosed':
        return { ...state, status: 'closed' };
      case 'WorkOrderReopened':
        return { ...state, status: 'reopened', dueDate: event.data.dueDate };
    }
  },
};

export const workOrderAggregate: Aggregate<WorkOrderState, WorkOrderCommand, WorkOrderEvent> = {
  decider: workOrderDecider,
  eventSchemas: workOrderEventSchemas,
};
