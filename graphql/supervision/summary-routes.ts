/**
 * The monthly summary as files (P-art.51): `/supervision/summary/<siteId>/<YYYY-MM>.csv` for spreadsheets and
 * `.html` for printing, read with the same credentials and rules as the `monthlySummary` query. A fastify plugin.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { monthlySummary, monthlySummaryCsv } from '../../projections/supervision/monthly-summary.js';
import type { Services } from '../context.js';
import { describeError } from '../errors.js';
import { summaryPage } from './summary-page.js';
import { requireSupervisionReader } from './supervision-access.js';
import { monthlySummaryModel } from './supervision-models.js';

const STATUS: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 };

async function summaryRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Params: { siteId: string; file: string } }>(
    '/supervision/summary/:siteId/:file',
    async (request, reply) => {
      const match = /^(\d{4}-\d{2})\.(csv|html)$/.exec(request.params.file);
      if (!match) return reply.code(404).send({ error: 'expected <YYYY-MM>.csv or <YYYY-MM>.html' });
      const [, month, format] = match;
      const { siteId } = request.params;
      try {
        await requireSupervisionReader({ viewer: request.viewer!, services }, siteId);
        const now = services.clock();
        const summary = monthlySummary(services.supervision, siteId, month!, now);
        const model = monthlySummaryModel(summary, services.supervision.availability(siteId, now));
        if (format === 'csv')
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="summary-${siteId}-${month}.csv"`)
            .send(monthlySummaryCsv(summary));
        return reply.header('content-type', 'text/html; charset=utf-8').send(summaryPage(model));
      } catch (error) {
        const described = describeError(error);
        if (!described) throw error;
        return reply
          .code(STATUS[described.extensions.category] ?? 409)
          .send({ error: described.message, ...described.extensions });
      }
    },
  );
}

export default fp(summaryRoutes, { name: 'supervision-summary', fastify: '5.x', dependencies: ['authentication'] });
