/**
 * The HTTP server, composed of small plugins: rate limits, authentication, the GraphQL API (mercurius, JIT on,
 * subscriptions over graphql-transport-ws), GraphiQL served from the installed packages, the operations endpoints,
 * and the live updates that feed the subscriptions.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import mercurius from 'mercurius';
import type { EventStore } from '../domain/event-store/port.js';
import type { ProjectionRunner } from '../projections/runner/projection-runner.js';
import authentication from './auth/authentication.js';
import type { TokenVerifier } from './auth/token-keys.js';
import type { Context, Services } from './context.js';
import { formatGraphQLError, httpStatusOf } from './errors.js';
import graphiql from './graphiql/graphiql.js';
import { liveUpdates } from './live-updates/live-updates.js';
import type { Metrics } from './operations/metrics.js';
import operations, { OPERATIONS_ROUTES, type ReadinessCheck } from './operations/operations.js';
import { queryCostRule } from './query-cost.js';
import { loaders, resolvers } from './resolvers.js';
import { typeDefs } from './schema/type-defs.js';

export interface ServerOptions {
  eventStore: EventStore;
  services: Services;
  /** The runners of the read models live updates wait for. */
  liveRunners: { library: ProjectionRunner; workflow: ProjectionRunner; push: ProjectionRunner };
  verifyToken: TokenVerifier;
  metrics: Metrics;
  /** Ready only while every projection is live and at most this many positions behind the log. */
  readyLag?: number;
  /** Further parts of readiness (the provincial feed). */
  readinessChecks?: readonly ReadinessCheck[];
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
export const GRAPHQL_ENDPOINT = '/graphql';

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const app = Fastify({ logger: { level: options.logLevel ?? 'info' }, bodyLimit: BODY_LIMIT });

  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 1200,
    timeWindow: 60_000,
    // A signed-in client is limited by its token, anyone else by address.
    keyGenerator: (request) => request.headers.authorization ?? request.ip,
    allowList: (request) => OPERATIONS_ROUTES.includes(request.url),
  });
  await app.register(authentication, { verifyToken: options.verifyToken, reader: services.platform.reader, metrics });

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: resolvers as never,
    loaders: loaders as never,
    path: GRAPHQL_ENDPOINT,
    graphiql: false,
    jit: 1,
    queryDepth: MAX_QUERY_DEPTH,
    validationRules: [queryCostRule],
    context: (request): Omit<Context, 'pubsub'> => ({ viewer: request.viewer!, services, requestId: request.id }),
    subscription: {
      context: (_socket, request) => ({ services, requestId: request.id }),
      // graphql-ws clients send the token in connection_init: { authorization: 'Bearer …' }.
      onConnect: async (data: { payload?: Record<string, unknown> }) => {
        const payload = data.payload ?? {};
        const headers = (payload.headers as Record<string, unknown> | undefined) ?? payload;
        const header = (headers.authorization ?? headers.Authorization) as string | undefined;
        return { viewer: await app.authenticate(header) };
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

  await app.register(graphiql, { endpoint: GRAPHQL_ENDPOINT });
  await app.register(operations, {
    eventStore: options.eventStore,
    readModels: services.readModels,
    metrics,
    readyLag: options.readyLag ?? 1000,
    checks: options.readinessChecks ?? [],
  });
  await app.register(liveUpdates, { eventStore: options.eventStore, services, runners: options.liveRunners });
  return app;
}
