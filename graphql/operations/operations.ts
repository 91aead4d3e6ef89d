/**
 * The operations endpoints and measurements, as a fastify plugin: `/healthz` (the process answers), `/readyz` (the
 * event store answers and every read model is live and close behind the log), `/metrics` (Prometheus), HTTP and
 * GraphQL operation latency.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { OperationDefinitionNode } from 'graphql';
import type { EventStore } from '../../domain/event-store/port.js';
import type { ReadModels } from '../../projections/runner/read-models.js';
import type { Metrics } from './metrics.js';

export interface OperationsOptions {
  eventStore: EventStore;
  readModels: ReadModels;
  metrics: Metrics;
  /** Ready only while every projection is live and at most this many positions behind the log. */
  readyLag: number;
  /** Further parts of readiness (the provincial feed), each reported under its name. */
  checks?: readonly ReadinessCheck[];
}

/** One part of readiness beside the read models: whether it is ready, and what to show about it. */
export type ReadinessCheck = () => Promise<{ name: string; ready: boolean; [detail: string]: unknown }>;

/** Routes that are never rate limited: probes and scrapers must always get through. */
export const OPERATIONS_ROUTES = ['/healthz', '/readyz', '/metrics'];

async function operations(
  app: FastifyInstance,
  { eventStore, readModels, metrics, readyLag, checks = [] }: OperationsOptions,
) {
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const started = new WeakMap<object, { at: bigint; operation: string; type: string }>();
  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    started.set(context, {
      at: process.hrtime.bigint(),
      operation: operation?.name?.value ?? 'anonymous',
      type: operation?.operation ?? 'query',
    });
  });
  app.graphql.addHook('onResolution', async (_execution, context) => {
    const start = started.get(context);
    if (start)
      metrics.operationDuration.observe(
        { operation: start.operation, type: start.type },
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

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

export default fp(operations, { name: 'operations', fastify: '5.x', dependencies: ['mercurius'] });
