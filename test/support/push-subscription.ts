/**
 * Waiting for a push subscription to start: graphql-ws acknowledges the connection, not each subscription, and the
 * server registers one only after checking who may follow it. A probe delivery is published on the subscription's
 * topic until it comes back, so no test or benchmark depends on how long that takes.
 */
import { TOPICS } from '../../graphql/live-updates/topics.js';
import type { ApiServer } from './api-server.js';

/** The pushId of probe deliveries: skip them when reading what a subscription received. */
export const PROBE = 'probe';

export async function pushSubscriptionStarted(
  api: ApiServer,
  sub: { next(): Promise<Record<string, unknown>> },
  field: 'pushReceived' | 'pushStatusChanged',
  siteId: string,
): Promise<void> {
  const probe = {
    pushId: PROBE,
    resourceId: PROBE,
    originSiteId: siteId,
    siteId,
    title: PROBE,
    version: 1,
    important: false,
    pushedAt: new Date().toISOString(),
    status: 'pending',
    overdue: false,
  };
  const arrived = sub.next();
  for (let i = 0; i < 200; i++) {
    await api.app.graphql.pubsub.publish({ topic: TOPICS[field], payload: { [field]: probe } });
    if (await Promise.race([arrived, new Promise((resolve) => setTimeout(() => resolve(null), 50))])) return;
  }
  throw new Error(`the ${field} subscription of ${siteId} never started`);
}
