/**
 * The HTTP server, composed of small plugins: authentication, rate limits, the request guard, the GraphQL API
 * (mercurius, JIT on, subscriptions over graphql-transport-ws), GraphiQL served from the installed packages, the
 * operations endpoints, the live updates that feed the subscriptions, and the downloads of site exports.
 *
 * One set of limits holds on every path: the same validation rules (the standard ones and query-cost.ts) for a query
 * over HTTP and a subscription over the socket, the same argument checks for every root field, the same error
 * formatting for both transports, and timeouts so that no client holds a connection by sending slowly.
 */
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildSchema, getOperationAST, type OperationDefinitionNode, specifiedRules, validate } from 'graphql';
import mercurius from 'mercurius';
import type { EventStore } from '../domain/event-store/port.js';
import type { Runner } from '../projections/runner/runner.js';
import { withArgumentChecks } from './argument-checks.js';
import auditRoutes from './audit/audit-routes.js';
import authentication from './auth/authentication.js';
import type { TokenVerifier } from './auth/token-keys.js';
import { authorizationFrom, clientKey } from './auth/viewer.js';
import type { Context, Services } from './context.js';
import { BudgetSpent, CostBudget, costOf } from './cost-budget.js';
import { formatErrors, OperationErrors } from './errors.js';
import exportRoutes from './export/export-routes.js';
import graphiql from './graphiql/graphiql.js';
import { CursorCodec } from './live-updates/cursor.js';
import { topicMessages } from './live-updates/live-messages.js';
import { liveUpdates } from './live-updates/live-updates.js';
import type { LiveFeed } from './live-updates/site-subscription.js';
import { formatSocketErrors } from './live-updates/socket-errors.js';
import { SubscriptionLeases } from './live-updates/subscription-leases.js';
import type { Metrics } from './operations/metrics.js';
import operations, { OPERATIONS_ROUTES, type ReadinessCheck } from './operations/operations.js';
import { QUERY_LIMITS, queryCostRule } from './query-cost.js';
import requestGuard, { guardOperations, requestedOperation } from './request-guard.js';
import { loaders, resolvers } from './resolvers.js';
import { typeDefs } from './schema/type-defs.js';
import summaryRoutes from './supervision/summary-routes.js';

export interface ServerOptions {
  eventStore: EventStore;
  services: Services;
  /** The runners of the read models live updates wait for. */
  liveRunners: { library: Runner; workflow: Runner; push: Runner; supervision: Runner };
  verifyToken: TokenVerifier;
  metrics: Metrics;
  /** Ready only while every projection is live and at most this many positions behind the log. */
  readyLag?: number;
  /** Whether clients on this machine read the audit log's entry bundles without a token. */
  auditEntriesOpenToLoopback?: boolean;
  /** Further parts of readiness (the provincial feed). */
  readinessChecks?: readonly ReadinessCheck[];
  /** Requests per minute per client (the person or API key it authenticates as, else its address). */
  rateLimitPerMinute?: number;
  /** Query cost a client may spend per minute (see cost-budget.ts). */
  queryCostPerMinute?: number;
  /** The credential `/metrics` asks for (`Authorization: Bearer <token>`); without one it serves no metrics. */
  metricsToken?: string;
  /** Operation names that keep their own label in the metrics; any other name counts as "other". */
  metricsOperationNames?: readonly string[];
  timeouts?: HttpTimeouts;
  subscriptions: SubscriptionSettings;
  logLevel?: string;
}

/** How subscriptions resume and how far a subscriber may fall behind; see DEFAULT_SUBSCRIPTION_LIMITS. */
export interface SubscriptionSettings {
  /** Keys the HMAC of cursors: the same for every process of the platform, so a cursor resumes on any of them. */
  cursorSecret: Buffer;
  resumeWindowHours?: number;
  bufferBytes?: number;
  perIdentity?: number;
}

/**
 * Three days covers a weekend away; a subscriber away longer re-reads the current state instead. A megabyte is two
 * of the 500 KB bodies: a reader that keeps up never has that much waiting. Twenty subscriptions are every
 * subscription field for a few sites at once.
 */
export const DEFAULT_SUBSCRIPTION_LIMITS = { resumeWindowHours: 72, bufferBytes: 1024 * 1024, perIdentity: 20 };

/** How long a client may take, in milliseconds; see DEFAULT_TIMEOUTS. */
export interface HttpTimeouts {
  /** To send a request's head. */
  headersMs: number;
  /** To send a whole request, head and body. */
  requestMs: number;
  /** To send the next request on a keep-alive connection. */
  idleMs: number;
}

/** The idle default outlasts the 60 s a proxy in front commonly keeps an idle upstream connection, as fastify's does. */
export const DEFAULT_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 60_000, idleMs: 72_000 };

/** Twenty operations at the cost limit, or about two hundred searches, a minute; a person searching rarely spends a tenth. */
export const DEFAULT_QUERY_COST_PER_MINUTE = 100_000;
/** Deepest query nesting accepted (see query-cost.ts). */
export const MAX_QUERY_DEPTH = QUERY_LIMITS.maxDepth;
/** Request bodies up to this size: a draft may carry a long body (the event store takes 8 MiB per event). */
export const BODY_LIMIT = 8 * 1024 * 1024;
export const GRAPHQL_ENDPOINT = '/graphql';
/** GraphQL documents up to this many tokens; the introspection query has about 400. */
export const MAX_QUERY_TOKENS = 10_000;

