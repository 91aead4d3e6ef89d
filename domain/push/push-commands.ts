/**
 * Push commands (R-PUSH-1..3). The offer is one stream, each receiving site's decisions another, so sites deciding
 * at once never contend; the resource and every site involved are read fresh for each attempt. A recall of a push is
 * a process: one decision per still-open delivery.
 */
import type { z } from 'zod';
import { PROVINCIAL_LIBRARY, provincialPushResource } from '../provincial/provincial-resource.js';
import type { CommandMeta } from '../shared/command-handler.js';
import { type CommandEnvironment, processCommand, streamCommand } from '../shared/command-module.js';
import { DomainError } from '../shared/domain-error.js';
import { siteContextOf } from '../site/site.js';
import {
  type Delivery,
  type DeliveryCommand,
  type DeliveryEvent,
  type PushCommandContext,
  type PushOffer,
  pushCommandSchemas,
  pushDeliveryAggregate,
  pushDeliveryStream,
  pushOfferAggregate,
  pushStream,
  recallDeliverySchema,
} from './push.js';

/** The resource as its stream says now, and the state of every site named (with the resource's own). */
async function pushContext(
  { reader }: CommandEnvironment,
  meta: CommandMeta,
  resourceId: string,
  siteIds: string[],
): Promise<PushCommandContext> {
  const resource = await reader.resource(resourceId);
  const ids = new Set(siteIds);
  if (resource.exists) ids.add(resource.siteId);
  const sites = new Map(
    await Promise.all([...ids].map(async (id) => [id, siteContextOf(await reader.site(id))] as const)),
  );
  return {
    occurredAt: meta.occurredAt,
    sites,
    resource: {
      exists: resource.exists,
      siteId: resource.siteId,
      lifecycle: resource.lifecycle,
      published: resource.published && {
        version: resource.published.version,
        title: resource.published.metadata.title,
      },
    },
  };
}

const pushResource = streamCommand({
  input: pushCommandSchemas.PushResource,
  aggregate: pushOfferAggregate,
  stream: (input) => pushStream(input.pushId),
  context: (input, _state, environment, meta) =>
    pushContext(
      environment,
      meta,
      input.resourceId,
      input.targets.map((t) => t.siteId),
    ),
  command: (data, actor, context) => ({ type: 'PushResource' as const, data, actor, context }),
  // The pushing site is the resource's own.
  siteId: (_input, _state, context) => context?.resource?.siteId || null,
});

type DeliveryInput = { pushId: string; siteId: string };
type DeliveryType = DeliveryCommand['type'];

function deliveryCommand<Schema extends z.ZodType<DeliveryInput>>(type: DeliveryType, schema: Schema) {
  return streamCommand({
    input: schema,
    aggregate: pushDeliveryAggregate,
    stream: (input) => pushDeliveryStream(input.pushId, input.siteId),
    async context(input, _state, environment, meta): Promise<PushCommandContext> {
      const offer = await environment.reader.pushOffer(input.pushId);
      const context = await pushContext(environment, meta, offer.resourceId, [input.siteId]);
      // A provincial shared resource a site takes in is a push from the provincial library (R-LIB-3): the resource
      // is the province's, in a stream of its own.
      if (offer.originSiteId === PROVINCIAL_LIBRARY)
        context.resource = provincialPushResource(await environment.reader.provincialResource(offer.resourceId));
      return { ...context, offer };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as DeliveryCommand,
    siteId: (input) => input.siteId,
  });
}

const recallDelivery = deliveryCommand('RecallDelivery', recallDeliverySchema);

export interface PushRecall {
  offer: PushOffer;
  /** The receiving sites the recall named, as they stand after it. */
  targets: Array<{ siteId: string; delivery: Delivery }>;
  events: DeliveryEvent[];
  /** Where the last recall landed in the log. */
  position: number | null;
}

/**
 * The pushing site takes its push back from the sites that have not yet accepted or declined it (all, or those
 * named). Every site named must have been pushed to before any delivery is recalled: a typo recalls nothing.
 */
const recallPush = processCommand({
  input: pushCommandSchemas.RecallPush,
  async run(input, meta, environment): Promise<PushRecall> {
    const { pushId, reason } = input;
    const offer = await environment.reader.pushOffer(pushId);
    if (!offer.exists)
      throw new DomainError('NOT_FOUND', 'NOT_FOUND', `推送 ${pushId} 不存在`, `push ${pushId} does not exist`);
    const asked = input.siteIds ?? [...offer.targets.keys()];
    const unknown = asked.filter((siteId) => !offer.targets.has(siteId));
    if (unknown.length > 0)
      throw new DomainError(
        'NOT_FOUND',
        'NOT_FOUND',
        `推送 ${pushId} 未推送给站点 ${unknown.join('、')}`,
        `push ${pushId} was not sent to ${unknown.join(', ')}`,
        unknown.map((siteId) => ({ path: 'siteIds', message: `${siteId} was not pushed to` })),
      );
    const targets: PushRecall['targets'] = [];
    const events: DeliveryEvent[] = [];
    let position: number | null = null;
    for (const siteId of asked) {
      const recalled = await environment.run(recallDelivery, { pushId, siteId, reason }, meta);
      targets.push({ siteId, delivery: recalled.state });
      events.push(...recalled.events);
      position = recalled.position ?? position;
    }
    if (events.length === 0)
      throw new DomainError(
        'CONFLICT',
        'NOTHING_TO_RECALL',
        `推送 ${pushId} 已没有待处理的站点可撤回`,
        `push ${pushId} has no pending site left to recall`,
        [],
        'R-PUSH-1',
      );
    return { offer, targets, events, position };
  },
});

export const pushCommands = {
  PushResource: pushResource,
  PassPushSecondReview: deliveryCommand('PassPushSecondReview', pushCommandSchemas.PassPushSecondReview),
  PassPushFinalReview: deliveryCommand('PassPushFinalReview', pushCommandSchemas.PassPushFinalReview),
  AcceptPush: deliveryCommand('AcceptPush', pushCommandSchemas.AcceptPush),
  DeclinePush: deliveryCommand('DeclinePush', pushCommandSchemas.DeclinePush),
  RecallPush: recallPush,
};
