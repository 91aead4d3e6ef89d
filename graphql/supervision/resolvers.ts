/**
 * Supervision (P-art.25, 49-51): update cycles and the single-veto scorecard, availability, the archive area, public
 * messages, checks and work orders, the monthly summary, and the content checks shown in the review queue. Reads come
 * from the supervision and content-check read models, judged with the server's clock; writes go through the platform.
 */
import { DomainError } from '../../domain/shared/domain-error.js';
import type { Finding } from '../../domain/work-order/finding.js';
import { monthlySummary } from '../../projections/supervision/monthly-summary.js';
import { actorOf } from '../auth/viewer.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Context } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { libraryResource } from '../library/library-resource.js';
import { siteSubscription } from '../live-updates/site-subscription.js';
import { TOPICS } from '../live-updates/topics.js';
import { isSupervising, requireSupervisionReader, requireSupervisor, worksOn } from './supervision-access.js';
import { monthlySummaryModel, publicMessage, type WorkOrderModel, workOrder } from './supervision-models.js';

function scorecardOf(context: Context, siteId: string) {
  const { supervision, clock } = context.services;
  const now = clock();
  const card = supervision.scorecard(siteId, now);
  if (!card) return null;
  return { ...card, availability: supervision.availability(siteId, now) };
}

function messageModel(context: Context, messageId: string, showAsker: boolean) {
  const view = context.services.supervision.message(messageId, context.services.clock());
  if (!view) throw new Error(`message ${messageId} is not in the read model after its command`);
  return publicMessage(view, showAsker);
}

async function messagePayload(context: Context, messageId: string, events: Array<{ type: string }>) {
  // Whoever wrote to the message works on its site (the domain checked): they may see who asked.
  return { message: messageModel(context, messageId, true), events: events.map((e) => e.type) };
}

function workOrderPayload(context: Context, workOrderId: string, events: Array<{ type: string }>) {
  const view = context.services.supervision.workOrder(workOrderId, context.services.clock());
  if (!view) throw new Error(`work order ${workOrderId} is not in the read model after its command`);
  return { workOrder: workOrder(view), events: events.map((e) => e.type) };
}

