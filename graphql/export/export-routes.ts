/**
 * Downloads of site exports over HTTP (R-LIB-5), as a fastify plugin: `GET /exports/<exportId>/resources.jsonl`
 * (JSON Lines, streamed from disk) and `GET /exports/<exportId>/manifest.json` (counts and SHA-256 digests), with the
 * same `Authorization` header as the API. Only the unit's own staff and auditors get them, and each download is an
 * event naming who took the unit's data (the domain decides both). A file still being written is waited for; one
 * lost is written again from the log, the same bytes.
 */
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { EXPORT_FILE_NAMES } from '../../domain/export/site-export.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { commandMeta } from '../auth/authorise.js';
import { Forbidden, Unauthenticated } from '../auth/viewer.js';
import type { Services } from '../context.js';

export interface ExportRoutesOptions {
  services: Services;
}

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
};

function refuse(reply: FastifyReply, error: unknown) {
  if (error instanceof DomainError || error instanceof Unauthenticated || error instanceof Forbidden) {
    const { code, category } = error;
    return reply.code(STATUS[category] ?? 400).send({
      error: {
        code,
        category,
        message: error.message,
        ...(error instanceof DomainError ? { messageZh: error.messageZh, rule: error.rule } : {}),
      },
    });
  }
  throw error;
}

async function exportRoutes(app: FastifyInstance, { services }: ExportRoutesOptions) {
  const files = services.exportFiles;
  files.onError = (error, exportId) => app.log.error({ err: error, exportId }, 'site export could not be written');
  app.addHook('onClose', async () => files.close());

  app.get<{ Params: { exportId: string; file: string } }>('/exports/:exportId/:file', async (request, reply) => {
    const { exportId, file } = request.params;
    const name = EXPORT_FILE_NAMES.find((n) => n === file);
    if (!name) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no file ${file} in an export` } });
    try {
      // Recording the download is the check: the domain lets the unit's staff and auditors take its data.
      await services.platform.execute(
        'RecordSiteExportDownload',
        { exportId, file: name },
        commandMeta({ viewer: request.viewer!, services, requestId: request.id }),
      );
      const manifest = await files.ensure(exportId);
      if (name === 'manifest.json') return reply.type('application/json; charset=utf-8').send(manifest);
      const { bytes, sha256 } = manifest.files[0]!;
      return reply
        .type('application/x-ndjson; charset=utf-8')
        .header('content-length', bytes)
        .header('content-disposition', `attachment; filename="${manifest.siteId}-${exportId}.jsonl"`)
        .header('etag', `"${sha256}"`)
        .send(createReadStream(files.resourcesFile(exportId)));
    } catch (error) {
      return refuse(reply, error);
    }
  });
}

export default fp(exportRoutes, { name: 'export-routes', fastify: '5.x', dependencies: ['authentication'] });
