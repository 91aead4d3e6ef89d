/**
 * The HTTP server: the GraphQL API (fastify + mercurius, JIT on, subscriptions over graphql-transport-ws), GraphiQL,
 * and the operations endpoints /healthz, /readyz and /metrics.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import mercurius from 'mercurius';
import type { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { verifyApiKey } from './auth/api-keys.js';
import type { TokenVerifier } from './auth/token-keys.js';
import { formatGraphQLError, httpStatusOf } from './errors.js';
import { startLiveUpdates } from './live-updates.js';
import type { Metrics } from './metrics.js';
import { queryCostRule } from './query-cost.js';
import { type Context, loaders, resolvers, type Services } from './resolvers.js';
import { typeDefs } from './type-defs.js';
import { viewerFromAuthorization } from './viewer.js';

/** The projection runners behind the read models the API serves. */
export interface Runners {
  library: ProjectionRunner;
  workflow: ProjectionRunner;
  push: ProjectionRunner;
}

export interface ServerOptions {
  services: Services;
  runners: Runners;
  verifyToken: TokenVerifier;
  metrics: Metrics;
  /** Ready only while every projection is live and at most this many positions behind the log. */
  readyLag?: number;
  /** Requests per minute per client (token or address). */
  rateLimitPerMinute?: number;
  logLevel?: string;
}

/**
 * Deepest query nesting accepted: the schema's own deepest query is eight levels, GraphiQL's introspection query
 * thirteen; anything deeper is an abuse of the type system's recursion.
 */
export const MAX_QUERY_DEPTH = 15;
/** Request bodies up to this size: a draft may carry a long body (the event store takes 8 MiB per event). */
export const BODY_LIMIT = 8 * 1024 * 1024;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { services, runners, verifyToken, metrics } = options;
  const checkApiKey = (key: string) => verifyApiKey(services.platform, key);
  const app = Fastify({ logger: { level: options.logLevel ?? 'info' }, bodyLimit: BODY_LIMIT });

  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 1200,
    timeWindow: 60_000,
    // A signed-in client is limited by its token, anyone else by address.
    keyGenerator: (request) => request.headers.authorization ?? request.ip,
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
  });

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: resolvers as never,
    graphiql: true,
    jit: 1,
    queryDepth: MAX_QUERY_DEPTH,
    validationRules: [queryCostRule],
    loaders: loaders as never,
    context: async (request): Promise<Context> => {
      const apiKey = request.headers['x-api-key'];
      const header = request.headers.authorization ?? (typeof apiKey === 'string' ? `ApiKey ${apiKey}` : undefined);
      const viewer = await viewerFromAuthorization(header, verifyToken, checkApiKey);
      // Machine clients' use is attributable: every request made with a key names it in the log and the metrics.
      if (viewer.kind === 'apiKey') {
        request.log.info({ apiKey: viewer.keyId, site: viewer.siteId }, 'request with an API key');
        metrics.apiKeyRequests.inc({ key_id: viewer.keyId, site: viewer.siteId });
      }
      return { viewer, services, requestId: request.id };
    },
    subscription: {
      context: (_socket, request) => ({ services, requestId: request.id }),
      // graphql-ws clients send the token in connection_init: { authorization: 'Bearer …' }.
      onConnect: async (data: { payload?: Record<string, unknown> }) => {
        const payload = data.payload ?? {};
        const headers = (payload.headers as Record<string, unknown> | undefined) ?? payload;
        const header = (headers.authorization ?? headers.Authorization) as string | undefined;
        return { viewer: await viewerFromAuthorization(header, verifyToken, checkApiKey) };
      },
    },
    errorFormatter: (execution, context) => {
      // mercurius wraps all validation errors of a query in one; the client gets each with its own message.
      const flat = (execution.errors ?? []).flatMap((error) => {
        const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
        return Array.isArray(inner) && inner.every((e) => e instanceof GraphQLError)
          ? (inner as GraphQLError[])
          : [error];
      });
      const errors = flat.map((error) => {
        const { formatted, unexpected } = formatGraphQLError(error);
        metrics.errors.inc({ code: (formatted.extensions as { code: string }).code });
        if (unexpected)
          context.reply?.log.error({ err: error.originalError ?? error }, 'unexpected error in a resolver');
        return formatted;
      });
      // Refusals by the HTTP layer keep their status; errors that stopped the operation before execution (parse,
      // validation) are the client's: 400.
      const codes = errors.map((e) => (e.extensions as { code: string }).code);
      const refused = codes.map(httpStatusOf).find((status) => status !== undefined);
      const stopped = execution.data === undefined || execution.data === null;
      const statusCode = refused ?? (stopped ? (codes.includes('INTERNAL_SERVER_ERROR') ? 500 : 400) : 200);
      return { statusCode, response: { data: execution.data ?? null, errors } } as never;
    },
  });

  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    (context as unknown as { startedAt: bigint }).startedAt = process.hrtime.bigint();
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    (context as unknown as { operation: [string, string] }).operation = [
      operation?.name?.value ?? 'anonymous',
      operation?.operation ?? 'query',
    ];
  });
  app.graphql.addHook('onResolution', async (_execution, context) => {
    const { startedAt, operation } = context as unknown as { startedAt?: bigint; operation?: [string, string] };
    if (startedAt && operation) {
      metrics.operationDuration.observe(
        { operation: operation[0], type: operation[1] },
        Number(process.hrtime.bigint() - startedAt) / 1e9,
      );
    }
  });

  const live = startLiveUpdates({
    services,
    runners,
    pubsub: app.graphql.pubsub,
    onError: (error) => app.log.error({ err: error }, 'live update failed'),
  });
  app.addHook('onClose', async () => live.close());

  // Liveness: the process answers. Kept free of I/O so a slow store never gets a healthy process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the event store answers and every read model is live and close behind the log.
  app.get('/readyz', async (_request, reply) => {
    try {
      const headPosition = await services.eventStore.headPosition();
      const projections = await Promise.all(
        Object.values(runners).map(async (runner) => ({ ...runner.status(), lag: await runner.lag() })),
      );
      const ready = projections.every((p) => p.state === 'live' && p.lag <= (options.readyLag ?? 1000));
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', headPosition, projections });
    } catch (error) {
      return reply.code(503).send({ status: 'not ready', reason: (error as Error).message });
    }
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return app;
}