export const supervisionResolvers: Resolvers = {
  Query: {
    columnFreshness: async (_root, { siteId }, context) => {
      await requireSupervisionReader(context, siteId);
      return context.services.supervision.columnFreshness(siteId, context.services.clock());
    },
    scorecard: async (_root, { siteId }, context) => {
      await requireSupervisionReader(context, siteId);
      const card = scorecardOf(context, siteId);
      if (!card) throw notFound('site', siteId);
      return card;
    },
    scorecards: async (_root, _args, context) => {
      await requireSupervisor(context);
      const { supervision, clock } = context.services;
      const now = clock();
      return supervision.scorecards(now).map((card) => ({
        ...card,
        availability: supervision.availability(card.siteId, now),
      }));
    },
    archiveArea: async (_root, { siteId }, context) => {
      await requireSupervisionReader(context, siteId);
      return context.services.supervision.archiveArea(siteId);
    },
    siteAvailability: async (_root, { siteId }, context) => {
      await requireSupervisionReader(context, siteId);
      return context.services.supervision.availability(siteId, context.services.clock());
    },
    messages: async (_root, args, context) => {
      const actor = await requireSupervisionReader(context, args.siteId);
      const { supervision, clock } = context.services;
      return supervision
        .messages(
          withoutNulls({ siteId: args.siteId, statuses: args.statuses, overdueOnly: args.overdueOnly }),
          clock(),
        )
        .map((m) => publicMessage(m, worksOn(actor, m.siteId)));
    },
    allMessages: async (_root, args, context) => {
      const actor = await requireSupervisor(context);
      const { supervision, clock } = context.services;
      return supervision
        .messages(withoutNulls({ statuses: args.statuses, overdueOnly: args.overdueOnly }), clock())
        .map((m) => publicMessage(m, worksOn(actor, m.siteId)));
    },
    message: async (_root, { id }, context) => {
      const view = context.services.supervision.message(id, context.services.clock());
      // Whether it exists is itself the site's business: an outsider is refused before being told.
      const actor = await requireSupervisionReader(context, view?.siteId ?? '');
      return view ? publicMessage(view, worksOn(actor, view.siteId)) : null;
    },
    workOrders: async (_root, args, context) => {
      const { supervision, clock } = context.services;
      const query = withoutNulls({ statuses: args.statuses, overdueOnly: args.overdueOnly, checkId: args.checkId });
      const now = clock();
      if (args.siteId) {
        await requireSupervisionReader(context, args.siteId);
        return supervision.workOrders({ ...query, siteId: args.siteId }, now).map(workOrder);
      }
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      const all = supervision.workOrders(query, now);
      // A site's staff see their own sites' work orders only.
      return (isSupervising(actor) ? all : all.filter((w) => worksOn(actor, w.siteId))).map(workOrder);
    },
    workOrder: async (_root, { id }, context) => {
      const view = context.services.supervision.workOrder(id, context.services.clock());
      await requireSupervisionReader(context, view?.siteId ?? '');
      return view ? workOrder(view) : null;
    },
    checks: async (_root, _args, context) => {
      await requireSupervisor(context);
      return context.services.supervision.checks().map(({ checkId, ...rest }) => ({ id: checkId, ...rest }) as never);
    },
    automaticFindings: async (_root, { siteIds }, context) => {
      await requireSupervisor(context);
      const { supervision, clock } = context.services;
      const ids = siteIds ?? openSiteIds(context);
      return supervision.automaticFindings(ids, clock()).map((f) => ({ ...f, rule: f.rule ?? null }));
    },
    monthlySummary: async (_root, { siteId, month }, context) => {
      await requireSupervisionReader(context, siteId);
      const { supervision, clock } = context.services;
      const now = clock();
      return monthlySummaryModel(
        monthlySummary(supervision, siteId, month, now),
        supervision.availability(siteId, now),
      );
    },
    contentExpressions: async (_root, _args, context) => {
      await actorOf(context.services.platform.reader, context.viewer);
      return context.services.contentChecks.expressions().map((e) => ({
        ...e,
        suggestion: e.suggestion ?? null,
        note: e.note ?? null,
      }));
    },
    checkContent: async (_root, { text }, context) => {
      await actorOf(context.services.platform.reader, context.viewer);
      return context.services.contentChecks.checker().check({ body: text });
    },
  },
  Mutation: {
    receiveMessage: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'ReceiveMessage', {
        ...withoutNulls(input),
        asker: withoutNulls(input.asker),
      });
      return messagePayload(context, input.messageId, events);
    },
    assignMessage: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'AssignMessage', withoutNulls(input));
      return messagePayload(context, input.messageId, events);
    },
    extendMessageDeadline: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'ExtendMessageDeadline', withoutNulls(input));
      return messagePayload(context, input.messageId, events);
    },
    dismissMessage: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'DismissMessage', withoutNulls(input));
      return messagePayload(context, input.messageId, events);
    },
    answerMessage: async (_root, { input }, context) => {
      const { drafted, submitted } = await runCommand(context, 'AnswerMessage', withoutNulls(input));
      return messagePayload(context, input.messageId, [...drafted.events, ...submitted.events]);
    },
    runCheck: async (_root, { input }, context) => {
      await requireSupervisor(context);
      const { supervision, clock } = context.services;
      const siteIds = input.siteIds ?? openSiteIds(context);
      const automatic: Finding[] = input.automatic === false ? [] : supervision.automaticFindings(siteIds, clock());
      const manual: Finding[] = (input.manualFindings ?? []).map((f) => ({
        siteId: f.siteId,
        origin: 'manual',
        item: 'manual',
        severity: f.severity,
        title: f.title,
        evidence: f.evidence ?? [],
      }));
      const { check } = await runCommand(context, 'RunCheck', {
        checkId: input.checkId,
        kind: input.kind,
        siteIds,
        findings: [...automatic, ...manual],
      });
      const recorded = check.recorded!;
      const now = clock();
      return {
        check: {
          id: recorded.checkId,
          kind: recorded.kind,
          siteIds: recorded.siteIds,
          findings: recorded.findings.length,
          recordedAt: recorded.recordedAt,
          by: recorded.by,
        },
        workOrders: recorded.findings
          .map((f) => supervision.workOrder(f.workOrderId, now))
          .filter((w) => w !== null)
          .map(workOrder),
      };
    },
    answerWorkOrder: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'AnswerWorkOrder', withoutNulls(input));
      return workOrderPayload(context, input.workOrderId, events);
    },
    closeWorkOrder: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'CloseWorkOrder', withoutNulls(input));
      return workOrderPayload(context, input.workOrderId, events);
    },
    reopenWorkOrder: async (_root, { input }, context) => {
      const { events } = await runCommand(context, 'ReopenWorkOrder', withoutNulls(input));
      return workOrderPayload(context, input.workOrderId, events);
    },
    addContentExpressions: async (_root, { input }, context) => {
      const { events, state } = await runCommand(context, 'AddContentExpressions', withoutNulls(input));
      return { count: state.entries.size, events: events.map((e) => e.type) };
    },
    removeContentExpressions: async (_root, { input }, context) => {
      const { events, state } = await runCommand(context, 'RemoveContentExpressions', withoutNulls(input));
      return { count: state.entries.size, events: events.map((e) => e.type) };
    },
  },
  Subscription: {
    workOrderOpened: siteSubscription(
      TOPICS.workOrderOpened,
      async (context, siteId) => {
        await requireSupervisionReader(context, siteId);
      },
      (payload: { workOrderOpened: WorkOrderModel }, siteId) => payload.workOrderOpened.siteId === siteId,
    ),
  },
  WorkflowItem: {
    contentAdvisories: (item, _args, context) =>
      context.services.contentChecks.result(item.resourceId)?.advisories ?? [],
  },
  ArchivedTopic: {
    resources: async (topic, { first }, context) => {
      const page = await context.services.searchIndex.search({
        filters: { columns: [`${topic.siteId}/${topic.columnId}`], statuses: ['published', 'archived'] },
        sort: 'newest',
        first: Math.min(Math.max(first ?? 20, 1), 100),
      });
      return page.hits.map((hit) => libraryResource(hit.document));
    },
  },
};

function openSiteIds(context: Context): string[] {
  return context.services.supervision
    .sites()
    .filter((s) => s.status !== 'closed')
    .map((s) => s.siteId);
}

function notFound(what: string, id: string): DomainError {
  return new DomainError('NOT_FOUND', 'NOT_FOUND', `${id} 不存在`, `${what} ${id} does not exist`);
}
