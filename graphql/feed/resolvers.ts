/**
 * The provincial library in the API (R-LIB-3): a site takes a provincial shared resource in as a push from the
 * provincial library, reviewed and accepted with the push mutations. The province's resources themselves are found
 * with `search` and `resource` like any other.
 */
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { pushPayload } from '../push/resolvers.js';

export const feedResolvers: Resolvers = {
  Mutation: {
    takeProvincialResource: async (_root, { input }, context) => {
      const { state: offer, events } = await runCommand(context, 'TakeProvincialResource', withoutNulls(input));
      const targets = [...offer.targets.keys()].map((siteId) => ({ siteId, delivery: { stage: 'pending' as const } }));
      return pushPayload({ offer, targets, events });
    },
  },
};
