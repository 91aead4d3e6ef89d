/**
 * The served platform: the composition, a runner for each of its read models, and the GraphQL server wired to them,
 * with append latency measured. `npm start` and the end-to-end tests build it the same way; starting the projections
 * and listening is left to them.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SiteExportService } from '../graphql/export/site-export-service.js';
import { type FeedWatch, feedReadiness, watchFeed } from '../graphql/feed/feed-metrics.js';
import { feedRoutes } from '../graphql/feed/feed-routes.js';
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
import { OutboundLeadership } from './feed/outbound-leadership.js';
import { OUTBOUND_LEASE_FILE, OutboundLease } from './feed/outbound-lease.js';
import { tokenVerifier } from './token-verifier.js';

export type ServedReadModels = ReadModels<keyof Composition['projections']>;

export interface ApiPlatform {
  c: Composition;
  app: FastifyInstance;
  readModels: ServedReadModels;
  feed: ServedFeed;
}

/**
 * The provincial feed as the server runs it: the outbound projection (its own runner, outside the read models, so a
 * write never waits for the broker) and the inbound consumer.
 */
export interface ServedFeed {
  runner: ProjectionRunner;
  /** Whether this process publishes the outbound feed or stands by for another. */
  leadership: OutboundLeadership;
  /** Resolves once the outbound feed is live and the inbound consumer runs. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** `clock`: the time commands are stamped with and deadlines are judged by (tests move it; production is the wall clock). */
export async function composeApiServer(config: Config, clock: () => Date = () => new Date()): Promise<ApiPlatform> {
  const metrics = new Metrics();
  const c = await compose(
    config,
    (store) => measuredEventStore(store, (s) => metrics.appendDuration.observe(s)),
    clock,
  );
  const {
    library,
    workflow,
    push,
    sites,
    apiKeys,
    auditTrail,
    supervision,
    contentChecks,
    migrationRuns,
    siteExports,
    synonyms,
  } = c.projections;
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
    migrationRuns: new ProjectionRunner(c.eventStore, migrationRuns),
    siteExports: new ProjectionRunner(c.eventStore, siteExports),
    synonyms: new ProjectionRunner(c.eventStore, synonyms),
  });
  metrics.watchProjections(readModels.all());
  metrics.watchPushes(c.pushes, clock);
  watchSupervision(metrics, c.supervision, clock);
  const feedRunner = new ProjectionRunner(c.eventStore, c.feed.outbound.projection());
  metrics.watchProjections([feedRunner]);
  const { inbound, outbound } = c.feed;
  const leadership = new OutboundLeadership({
    runner: feedRunner,
    interrupt: () => outbound.interrupt(),
    lease: config.FEED_OUTBOUND === 'on' ? new OutboundLease(join(config.DATA_DIR, OUTBOUND_LEASE_FILE)) : null,
    termMs: config.FEED_OUTBOUND_LEASE_MS,
    onError: (error, what) => app.log.warn({ err: error }, what),
  });
  const feedWatch: FeedWatch = {
    outbound: () => outbound.status(),
    outboundRole: () => leadership.role,
    // A standby's feed is another process's to keep live.
    outboundLive: () => leadership.role !== 'publisher' || feedRunner.status().state === 'live',
    outboundLag: async () => {
      if (leadership.role === 'publisher') return feedRunner.lag();
      if (leadership.role === 'off') return 0;
      const head = (await c.eventStore.headPosition()) ?? 0;
      return Math.max(0, head - (outbound.storedCheckpoint() ?? 0));
    },
    inbound: () => inbound.status(),
    inboundLag: () => inbound.lag(),
  };
  watchFeed(metrics.registry, feedWatch);
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
      migrationRuns: c.migrationRuns,
      siteExports: c.siteExports,
      exportFiles: new SiteExportService(c.platform, c.eventStore, join(config.DATA_DIR, 'exports'), clock),
      synonyms: c.synonyms,
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
    readinessChecks: [feedReadiness(feedWatch, config.READY_MAX_LAG)],
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
  const { embedded, topics, credentials } = c.feed;
  if (embedded)
    await app.register(feedRoutes, {
      log: embedded,
      readable: [topics.outbound, topics.compacted, topics.inbound, topics.deadLetter].filter((t) => t !== null),
      inbound: topics.inbound,
      authenticate: (credential) => credentials.verify(credential)?.name ?? null,
    });
  const feed: ServedFeed = {
    runner: feedRunner,
    leadership,
    async start() {
      await leadership.start();
      await inbound.start();
    },
    async stop() {
      await inbound.stop();
      await leadership.stop();
    },
  };
  return { c, app, readModels, feed };
}
