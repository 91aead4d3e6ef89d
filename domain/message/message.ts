/**
 * Public message (网民留言): a question a member of the public leaves in a site's 留言 channel, the answering unit it is
 * assigned to, its deadline in working days (R-SUP-2), and the answer, which is published as a `qa` resource after the
 * site's own three-level review. Stream `message-<messageId>`.
 *
 * The asker's name and contact details live only in this stream and in what the answering site's staff read of it:
 * the published answer carries the question and the answer with those details masked, so neither the library, the
 * provincial feed nor search ever holds them.
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../calendar/index.js';
import { type Actor, requireSiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDate, isoDateTime, name, reason } from '../shared/schemas.js';
import type { SiteContext } from '../site/site.js';
import {
  ANSWER_WORKING_DAYS,
  answerDueDate,
  checkExtension,
  MAX_ANSWER_WORKING_DAYS,
  MESSAGE_CATEGORIES,
  type MessageCategory,
} from './message-deadline.js';

export const messageStream = (messageId: string) => `message-${messageId}`;

const text = (max: number) => z.string().trim().min(1).max(max);
export const asker = z.strictObject({
  name: text(100),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{5,20}$/, 'a telephone number')
    .optional(),
  email: z.email().max(200).optional(),
});
export type Asker = z.output<typeof asker>;

export const messageCommandSchemas = {
  ReceiveMessage: z.strictObject({
    messageId: id,
    siteId: id,
    category: z.enum(MESSAGE_CATEGORIES),
    subject: text(200),
    question: text(5000),
    asker,
  }),
  AssignMessage: z.strictObject({ messageId: id, unit: name, note: z.string().trim().max(1000).optional() }),
  ExtendMessageDeadline: z.strictObject({ messageId: id, workingDays: z.int().min(2), reason }),
  DismissMessage: z.strictObject({ messageId: id, reason }),
  RecordMessageAnswer: z.strictObject({ messageId: id, resourceId: id, answer: text(20_000) }),
};

export const messageEventSchemas = {
  MessageReceived: z.strictObject({
    messageId: id,
    siteId: id,
    category: z.enum(MESSAGE_CATEGORIES),
    subject: z.string(),
    question: z.string(),
    asker,
    receivedAt: isoDateTime,
    workingDays: z.int(),
    dueDate: isoDate,
  }),
  MessageAssigned: z.strictObject({ messageId: id, unit: z.string(), note: z.string().optional(), by: id }),
  MessageDeadlineExtended: z.strictObject({
    messageId: id,
    workingDays: z.int().max(MAX_ANSWER_WORKING_DAYS),
    dueDate: isoDate,
    reason: z.string(),
    by: id,
  }),
  MessageDismissed: z.strictObject({ messageId: id, reason: z.string(), by: id }),
  MessageAnswerDrafted: z.strictObject({ messageId: id, resourceId: id, answer: z.string(), by: id }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type MessageEvent = Schemas<typeof messageEventSchemas>;

export interface MessageCommandContext {
  site?: SiteContext;
  calendar?: WorkingCalendar;
  occurredAt?: string;
}
export type MessageCommand = Schemas<typeof messageCommandSchemas> & { actor: Actor; context?: MessageCommandContext };

export type MessageStatus = 'received' | 'assigned' | 'answer_drafted' | 'dismissed';

export interface MessageState {
  exists: boolean;
  messageId: string;
  siteId: string;
  category: MessageCategory;
  subject: string;
  question: string;
  asker: Asker;
  receivedAt: string;
  workingDays: number;
  dueDate: string;
  status: MessageStatus;
  unit: string | null;
  /** The `qa` resource the answer is published as. */
  resourceId: string | null;
}

/** Recorded by the site's staff as they take it in, or by the site's CMS through a key granted drafting. */
const RECEIVING_ROLES = ['editor', 'approver'] as const;
/** Assigning and extending are the responsible staff's; dismissing a message as invalid the approver's (负责人). */
const HANDLING_ROLES = ['approver', 'editor'] as const;

function refuse(category: 'CONFLICT' | 'NOT_FOUND', code: string, zh: string, en: string, rule?: string): never {
  throw new DomainError(category, code, zh, en, [], rule);
}