const VALIDATION_RULES = [queryCostRule];

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const { services, metrics } = options;
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const topics = topicMessages({ services, runners: options.liveRunners });
  const limits = { ...DEFAULT_SUBSCRIPTION_LIMITS, ...withoutUndefined(options.subscriptions) };
  const live: LiveFeed = {
    eventStore: options.eventStore,
    topics: new Map(topics.map((t) => [t.field, t])),
    cursors: new CursorCodec(options.subscriptions.cursorSecret),
    leases: new SubscriptionLeases(limits.perIdentity),
    resumeWindowHours: limits.resumeWindowHours,
    bufferBytes: limits.bufferBytes,
    countError: (code) => metrics.errors.inc({ code }),
  };
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    bodyLimit: BODY_LIMIT,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.idleMs,
    // Node checks the two timeouts above on this interval (30 s by default), so it bounds how late a stalled client
    // is cut off.
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersMs / 2)),
    },
  });

  // Outside the GraphQL routes (which mercurius answers itself, through the error formatter below) errors take the
  // same form: a GraphQL body with typed errors, and their status.
  app.setErrorHandler(async (error, request, reply) => {
    const formatted = formatErrors([error]);
    for (const unexpected of formatted.unexpected)
      request.log.error({ err: unexpected.originalError ?? unexpected }, 'unexpected error');
    return reply.code(formatted.statusCode(true)).send({ data: null, errors: formatted.errors });
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send({
      data: null,
      errors: [
        {
          message: `no route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}; the API is POST ${GRAPHQL_ENDPOINT}`,
          extensions: { code: 'NOT_FOUND', category: 'NOT_FOUND' },
        },
      ],
    }),
  );

  // Authentication first: its hook runs before the rate limit's, which keys on who the client turned out to be.
  await app.register(authentication, { verifyToken: options.verifyToken, reader: services.platform.reader, metrics });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 1200,
    timeWindow: 60_000,
    keyGenerator: (request) => clientKey(request.viewer, request.ip),
    allowList: (request) => OPERATIONS_ROUTES.includes(request.url),
  });
  await app.register(requestGuard, { endpoint: GRAPHQL_ENDPOINT });

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: withArgumentChecks(resolvers as never, buildSchema(typeDefs)) as never,
    loaders: loaders as never,
    path: GRAPHQL_ENDPOINT,
    graphiql: false,
    jit: 1,
    validationRules: VALIDATION_RULES,
    graphql: { parseOptions: { maxTokens: MAX_QUERY_TOKENS } },
    context: (request): Omit<Context, 'pubsub'> => {
      const key = request.headers['idempotency-key'];
      return {
        viewer: request.viewer!,
        viewerNow: async () => request.viewer!,
        services,
        requestId: request.id,
        ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
      };
    },
    subscription: {
      context: (socket, request) => ({ services, requestId: request.id, socket, live }),
      // graphql-ws clients send the credential in connection_init: { authorization: 'Bearer …' }. It is kept, so that
      // every message of the socket's subscriptions is checked against it as it stands then.
      onConnect: async (data: { payload?: Record<string, unknown> }) => {
        const payload = data.payload ?? {};
        const headers = (payload.headers as Record<string, unknown> | undefined) ?? payload;
        const authorization = authorizationFrom(headers);
        return {
          viewer: await app.authenticate(authorization),
          viewerNow: () => app.authenticate(authorization),
        };
      },
    },
    errorFormatter: (execution, context) => {
      const formatted = formatErrors(execution.errors ?? []);
      for (const code of formatted.codes) metrics.errors.inc({ code });
      for (const error of formatted.unexpected)
        context.reply?.log.error({ err: error.originalError ?? error }, 'unexpected error in a resolver');
      const stopped = execution.data === undefined || execution.data === null;
      return {
        statusCode: formatted.statusCode(stopped),
        response: { data: execution.data ?? null, errors: formatted.errors },
      } as never;
    },
  });
  guardOperations(app);
  const budget = new CostBudget(options.queryCostPerMinute ?? DEFAULT_QUERY_COST_PER_MINUTE);
  const spend = (client: string, operation: OperationDefinitionNode | null | undefined) => {
    const cost = operation ? costOf(operation) : undefined;
    if (cost !== undefined) budget.spend(client, cost);
  };
  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    const request = context.reply?.request;
    if (!request) return;
    try {
      spend(clientKey(request.viewer, request.ip), requestedOperation(document, request));
    } catch (error) {
      if (error instanceof BudgetSpent) context.reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
  });
  // mercurius runs no validation for subscriptions: the same rules as over HTTP, and the same budget, before one starts.
  app.graphql.addHook('preSubscriptionExecution', async (schema, document, context) => {
    const errors = validate(schema, document, [...specifiedRules, ...VALIDATION_RULES]);
    if (errors.length > 0) throw new OperationErrors(errors);
    const { viewer, request } = context as unknown as Context & { request: { ip: string } };
    spend(clientKey(viewer, request.ip), getOperationAST(document));
  });
  formatSocketErrors(app, metrics);

  await app.register(graphiql, { endpoint: GRAPHQL_ENDPOINT });
  await app.register(operations, {
    eventStore: options.eventStore,
    readModels: services.readModels,
    metrics,
    readyLag: options.readyLag ?? 1000,
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    operationNames: options.metricsOperationNames ?? [],
    checks: options.readinessChecks ?? [],
  });
  await app.register(auditRoutes, { services, entriesOpenToLoopback: options.auditEntriesOpenToLoopback ?? true });
  await app.register(liveUpdates, { eventStore: options.eventStore, topics });
  await app.register(summaryRoutes, { services });
  await app.register(exportRoutes, { services });
  return app;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
