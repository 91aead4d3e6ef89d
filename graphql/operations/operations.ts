/**
 * The operations endpoints and measurements, as a fastify plugin: `/healthz` (the process answers), `/readyz` (the
 * event store answers and every read model is live and close behind the log), `/metrics` (Prometheus, for the
 * holder of its own credential only), HTTP and GraphQL operation latency.
 *
 * Metrics say how the platform runs, which sites use API keys and how much, what fails: not for every client. And
 * what they label by must be bounded, or a client inventing operation names grows the scrape without end: an
 * operation's name is a label only when it is registered (METRICS_OPERATION_NAMES), else it is "other"; its root
 * field (a field of the schema, or "several") says what it asked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Kind, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { EventStore } from '../../domain/event-store/port.js';
import type { ReadModels } from '../../projections/runner/read-models.js';
import { parseAuthorization } from '../auth/viewer.js';
import { RequestRefused } from '../errors.js';
import type { Metrics } from './metrics.js';

export interface OperationsOptions {
  eventStore: EventStore;
  readModels: ReadModels;
  metrics: Metrics;
  /** Ready only while every projection is live and at most this many positions behind the log. */
  readyLag: number;
  /** What a scraper presents as `Authorization: Bearer <token>`; without it `/metrics` serves nothing. */
  metricsToken?: string;
  /** Operation names labelled as themselves; every other name is "other". */
  operationNames: readonly string[];
  /** Further parts of readiness (the provincial feed), each reported under its name. */
  checks?: readonly ReadinessCheck[];
}

/** One part of readiness beside the read models: whether it is ready, and what to show about it. */
export type ReadinessCheck = () => Promise<{ name: string; ready: boolean; [detail: string]: unknown }>;

/** Routes that are never rate limited: probes and scrapers must always get through. */
export const OPERATIONS_ROUTES = ['/healthz', '/readyz', '/metrics'];

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether `authorization` carries `token` as a bearer credential, compared in constant time. */
function presents(authorization: string | undefined, token: string): boolean {
  const parsed = authorization ? parseAuthorization(authorization) : null;
  return parsed?.scheme === 'bearer' && timingSafeEqual(digest(parsed.credential), digest(token));
}

/** The root field an operation asks for, or "several" (fragments at the root count as several). */
function rootFieldOf(selectionSet: SelectionSetNode): string {
  const [only, ...others] = selectionSet.selections;
  return only?.kind === Kind.FIELD && others.length === 0 ? only.name.value : 'several';
}

async function operations(
  app: FastifyInstance,
  { eventStore, readModels, metrics, readyLag, metricsToken, operationNames, checks = [] }: OperationsOptions,
) {
  const registered = new Set(operationNames);
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const started = new WeakMap<object, { at: bigint; operation: string; rootField: string; type: string }>();
  app.graphql.addHook('preExecution', async (schema, document, context) => {
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const name = operation?.name?.value;
    const rootField = operation ? rootFieldOf(operation.selectionSet) : 'several';
    const rootType = operation ? schema.getRootType(operation.operation) : undefined;
    started.set(context, {
      at: process.hrtime.bigint(),
      operation: name === undefined ? 'anonymous' : registered.has(name) ? name : 'other',
      // A field the schema does not have is refused by validation before this runs; guard anyway.
      rootField: rootField === '__typename' || rootType?.getFields()[rootField] ? rootField : 'several',
      type: operation?.operation ?? 'query',
    });
  });
  app.graphql.addHook('onResolution', async (_execution, context) => {
    const start = started.get(context);
    if (start)
      metrics.operationDuration.observe(
        { operation: start.operation, root_field: start.rootField, type: start.type },
        Number(process.hrtime.bigint() - start.at) / 1e9,
      );
  });

  // Liveness: the process answers. Kept free of I/O so a slow store never gets a healthy process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      const headPosition = await eventStore.headPosition();
      const projections = await Promise.all(
        readModels.all().map(async (runner) => ({ ...runner.status(), lag: await runner.lag() })),
      );
      const parts = await Promise.all(checks.map((check) => check()));
      const ready = projections.every((p) => p.state === 'live' && p.lag <= readyLag) && parts.every((p) => p.ready);
      const more = Object.fromEntries(parts.map(({ name, ...part }) => [name, part]));
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', headPosition, projections, ...more });
    } catch (error) {
      return reply.code(503).send({ status: 'not ready', reason: (error as Error).message });
    }
  });

  app.get('/metrics', async (request, reply) => {
    if (!metricsToken)
      throw new RequestRefused(
        'FORBIDDEN',
        'metrics are served only when METRICS_TOKEN is set, to the scraper that presents it',
        403,
        [],
        'FORBIDDEN',
      );
    if (!presents(request.headers.authorization, metricsToken)) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new RequestRefused(
        'UNAUTHENTICATED',
        'metrics need their own credential: Authorization: Bearer <METRICS_TOKEN>',
        401,
        [],
        'UNAUTHENTICATED',
      );
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

export default fp(operations, { name: 'operations', fastify: '5.x', dependencies: ['mercurius'] });
