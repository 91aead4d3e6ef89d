/**
 * The served platform: the composition, a runner for each of its read models, and the GraphQL server wired to them,
 * with append latency measured. `npm start` and the end-to-end tests build it the same way; starting the projections
 * and listening is left to them.
 */
import type { FastifyInstance } from 'fastify';
import { CURSOR_SECRET_PURPOSE } from '../graphql/live-updates/cursor.js';
import { Metrics } from '../graphql/operations/metrics.js';
import { buildServer } from '../graphql/server.js';
import { watchSupervision } from '../graphql/supervision/supervision-metrics.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { ReadModels } from '../projections/runner/read-models.js';
import { AuditTreeWorker } from './audit/audit-tree-in-worker.js';
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
  const { library, workflow, push, sites, apiKeys, auditTrail, supervision, contentChecks } = c.projections;
  const readModels = new ReadModels({
    library: new ProjectionRunner(c.eventStore, library),
    workflow: new ProjectionRunner(c.eventStore, workflow),
    push: new ProjectionRunner(c.eventStore, push),
    sites: new ProjectionRunner(c.eventStore, sites),
    apiKeys: new ProjectionRunner(c.eventStore, apiKeys),
    // The tree canonically encodes and hashes every event: on a thread of its own, off the API's.
    auditTree: new AuditTreeWorker(c.eventStore, config, config.AUDIT_HASH),
    auditTrail: new ProjectionRunner(c.eventStore, auditTrail),
    supervision: new ProjectionRunner(c.eventStore, supervision),
    contentChecks: new ProjectionRunner(c.eventStore, contentChecks),
  });
  metrics.watchProjections(readModels.all());
  metrics.watchPushes(c.pushes, clock);
  watchSupervision(metrics, c.supervision, clock);
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
      auditLog: c.auditLog.reader,
      auditTrail: c.auditTrail,
      supervision: c.supervision,
      contentChecks: c.contentChecks,
      readModels,
      clock,
      anonymousRead: config.ANONYMOUS_READ,
    },
    liveRunners: {
      library: runners.library,
      workflow: runners.workflow,
      push: runners.push,
      supervision: runners.supervision,
    },
    verifyToken: await tokenVerifier(config),
    metrics,
    readyLag: config.READY_MAX_LAG,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    auditEntriesOpenToLoopback: config.AUDIT_ENTRIES_LOOPBACK,
    queryCostPerMinute: config.QUERY_COST_PER_MINUTE,
    ...(config.METRICS_TOKEN ? { metricsToken: config.METRICS_TOKEN } : {}),
    metricsOperationNames: config.METRICS_OPERATION_NAMES,
    timeouts: {
      headersMs: config.HTTP_HEADERS_TIMEOUT_MS,
      requestMs: config.HTTP_REQUEST_TIMEOUT_MS,
      idleMs: config.HTTP_IDLE_TIMEOUT_MS,
    },
    subscriptions: {
      // Derived from the audit key, which every process of one platform shares: a cursor resumes on any of them.
      cursorSecret: c.auditSigner.deriveSecret(CURSOR_SECRET_PURPOSE),
      resumeWindowHours: config.SUBSCRIPTION_RESUME_WINDOW_HOURS,
      bufferBytes: config.SUBSCRIPTION_BUFFER_BYTES,
      perIdentity: config.SUBSCRIPTIONS_PER_IDENTITY,
    },
    logLevel: config.LOG_LEVEL,
  });
  return { c, app, readModels };
}
