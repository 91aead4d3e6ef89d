/**
 * Who each request acts as, worked out once per request from its `Authorization` (or `X-Api-Key`) header, and for
 * subscriptions from the `connection_init` payload. A fastify plugin: it decorates the server with `authenticate`
 * and every request with its `viewer`. Machine clients' use is attributable: every request made with an API key names
 * it in the log and the metrics.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AggregateReader } from '../../domain/shared/aggregate-reader.js';
import type { Metrics } from '../operations/metrics.js';
import { verifyApiKey } from './api-keys.js';
import type { TokenVerifier } from './token-keys.js';
import { type Viewer, viewerFromAuthorization } from './viewer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The viewer an `Authorization` header value stands for. */
    authenticate(header: string | undefined): Promise<Viewer>;
  }
  interface FastifyRequest {
    /** Null only before the authentication hook ran, which is before any handler. */
    viewer: Viewer | null;
  }
}

export interface AuthenticationOptions {
  verifyToken: TokenVerifier;
  reader: AggregateReader;
  metrics: Metrics;
}

function authorizationOf(request: FastifyRequest): string | undefined {
  const apiKey = request.headers['x-api-key'];
  return request.headers.authorization ?? (typeof apiKey === 'string' ? `ApiKey ${apiKey}` : undefined);
}

async function authentication(app: FastifyInstance, { verifyToken, reader, metrics }: AuthenticationOptions) {
  const checkApiKey = (key: string) => verifyApiKey(reader, key);
  app.decorate('authenticate', (header: string | undefined) =>
    viewerFromAuthorization(header, verifyToken, checkApiKey),
  );
  // Set for every request by the hook below, before any handler runs.
  app.decorateRequest('viewer', null);
  app.addHook('preHandler', async (request) => {
    request.viewer = await app.authenticate(authorizationOf(request));
    if (request.viewer.kind === 'apiKey') {
      const { keyId, siteId } = request.viewer;
      request.log.info({ apiKey: keyId, site: siteId }, 'request with an API key');
      metrics.apiKeyRequests.inc({ key_id: keyId, site: siteId });
    }
  });
}

export default fp(authentication, { name: 'authentication', fastify: '5.x' });
