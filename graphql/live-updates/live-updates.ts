/**
 * Feeds the GraphQL subscriptions from the log: once a change is in the read model a client would query (the
 * library, the review queues, the push inboxes), its subscribers are told, so what they receive they can also
 * query at once. A fastify plugin: it starts with the server and stops when the server closes.
 */
import type { FastifyInstance } from 'fastify';
import type { RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import type { PushDelivery } from '../../projections/push/push-read-model.js';
import type { Runner } from '../../projections/runner/runner.js';
import type { Services } from '../context.js';
import { libraryResource } from '../library/library-resource.js';
import { workflowItem } from '../workflow/workflow-item.js';
import { TOPICS } from './topics.js';

export interface LiveUpdatesOptions {
  eventStore: EventStore;
  services: Services;
  /** The runners of the read models each topic waits for. */
  runners: { library: Runner; workflow: Runner; push: Runner };
}

export async function liveUpdates(app: FastifyInstance, { eventStore, services, runners }: LiveUpdatesOptions) {
  const pubsub = app.graphql.pubsub;
  const publish = (topic: string, payload: unknown) => pubsub.publish({ topic, payload });
  const subscription = eventStore.subscribeToAll({ after: 'end', filter: { streamPrefixes: ['resource-', 'push-'] } });

  const statusChanged = async (deliveries: PushDelivery[]) => {
    for (const delivery of deliveries) await publish(TOPICS.pushStatusChanged, { pushStatusChanged: delivery });
  };

  async function onResourceEvent(event: RecordedEvent): Promise<void> {
    // A migrated resource (R-LIB-4) is a historical publication, not news: subscribers to new publications are not
    // told of every row of an old site's export, and it never waits in a review queue. (A rollback's withdrawals
    // are told, below, like any withdrawal.)
    if (event.type === 'ResourceMigrated') return;
    const resourceId = (event.data as { resourceId: string }).resourceId;
    if (event.type === 'ResourcePublished') {
      await runners.library.waitFor(event.position);
      const document = await services.searchIndex.get(resourceId);
      if (document) await publish(TOPICS.resourcePublished, { resourcePublished: libraryResource(document) });
    }
    if (event.type === 'ResourceWithdrawn') {
      // The sites that took the resource, or were asked to, learn that the original is gone (R-PUSH-1).
      await runners.push.waitFor(event.position);
      // A resource is withdrawn once, so every withdrawn delivery of it is this event's.
      const withdrawn = services.pushes
        .deliveriesOfResource(resourceId, services.clock())
        .filter((d) => d.status === 'withdrawn');
      await statusChanged(withdrawn);
    }
    await runners.workflow.waitFor(event.position);
    const item = services.workflow.item(resourceId);
    if (item) await publish(TOPICS.reviewQueueChanged, { reviewQueueChanged: workflowItem(item) });
  }

  async function onPushEvent(event: RecordedEvent): Promise<void> {
    const data = event.data as { pushId: string; siteId?: string; siteIds?: string[] };
    await runners.push.waitFor(event.position);
    // An acceptance is a placement: tell no one before the library shows it.
    if (event.type === 'PushAccepted') await runners.library.waitFor(event.position);
    const deliveries = services.pushes.deliveries(data.pushId, services.clock());
    const changed = data.siteId
      ? deliveries.filter((d) => d.siteId === data.siteId)
      : data.siteIds
        ? deliveries.filter((d) => data.siteIds!.includes(d.siteId))
        : deliveries;
    if (event.type === 'ResourcePushed') {
      for (const delivery of changed) await publish(TOPICS.pushReceived, { pushReceived: delivery });
    }
    await statusChanged(changed);
  }

  const running = (async () => {
    for await (const event of subscription) {
      try {
        if (event.streamId.startsWith('push-')) await onPushEvent(event);
        else await onResourceEvent(event);
      } catch (error) {
        app.log.error({ err: error }, 'live update failed');
      }
    }
  })();
  app.addHook('onClose', async () => {
    await subscription.close();
    await running;
  });
}
