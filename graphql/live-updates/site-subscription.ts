/**
 * Subscriptions that hold their viewer to their right for as long as they are open. Who may follow a subscription
 * is checked when it starts and again before every message it would send, with the viewer as their credential
 * stands at that moment (a token re-verified, an API key re-checked against revocation, a person's roles read from
 * their stream, as for an HTTP request: R-PEOPLE-2). Once the right is gone the subscription ends with the typed
 * error the check gave (ROLE_REVOKED, UNAUTHENTICATED, FORBIDDEN…), and the message is never sent.
 */
import type { Context } from '../context.js';

export interface LiveSubscription<Args, Payload> {
  topic: string;
  /** Throws when the viewer may not follow the subscription with these arguments. */
  authorise: (context: Context, args: Args) => Promise<void>;
  /** Whether a published payload is one this subscription asked for. */
  concerns: (payload: Payload, args: Args) => boolean;
}

async function* authorisedMessages<Args, Payload>(
  source: AsyncIterable<Payload>,
  args: Args,
  context: Context,
  { authorise, concerns }: LiveSubscription<Args, Payload>,
): AsyncGenerator<Payload> {
  // Leaving the loop (by the client's stop, or by the throw below) closes the source.
  for await (const payload of source) {
    if (!concerns(payload, args)) continue;
    await authorise({ ...context, viewer: await context.viewerNow() }, args);
    yield payload;
  }
}

export function liveSubscription<Args, Payload>(subscription: LiveSubscription<Args, Payload>) {
  return {
    subscribe: async (_root: unknown, args: Args, context: Context) => {
      await subscription.authorise(context, args);
      const source = (await context.pubsub.subscribe(subscription.topic)) as AsyncIterable<Payload>;
      return authorisedMessages(source, args, context, subscription);
    },
  };
}

/** A subscription to one site's changes. */
export function siteSubscription<Payload>(
  topic: string,
  authorise: (context: Context, siteId: string) => Promise<void>,
  concerns: (payload: Payload, siteId: string) => boolean,
) {
  return liveSubscription<{ siteId: string }, Payload>({
    topic,
    authorise: (context, args) => authorise(context, args.siteId),
    concerns: (payload, args) => concerns(payload, args.siteId),
  });
}
