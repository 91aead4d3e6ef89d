/**
 * The composition root: opens the adapters the configuration names and wires the write side, the read models and
 * their projections. `npm start` and the CLI both start here, so they always see the same platform.
 */
import type { NoteSigner } from '../domain/audit/note-signer.js';
import type { EventStore } from '../domain/event-store/port.js';
import { Platform } from '../domain/platform.js';
import { type AuditLog, openAuditLog } from '../projections/audit-log/audit-log.js';
import { type AuditTrailReadModel, openAuditTrail } from '../projections/audit-trail/audit-trail-read-model.js';
import { openSiteExportDirectory, type SiteExportDirectory } from '../projections/export/site-export-directory.js';
import { libraryProjection } from '../projections/library/library-projection.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import {
  type MigrationRunDirectory,
  openMigrationRunDirectory,
} from '../projections/migration/migration-run-directory.js';
import { type ApiKeyDirectory, openApiKeyDirectory } from '../projections/people/api-key-directory.js';
import { openPushReadModel, type PushReadModel } from '../projections/push/push-read-model.js';
import type { Projection } from '../projections/runner/projection.js';
import { openSynonymReadModel, type SynonymReadModel } from '../projections/search-synonyms/synonym-read-model.js';
import { openSiteDirectory, type SiteDirectory } from '../projections/sites/site-directory.js';
import {
  type ContentCheckReadModel,
  openContentCheckReadModel,
} from '../projections/supervision/content-check-read-model.js';
import {
  openSupervisionReadModel,
  type SupervisionReadModel,
} from '../projections/supervision/supervision-read-model.js';
import { openWorkflowReadModel, type WorkflowReadModel } from '../projections/workflow/workflow-read-model.js';
import { loadAuditSigner } from './audit/audit-signing-key.js';
import type { Config } from './config.js';
import { openEventStore } from './event-store/open-event-store.js';
import { composeFeed, type FeedComposition } from './feed/open-feed.js';
import { openOpenSearchIndex } from './search/opensearch/opensearch-search-index.js';
import { openSqliteSearchIndex } from './search/sqlite/sqlite-search-index.js';

export interface Composition {
  config: Config;
  eventStore: EventStore;
  platform: Platform;
  searchIndex: SearchIndex;
  /** The search synonyms in force, which the search index applies to every query. */
  synonyms: SynonymReadModel;
  workflow: WorkflowReadModel;
  pushes: PushReadModel;
  sites: SiteDirectory;
  apiKeys: ApiKeyDirectory;
  /** The Merkle tree over the log, its signed checkpoints and proofs (R-SEC-1). */
  auditLog: AuditLog;
  /** The platform's audit signing key, which every process of the platform shares. */
  auditSigner: NoteSigner;
  auditTrail: AuditTrailReadModel;
  supervision: SupervisionReadModel;
  contentChecks: ContentCheckReadModel;
  migrationRuns: MigrationRunDirectory;
  siteExports: SiteExportDirectory;
  /** The provincial library's feed out and in (R-LIB-3); not a read model the API reads, so writes never wait for it. */
  feed: FeedComposition;
  /** Every read model's projection, by name. */
  projections: {
    library: Projection;
    workflow: Projection;
    push: Projection;
    sites: Projection;
    apiKeys: Projection;
    auditTree: Projection;
    auditTrail: Projection;
    supervision: Projection;
    contentChecks: Projection;
    migrationRuns: Projection;
    siteExports: Projection;
    synonyms: Projection;
  };
  close(): Promise<void>;
}

/**
 * `wrapStore` lets the server measure appends without the rest knowing; `clock` stamps what the feed takes in;
 * `onAuditError` hears of a timed checkpoint that could not be signed (a changed history: the tree no longer extends
 * the last checkpoint).
 */
export async function compose(
  config: Config,
  wrapStore: (store: EventStore) => EventStore = (s) => s,
  clock: () => Date = () => new Date(),
  onAuditError: (error: unknown) => void = (error) =>
    process.stderr.write(`audit checkpoint failed: ${String(error)}\n`),
): Promise<Composition> {
  const raw = openEventStore(config);
  const eventStore = wrapStore(raw);
  const synonyms = openSynonymReadModel(config.DATA_DIR);
  const searchOptions = { synonyms: () => synonyms.current() };
  const searchIndex =
    config.SEARCH_INDEX === 'opensearch'
      ? await openOpenSearchIndex(config.OPENSEARCH_URL!, config.OPENSEARCH_INDEX_PREFIX, searchOptions)
      : await openSqliteSearchIndex(config.DATA_DIR, searchOptions);
  const workflow = openWorkflowReadModel(config.DATA_DIR);
  const pushes = openPushReadModel(config.DATA_DIR);
  const sites = openSiteDirectory(config.DATA_DIR);
  const apiKeys = openApiKeyDirectory(config.DATA_DIR);
  const auditSigner = loadAuditSigner(config);
  const auditLog = openAuditLog(config.DATA_DIR, eventStore, {
    algorithm: config.AUDIT_HASH,
    signer: auditSigner,
    checkpointIntervalMs: config.AUDIT_CHECKPOINT_INTERVAL_MS,
    onCheckpointError: (error) => onAuditError(error),
  });
  const auditTrail = openAuditTrail(config.DATA_DIR);
  const supervision = openSupervisionReadModel(config.DATA_DIR);
  const contentChecks = openContentCheckReadModel(config.DATA_DIR);
  const migrationRuns = openMigrationRunDirectory(config.DATA_DIR);
  const siteExports = openSiteExportDirectory(config.DATA_DIR);
  const platform = new Platform(eventStore);
  const feed = composeFeed(config, platform, eventStore, clock);
  return {
    config,
    eventStore,
    platform,
    feed,
    searchIndex,
    synonyms,
    workflow,
    pushes,
    sites,
    apiKeys,
    auditLog,
    auditSigner,
    auditTrail,
    supervision,
    contentChecks,
    migrationRuns,
    siteExports,
    projections: {
      library: libraryProjection(searchIndex),
      workflow: workflow.projection(),
      push: pushes.projection(),
      sites: sites.projection(),
      apiKeys: apiKeys.projection(),
      auditTree: auditLog.projection(),
      auditTrail: auditTrail.projection(),
      supervision: supervision.projection(),
      contentChecks: contentChecks.projection(),
      migrationRuns: migrationRuns.projection(),
      siteExports: siteExports.projection(),
      synonyms: synonyms.projection(),
    },
    async close() {
      await feed.close();
      await searchIndex.close();
      synonyms.close();
      workflow.close();
      pushes.close();
      sites.close();
      apiKeys.close();
      auditLog.close();
      auditTrail.close();
      supervision.close();
      contentChecks.close();
      migrationRuns.close();
      siteExports.close();
      await raw.close();
    },
  };
}
