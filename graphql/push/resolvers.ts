/**
 * Push between sites (R-PUSH-1..3): the offer and each receiving site's review and decision, and every site's inbox
 * and outbox from the push read model. A site's pushes are read by its staff, its own API keys (push subscribers are
 * often the sub-site's machines), platform administrators and auditors.
 */
import type { Delivery, PushEvent, PushOffer } from '../../domain/push/push.js';
import type { DeliveryPage, DeliveryQuery, PushDelivery } from '../../projections/push/push-read-model.js';
import { requireSiteReader } from '../auth/authorise.js';
import { actorOf, Forbidden, isPlatformWide } from '../auth/viewer.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Context } from '../context.js';
import type { QueryPushDeliveriesArgs, Resolvers } from '../generated/resolvers-types.js';
import { siteSubscription } from '../live-updates/site-subscription.js';
import { TOPICS } from '../live-updates/topics.js';

function deliveryConnection(page: DeliveryPage) {
  return {
    totalCount: page.total,
    pageInfo: { hasNextPage: page.endCursor !== null, endCursor: page.endCursor },
    edges: page.deliveries.map((node) => ({ cursor: page.endCursor ?? '', node })),
  };
}

function deliveryQuery(args: QueryPushDeliveriesArgs): DeliveryQuery {
  return withoutNulls({ statuses: args.statuses, overdueOnly: args.overdueOnly, first: args.first, after: args.after });
}

interface Pushed {
  offer: PushOffer;
  targets: Array<{ siteId: string; delivery: Delivery }>;
  events: PushEvent[];
}

export function pushPayload({ offer, targets, events }: Pushed) {
  return {
    pushId: offer.pushId,
    resourceId: offer.resourceId,
    originSiteId: offer.originSiteId,
    important: offer.important,
    deadline: offer.deadline ?? null,
    targets: targets.map(({ siteId, delivery }) => ({
      siteId,
      stage: delivery.stage,
      suggestedColumnId: offer.targets.get(siteId)?.suggestedColumnId ?? null,
      columnId: delivery.columnId ?? null,
    })),
    events: events.map((e) => e.type),
  };
}

/** A receiving site's step: the payload shows the offer it belongs to and where the push stands there now. */
async function deliveryPayload(
  context: Context,
  input: { pushId: string; siteId: string },
  decided: { state: Delivery; events: PushEvent[] },
) {
  const offer = await context.services.platform.reader.pushOffer(input.pushId);
  return pushPayload({ offer, targets: [{ siteId: input.siteId, delivery: decided.state }], events: decided.events });
}

export const pushResolvers: Resolvers = {
  Query: {
    pushInbox: async (_root, args, context) => {
      await requireSiteReader(context, args.siteId);
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.inbox(args.siteId, clock(), deliveryQuery(args)));
    },
    pushOutbox: async (_root, args, context) => {
      await requireSiteReader(context, args.siteId);
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.outbox(args.siteId, clock(), deliveryQuery(args)));
    },
    pushDeliveries: async (_root, args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      if (!isPlatformWide(actor))
        throw new Forbidden('only platform administrators and auditors see every site’s pushes');
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.all(clock(), deliveryQuery(args)));
    },
  },
  Mutation: {
    pushResource: async (_root, { input }, context) => {
      const { state: offer, events } = await runCommand(context, 'PushResource', withoutNulls(input));
      const targets = [...offer.targets.keys()].map((siteId) => ({ siteId, delivery: { stage: 'pending' as const } }));
      return pushPayload({ offer, targets, events });
    },
    passPushSecondReview: async (_root, { input }, context) =>
      deliveryPayload(context, input, await runCommand(context, 'PassPushSecondReview', withoutNulls(input))),
    passPushFinalReview: async (_root, { input }, context) =>
      deliveryPayload(context, input, await runCommand(context, 'PassPushFinalReview', withoutNulls(input))),
    acceptPush: async (_root, { input }, context) =>
      deliveryPayload(context, input, await runCommand(context, 'AcceptPush', withoutNulls(input))),
    declinePush: async (_root, { input }, context) =>
      deliveryPayload(context, input, await runCommand(context, 'DeclinePush', withoutNulls(input))),
    recallPush: async (_root, { input }, context) =>
      pushPayload(await runCommand(context, 'RecallPush', withoutNulls(input))),
  },
  Subscription: {
    pushReceived: siteSubscription(
      TOPICS.pushReceived,
      requireSiteReader,
      (payload: { pushReceived: PushDelivery }, siteId) => payload.pushReceived.siteId === siteId,
    ),
    pushStatusChanged: siteSubscription(
      TOPICS.pushStatusChanged,
      requireSiteReader,
      ({ pushStatusChanged: d }: { pushStatusChanged: PushDelivery }, siteId) =>
        d.originSiteId === siteId || d.siteId === siteId,
    ),
  },
};
