/**
 * Feeds `workOrderOpened(siteId)`: when a check opens a work order, the site's staff are told once the supervision
 * read model holds it, so what they receive they can query at once. A fastify plugin beside the other live updates.
 */
import type { FastifyInstance } from 'fastify';
import type { EventStore } from '../../domain/event-store/port.js';
import type { Runner } from '../../projections/runner/runner.js';
import type { Services } from '../context.js';
import { workOrder } from './supervision-models.js';

export const SUPERVISION_TOPICS = { workOrderOpened: 'WORK_ORDER_OPENED' } as const;

export interface WorkOrderUpdatesOptions {
  eventStore: EventStore;
  services: Services;
  runner: Runner;
}

export async function workOrderUpdates(
  app: FastifyInstance,
  { eventStore, services, runner }: WorkOrderUpdatesOptions,
) {
  const subscription = eventStore.subscribeToAll({
    after: 'end',
    filter: { streamPrefixes: ['work-order-'], eventTypes: ['WorkOrderOpened'] },
  });
  const running = (async () => {
    for await (const event of subscription) {
      try {
        await runner.waitFor(event.position);
        const view = services.supervision.workOrder(
          (event.data as { workOrderId: string }).workOrderId,
          services.clock(),
        );
        if (view)
          await app.graphql.pubsub.publish({
            topic: SUPERVISION_TOPICS.workOrderOpened,
            payload: { workOrderOpened: workOrder(view) },
          });
      } catch (error) {
        app.log.error({ err: error }, 'work order update failed');
      }
    }
  })();
  app.addHook('onClose', async () => {
    await subscription.close();
    await running;
  });
}
