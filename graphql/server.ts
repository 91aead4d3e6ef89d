/**
 * The HTTP server. For now it answers the operations endpoints; the GraphQL API mounts here (fastify + mercurius).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { EventStore } from '../domain/event-store/port.js';

export interface ServerDependencies {
  eventStore: EventStore;
  logLevel?: string;
}

export async function buildServer({ eventStore, logLevel = 'info' }: ServerDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: logLevel } });

  // Liveness: the process answers. Kept free of I/O so a slow store never gets a healthy process restarted.
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Readiness: the event store answers.
  app.get('/readyz', async (_request, reply) => {
    try {
      const head = await eventStore.headPosition();
      return { status: 'ready', eventStore: { headPosition: head } };
    } catch (error) {
      return reply.code(503).send({ status: 'not ready', reason: (error as Error).message });
    }
  });

  return app;
}
