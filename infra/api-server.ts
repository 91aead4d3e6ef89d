/**
 * The served platform: the composition, a runner for each of its read models, and the GraphQL server wired to them,
 * with append latency measured. `npm start` and the end-to-end tests build it the same way; starting the projections
 * and listening is left to them.
 */
import type { FastifyInstance } from 'fastify';
import { Metrics } from '../graphql/operations/metrics.js';
import { buildServer } from '../graphql/server.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { ReadModels } from '../projections/runner/read-models.js';
import { type Composition, compose } from './composition.js';
import type { Config } from './config.js';
import { measuredEventStore } from './event-store/measured-event-store.js';
import { tokenVerifier } from './token-verifier.js';

export type ServedReadModels = ReadModels<keyof Composition['projections']>;

export interface ApiPlatform {
  c: Composition;
  app: FastifyInstance;
  readModels: ServedReadModels;
}

/** `clock`: the time commands are stamped with and deadlines are judged by (tests move it; production is the wall clock). */
export async function composeApiServer(config: Config, clock: () => Date = () => new Date()): Promise<ApiPlatform> {
  const metrics = new Metrics();
  const c = await compose(config, (store) => measuredEventStore(store, (s) => metrics.appendDuration.observe(s)));
  const { library, workflow, push, sites, apiKeys, synonyms } = c.projections;
  const readModels = new ReadModels({
    library: new ProjectionRunner(c.eventStore, library),
    workflow: new ProjectionRunner(c.eventStore, workflow),
    push: new ProjectionRunner(c.eventStore, push),
    sites: new ProjectionRunner(c.eventStore, sites),
    apiKeys: new ProjectionRunner(c.eventStore, apiKeys),
    synonyms: new ProjectionRunner(c.eventStore, synonyms),
  });
  metrics.watchProjections(readModels.all());
  metrics.watchPushes(c.pushes, clock);
  const { runners } = readModels;
  const app = await buildServer({
    eventStore: c.eventStore,
    services: {
      platform: c.platform,
      searchIndex: c.searchIndex,
      workflow: c.workflow,
      pushes: c.pushes,
      sites: c.sites,
      apiKeys: c.apiKeys,
      synonyms: c.synonyms,
      readModels,
      clock,
      anonymousRead: config.ANONYMOUS_READ,
    },
    liveRunners: { library: runners.library, workflow: runners.workflow, push: runners.push },
    verifyToken: await tokenVerifier(config),
    metrics,
    readyLag: config.READY_MAX_LAG,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    logLevel: config.LOG_LEVEL,
  });
  return { c, app, readModels };
}