export const messageDecider: Decider<MessageState, MessageCommand, MessageEvent> = {
  initialState: () => ({
    exists: false,
    messageId: '',
    siteId: '',
    category: 'normal',
    subject: '',
    question: '',
    asker: { name: '' },
    receivedAt: '',
    workingDays: 0,
    dueDate: '',
    status: 'received',
    unit: null,
    resourceId: null,
  }),

  decide(command, state) {
    const { actor, context } = command;
    const by = actor.personId;
    if (command.type === 'ReceiveMessage') {
      const { siteId, category } = command.data;
      const role = requireSiteRole(actor, siteId, [...RECEIVING_ROLES]);
      if (state.exists)
        refuse('CONFLICT', 'ALREADY_EXISTS', `留言 ${state.messageId} 已存在`, `message ${state.messageId} exists`);
      const site = context?.site;
      if (!site || site.status === null)
        refuse('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
      if (site.status === 'closed')
        refuse('CONFLICT', 'SITE_CLOSED', `站点 ${siteId} 已永久关停`, `site ${siteId} is closed`, 'R-SITE-5');
      const receivedAt = context?.occurredAt;
      if (!receivedAt || !context?.calendar) throw new Error('the command handler must give the time and calendar');
      const workingDays = ANSWER_WORKING_DAYS[category];
      return decided(role, {
        type: 'MessageReceived',
        data: {
          ...command.data,
          receivedAt,
          workingDays,
          dueDate: answerDueDate(context.calendar, receivedAt, workingDays),
        },
      });
    }
    if (!state.exists)
      refuse(
        'NOT_FOUND',
        'NOT_FOUND',
        `留言 ${command.data.messageId} 不存在`,
        `message ${command.data.messageId} does not exist`,
      );
    const open = () => {
      if (state.status === 'dismissed' || state.status === 'answer_drafted')
        refuse(
          'CONFLICT',
          'MESSAGE_NOT_OPEN',
          `留言 ${state.messageId} 已${state.status === 'dismissed' ? '作无效处理' : '答复'}`,
          `message ${state.messageId} is ${state.status === 'dismissed' ? 'dismissed' : 'answered'}`,
          'R-SUP-2',
        );
    };
    switch (command.type) {
      case 'AssignMessage': {
        const role = requireSiteRole(actor, state.siteId, [...HANDLING_ROLES]);
        open();
        const { messageId, unit, note } = command.data;
        return decided(role, { type: 'MessageAssigned', data: { messageId, unit, note, by } });
      }
      case 'ExtendMessageDeadline': {
        const role = requireSiteRole(actor, state.siteId, [...HANDLING_ROLES]);
        open();
        const { messageId, workingDays, reason } = command.data;
        checkExtension(state.workingDays, workingDays);
        if (!context?.calendar) throw new Error('the command handler must give the calendar');
        const dueDate = answerDueDate(context.calendar, state.receivedAt, workingDays);
        return decided(role, {
          type: 'MessageDeadlineExtended',
          data: { messageId, workingDays, dueDate, reason, by },
        });
      }
      case 'DismissMessage': {
        const role = requireSiteRole(actor, state.siteId, ['approver']);
        open();
        return decided(role, {
          type: 'MessageDismissed',
          data: { messageId: state.messageId, reason: command.data.reason, by },
        });
      }
      case 'RecordMessageAnswer': {
        const role = requireSiteRole(actor, state.siteId, ['editor']);
        open();
        const { messageId, resourceId, answer } = command.data;
        return decided(role, { type: 'MessageAnswerDrafted', data: { messageId, resourceId, answer, by } });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'MessageReceived': {
        const { messageId, siteId, category, subject, question, asker, receivedAt, workingDays, dueDate } = event.data;
        return {
          ...state,
          exists: true,
          messageId,
          siteId,
          category,
          subject,
          question,
          asker,
          receivedAt,
          workingDays,
          dueDate,
          status: 'received',
        };
      }
      case 'MessageAssigned':
        return { ...state, status: 'assigned', unit: event.data.unit };
      case 'MessageDeadlineExtended':
        return { ...state, workingDays: event.data.workingDays, dueDate: event.data.dueDate };
      case 'MessageDismissed':
        return { ...state, status: 'dismissed' };
      case 'MessageAnswerDrafted':
        return { ...state, status: 'answer_drafted', resourceId: event.data.resourceId };
    }
  },
};

export const messageAggregate: Aggregate<MessageState, MessageCommand, MessageEvent> = {
  decider: messageDecider,
  eventSchemas: messageEventSchemas,
};

/**
 * The question and answer as they may be published: every occurrence of the asker's name, telephone number and
 * e-mail address is masked, since people often sign their message or repeat their number in it.
 */
export function maskPersonalData(text: string, who: Asker): string {
  let masked = text;
  for (const value of [who.name, who.phone, who.email]) {
    const v = value?.trim();
    if (!v || [...v].length < 2) continue;
    masked = masked.split(v).join('*'.repeat([...v].length));
  }
  return masked;
}
