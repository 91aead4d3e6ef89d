/**
 * The audit log in the API: the platform-wide trail (R-REVIEW-5), and the proofs an outside auditor checks with the
 * log's public key alone (R-SEC-1): a resource's events with their inclusion proofs, and the consistency of any two
 * signed checkpoints. The same log is served at the tlog-tiles paths for mirrors and the verifier.
 */
import { resourceStream } from '../../domain/resource/resource.js';
import type { SignedCheckpoint } from '../../projections/audit-log/checkpoint-log.js';
import { withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { requireAuditor, trailQueryFor } from './authorise.js';

const checkpointModel = (c: SignedCheckpoint) => ({
  size: c.size,
  rootHash: c.rootHash.toString('base64'),
  note: c.note,
  signedAt: c.signedAt,
});

export const auditResolvers: Resolvers = {
  Query: {
    auditTrail: async (_root, args, context) => {
      const query = await trailQueryFor(context, {
        ...withoutNulls(args.filter ?? {}),
        order: args.order === 'OLDEST' ? 'oldest' : 'newest',
        ...withoutNulls({ first: args.first, after: args.after }),
      });
      const page = context.services.auditTrail.query(query);
      return {
        edges: page.entries.map((node) => ({ cursor: page.endCursor ?? '', node })),
        pageInfo: { hasNextPage: page.endCursor !== null, endCursor: page.endCursor },
      };
    },
    resourceProofs: async (_root, args, context) => {
      await requireAuditor(context);
      return context.services.auditLog.streamProofs(resourceStream(args.resourceId), args.checkpointSize ?? undefined);
    },
    consistencyProof: async (_root, args, context) => {
      await requireAuditor(context);
      return context.services.auditLog.consistencyProof(args.fromSize, args.toSize);
    },
    auditCheckpoints: async (_root, args, context) => {
      await requireAuditor(context);
      return context.services.auditLog
        .listCheckpoints(args.first ?? undefined, args.beforeSize ?? undefined)
        .map(checkpointModel);
    },
  },
};
