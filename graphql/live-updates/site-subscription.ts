/**
 * Subscriptions that hold their viewer to their right for as long as they are open. Who may follow a subscription
 * is checked when it starts and again before every message it would send, with the viewer as their credential
 * stands at that moment (a token re-verified, an API key re-checked against revocation, a person's roles read from
 * their stream, as for an HTTP request: R-PEOPLE-2). Once the right is gone the subscription ends with the typed
 * error the check gave (ROLE_REVOKED, UNAUTHENTICATED, FORBIDDEN…), and the message is never sent.
 *
 * Every subscription may be resumed: given `after`, the cursor of a message it sent earlier (on this process or
 * another of the platform), it first sends what came after that message, then live messages (message-stream.ts). A
 * cursor that is not one of this field's on this platform is CURSOR_INVALID; one older than the resume window is
 * CURSOR_TOO_OLD. Each identity holds at most SUBSCRIPTIONS_PER_IDENTITY subscriptions open per process.
 */
import type { Readable } from 'node:stream';
import type { EventStore } from '../../domain/event-store/port.js';
import { clientKey } from '../auth/viewer.js';
import type { Context } from '../context.js';
import { type CursorCodec, cursorTooOld } from './cursor.js';
import type { TopicMessages } from './live-messages.js';
import { MessageStream, type Published, type SubscriberSocket } from './message-stream.js';
import type { SubscriptionLeases } from './subscription-leases.js';

/** What the subscriptions of a server share: the log, each topic's messages, the cursors, the limits. */
export interface LiveFeed {
  eventStore: EventStore;
  /** By subscription field. */
  topics: ReadonlyMap<string, TopicMessages>;
  cursors: CursorCodec;
  leases: SubscriptionLeases;
  /** Cursors of messages recorded longer ago than this are too old to resume from. */
  resumeWindowHours: number;
  /** Bytes that may wait for a subscriber before it is too slow. */
  bufferBytes: number;
  /** Counts an error the server sent on a socket itself, outside mercurius (metrics.ts `errors`). */
  countError(code: string): void;
}

/** The subscription socket's context, beyond what every resolver gets (server.ts). */
export interface SubscriptionContext extends Context {
  live: LiveFeed;
  socket: SubscriberSocket;
  request: { ip: string };
  /** The graphql-ws id of the subscription (mercurius sets it). */
  id: string;
}

export interface LiveSubscription<Args, Payload> {
  topic: string;
  /** Throws when the viewer may not follow the subscription with these arguments. */
  authorise: (context: Context, args: Args) => Promise<void>;
  /** Whether a published payload is one this subscription asked for. */
  concerns: (payload: Payload, args: Args) => boolean;
}

const HOUR_MS = 3_600_000;

export function liveSubscription<Args extends { after?: string | null }, Payload>(
  subscription: LiveSubscription<Args, Payload>,
) {
  return {
    subscribe: async (_root: unknown, args: Args, base: Context, info: { fieldName: string }) => {
      const context = base as SubscriptionContext;
      const { live } = context;
      const field = info.fieldName;
      const topic = live.topics.get(field)!;
      const after = args.after ? live.cursors.decode(field, args.after) : null;
      if (after && context.services.clock().getTime() - Date.parse(after.recordedAt) > live.resumeWindowHours * HOUR_MS)
        throw cursorTooOld(field, after.recordedAt, live.resumeWindowHours);
      await subscription.authorise(context, args);
      const release = live.leases.acquire(clientKey(context.viewer, context.request.ip));
      let source: Readable;
      try {
        // Before the log is read: what is published meanwhile is held, so nothing falls between replay and live.
        source = (await context.pubsub.subscribe(subscription.topic)) as Readable;
      } catch (error) {
        release();
        throw error;
      }
      // The messages are the published payloads with their cursors: `{ [field]: model & { cursor } }`.
      return new MessageStream({
        field,
        topic,
        eventStore: live.eventStore,
        cursors: live.cursors,
        source,
        socket: context.socket,
        id: context.id,
        boundBytes: live.bufferBytes,
        after,
        afterCursor: args.after ?? null,
        concerns: (payload: Published) => subscription.concerns(payload as Payload, args),
        authorise: async () => subscription.authorise({ ...context, viewer: await context.viewerNow() }, args),
        onEnd: release,
        onTooSlow: () => live.countError('SUBSCRIBER_TOO_SLOW'),
      }) as AsyncIterable<unknown> as AsyncIterable<Payload>;
    },
  };
}

/** A subscription to one site's changes. */
export function siteSubscription<Payload>(
  topic: string,
  authorise: (context: Context, siteId: string) => Promise<void>,
  concerns: (payload: Payload, siteId: string) => boolean,
) {
  return liveSubscription<{ siteId: string; after?: string | null }, Payload>({
    topic,
    authorise: (context, args) => authorise(context, args.siteId),
    concerns: (payload, args) => concerns(payload, args.siteId),
  });
}
