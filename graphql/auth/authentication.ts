/**
 * Who each request acts as, worked out once per request from its `Authorization` (or `X-Api-Key`) header, and for
 * subscriptions from the `connection_init` payload. A fastify plugin: it decorates the server with `authenticate`
 * and every request with its `viewer`. Machine clients' use is attributable: every request made with an API key names
 * it in the log, and the metrics count it by site.
 *
 * It runs first, in `onRequest`, before the body is read: the rate limit (a route hook, which runs after every
 * server-wide hook) keys on the viewer it sets, so a client is limited as who it is, however it spells its credential.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { AggregateReader } from '../../domain/shared/aggregate-reader.js';
import type { Metrics } from '../operations/metrics.js';
import { verifyApiKey } from './api-keys.js';
import type { TokenVerifier } from './token-keys.js';
import { authorizationFrom, type Viewer, viewerFromAuthorization } from './viewer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The viewer an `Authorization` header value stands for, as it stands now. */
    authenticate(header: string | undefined): Promise<Viewer>;
  }
  interface FastifyRequest {
    /** Null only before the authentication hook ran, which is before any other hook or handler. */
    viewer: Viewer | null;
  }
}

export interface AuthenticationOptions {
  verifyToken: TokenVerifier;
  reader: AggregateReader;
  metrics: Metrics;
}

async function authentication(app: FastifyInstance, { verifyToken, reader, metrics }: AuthenticationOptions) {
  const checkApiKey = (key: string) => verifyApiKey(reader, key);
  app.decorate('authenticate', (header: string | undefined) =>
    viewerFromAuthorization(header, verifyToken, checkApiKey),
  );
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request) => {
    request.viewer = await app.authenticate(authorizationFrom(request.headers));
    if (request.viewer.kind === 'apiKey') {
      const { keyId, siteId } = request.viewer;
      request.log.info({ apiKey: keyId, site: siteId }, 'request with an API key');
      metrics.apiKeyRequests.inc({ site: siteId });
    }
  });
}

export default fp(authentication, { name: 'authentication', fastify: '5.x' });
