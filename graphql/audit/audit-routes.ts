/**
 * The audit log over plain HTTP, as a fastify plugin: the tlog-tiles paths (checkpoints and tiles are hashes only and
 * open to anyone who wants to mirror the log; entry bundles hold every event, drafts included, so only auditors and
 * platform administrators read them, R-SEC-2), and the audit trail as CSV for spreadsheets, streamed page by page.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { parseInput } from '../../domain/shared/command-module.js';
import { AUDIT_KINDS } from '../../projections/audit-trail/audit-entry.js';
import { writeAuditTrailCsv } from '../../projections/audit-trail/audit-trail-csv.js';
import type { Services } from '../context.js';
import { describeError } from '../errors.js';
import { mayAudit, trailQueryFor } from './authorise.js';
import { tlogRoutes } from './tlog-routes.js';

export interface AuditRoutesOptions {
  services: Services;
  /**
   * Whether clients on this machine (loopback) read entry bundles without a token: whoever runs there can read the
   * data directory anyway, and the platform's own `npm run verify -- <URL>` then needs no credential. Turn it off
   * where a proxy on the same machine forwards outside clients.
   */
  entriesOpenToLoopback: boolean;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const csvQuery = z.strictObject({
  actorId: z.string().min(1).max(200).optional(),
  siteId: z.string().min(1).max(100).optional(),
  resourceId: z.string().min(1).max(100).optional(),
  kinds: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(AUDIT_KINDS)))
    .optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

async function auditRoutes(app: FastifyInstance, { services, entriesOpenToLoopback }: AuditRoutesOptions) {
  await app.register(tlogRoutes, {
    // At tlog-tiles' paths under /audit (not fastify's `prefix` option, which tlogRoutes reads itself).
    log: services.auditLog,
    authorizeEntries: async (request) =>
      (entriesOpenToLoopback && LOOPBACK.test(request.socket.remoteAddress ?? '')) ||
      mayAudit(request.viewer, services),
  });

  app.get('/audit/trail.csv', async (request, reply) => {
    try {
      const viewer = request.viewer!;
      const query = await trailQueryFor({ viewer, services }, parseInput(csvQuery, request.query));
      const body = new PassThrough();
      const date = services.clock().toISOString().slice(0, 10);
      reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', `attachment; filename="audit-trail-${date}.csv"`)
        .send(body);
      writeAuditTrailCsv(services.auditTrail, query, body).catch((error: unknown) => body.destroy(error as Error));
      return reply;
    } catch (error) {
      const described = describeError(error);
      if (!described) throw error;
      const status = { UNAUTHENTICATED: 401, FORBIDDEN: 403, BAD_USER_INPUT: 400 }[
        described.extensions.category as string
      ];
      return reply.code(status ?? 400).send({ errors: [described] });
    }
  });
}

export default fp(auditRoutes, { name: 'audit-routes', fastify: '5.x', dependencies: ['authentication'] });
