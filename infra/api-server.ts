/**
 * The served platform: the composition, its projections and the GraphQL server wired to them, with append latency
 * measured. `npm start` and the end-to-end tests build it the same way; starting the projections and listening is
 * left to them.
 */
import type { FastifyInstance } from 'fastify';
import { Metrics } from '../graphql/metrics.js';
import { buildServer, type Runners } from '../graphql/server.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { type Composition, compose } from './composition.js';
import type { Config } from './config.js';
import { measuredEventStore } from './event-store/measured-event-store.js';
import { tokenVerifier } from './token-verifier.js';

export interface ApiPlatform {
  c: Composition;
  app: FastifyInstance;
  runners: Runners;
}

/** `clock`: the time commands are stamped with and deadlines are judged by (tests move it; production is the wall clock). */
export async function composeApiServer(config: Config, clock: () => Date = () => new Date()): Promise<ApiPlatform> {
  const metrics = new Metrics();
  const c = await compose(config, (store) => measuredEventStore(store, (s) => metrics.appendDuration.observe(s)));
  const runners: Runners = {
    library: new ProjectionRunner(c.eventStore, c.library),
    workflow: new ProjectionRunner(c.eventStore, c.workflow.projection()),
    push: new ProjectionRunner(c.eventStore, c.pushes.projection()),
  };
  metrics.watchProjections(Object.values(runners));
  metrics.watchPushes(c.pushes, clock);
  const app = await buildServer({
    services: {
      platform: c.platform,
      eventStore: c.eventStore,
      searchIndex: c.searchIndex,
      workflow: c.workflow,
      pushes: c.pushes,
      clock,
      anonymousRead: config.ANONYMOUS_READ,
    },
    runners,
    verifyToken: await tokenVerifier(config),
    metrics,
    readyLag: config.READY_MAX_LAG,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    logLevel: config.LOG_LEVEL,
  });
  return { c, app, runners };
}
