/**
 * Feeds the GraphQL subscriptions from the log: once a change is in the read model a client would query (the
 * library, the review queues, the push inboxes, the work orders), its subscribers are told, so what they receive they
 * can also query at once. A fastify plugin: it starts with the server and stops when the server closes.
 *
 * Every message is published with its place in the log (cursor.ts), which the subscriptions turn into the cursor they
 * send with it and use to put replayed and live messages in one order (resumable-subscription.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import type { MessagePlace } from './cursor.js';
import type { TopicMessages } from './live-messages.js';

export interface LiveUpdatesOptions {
  eventStore: EventStore;
  topics: TopicMessages[];
}

/** Publishes every message `event` makes, on each topic it concerns, with its place; `prev` is the event read before. */
async function publishMessages(
  app: FastifyInstance,
  topics: TopicMessages[],
  event: RecordedEvent,
  prev: Position | null,
): Promise<void> {
  for (const topic of topics) {
    if (!topic.concerns(event)) continue;
    try {
      const messages = await topic.messages(event);
      for (const [ordinal, model] of messages.entries()) {
        const place: MessagePlace = { prev, position: event.position, ordinal, recordedAt: event.recordedAt };
        await app.graphql.pubsub.publish({ topic: topic.topic, payload: { [topic.field]: model, place } });
      }
    } catch (error) {
      app.log.error({ err: error, position: event.position, topic: topic.topic }, 'live update failed');
    }
  }
}

export async function liveUpdates(app: FastifyInstance, { eventStore, topics }: LiveUpdatesOptions) {
  const prefixes = [...new Set(topics.flatMap((t) => t.filter.streamPrefixes ?? []))];
  // From the head as it is now rather than from 'end': the first message's cursor then names a position the store
  // handed out, from which a replay can read.
  let prev = await eventStore.headPosition();
  const subscription = eventStore.subscribeToAll({
    ...(prev === null ? {} : { after: prev }),
    filter: { streamPrefixes: prefixes },
  });
  const running = (async () => {
    for await (const event of subscription) {
      await publishMessages(app, topics, event, prev);
      prev = event.position;
    }
  })();
  app.addHook('onClose', async () => {
    await subscription.close();
    await running;
  });
}
