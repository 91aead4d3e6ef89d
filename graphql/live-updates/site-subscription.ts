/** A subscription to one site's changes: who may follow it is checked when it starts. */
import mercurius from 'mercurius';
import type { Context } from '../context.js';

// mercurius is CommonJS: under Node's ESM loader only its default export is reliable.
const { withFilter } = mercurius;

export function siteSubscription<Payload>(
  topic: string,
  authorise: (context: Context, siteId: string) => Promise<void>,
  concerns: (payload: Payload, siteId: string) => boolean,
) {
  return {
    subscribe: withFilter(
      async (_root: unknown, args: { siteId: string }, context: Context) => {
        await authorise(context, args.siteId);
        return context.pubsub.subscribe(topic);
      },
      (payload: Payload, args: { siteId: string }) => concerns(payload, args.siteId),
    ),
  };
}
