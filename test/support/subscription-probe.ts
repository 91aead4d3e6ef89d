/**
 * Waiting for any subscription to start, as push-subscription.ts does for push ones: a probe message (published on
 * the topic without a place in the log, so it carries no cursor) is published until it comes back.
 */
import { TOPICS } from '../../graphql/live-updates/topics.js';
import type { ApiServer } from './api-server.js';
import { PROBE } from './push-subscription.js';

/** Probe models that the subscriptions of `siteId` concern. */
export const probes = {
  resourcePublished: (siteId: string) => ({
    id: PROBE,
    title: PROBE,
    indexNumber: PROBE,
    siteId,
    subject: PROBE,
    metadata: {},
    placements: [{ siteId, columnId: PROBE }],
  }),
  reviewQueueChanged: (siteId: string) => ({ resourceId: PROBE, siteId, title: PROBE, status: 'draft', version: 1 }),
};

export async function subscriptionStarted(
  api: ApiServer,
  arrived: Promise<unknown>,
  field: keyof typeof probes,
  siteId: string,
): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await api.app.graphql.pubsub.publish({ topic: TOPICS[field], payload: { [field]: probes[field](siteId) } });
    if (await Promise.race([arrived, new Promise((resolve) => setTimeout(() => resolve(null), 50))])) return;
  }
  throw new Error(`the ${field} subscription of ${siteId} never started`);
}
