/**
 * The composition root: opens the adapters the configuration names and wires the write side, the read models and
 * their projections. `npm start` and the CLI both start here, so they always see the same platform.
 */
import type { NoteSigner } from '../domain/audit/note-signer.js';
import type { EventStore } from '../domain/event-store/port.js';
import { Platform } from '../domain/platform.js';
import { type AuditLog, openAuditLog } from '../projections/audit-log/audit-log.js';
import { type AuditTrailReadModel, openAuditTrail } from '../projections/audit-trail/audit-trail-read-model.js';
import { libraryProjection } from '../projections/library/library-projection.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import { type ApiKeyDirectory, openApiKeyDirectory } from '../projections/people/api-key-directory.js';
import { openPushReadModel, type PushReadModel } from '../projections/push/push-read-model.js';
import type { Projection } from '../projections/runner/projection.js';
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
import { openOpenSearchIndex } from './search/opensearch/opensearch-search-index.js';
import { openSqliteSearchIndex } from './search/sqlite/sqlite-search-index.js';

export interface Composition {
  config: Config;
  eventStore: EventStore;
  platform: Platform;
  searchIndex: SearchIndex;
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
  };
  close(): Promise<void>;
}

/**
 * `wrapStore` lets the server measure appends without the rest knowing; `onAuditError` hears of a timed checkpoint
 * that could not be signed (a changed history: the tree no longer extends the last checkpoint).
 */
export async function compose(
  config: Config,
  wrapStore: (store: EventStore) => EventStore = (s) => s,
  onAuditError: (error: unknown) => void = (error) =>
    process.stderr.write(`audit checkpoint failed: ${String(error)}\n`),
): Promise<Composition> {
  const raw = openEventStore(config);
  const eventStore = wrapStore(raw);
  const searchIndex =
    config.SEARCH_INDEX === 'opensearch'
      ? await openOpenSearchIndex(config.OPENSEARCH_URL!, config.OPENSEARCH_INDEX_PREFIX)
      : await openSqliteSearchIndex(config.DATA_DIR);
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
  return {
    config,
    eventStore,
    platform: new Platform(eventStore),
    searchIndex,
    workflow,
    pushes,
    sites,
    apiKeys,
    auditLog,
    auditSigner,
    auditTrail,
    supervision,
    contentChecks,
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
    },
    async close() {
      await searchIndex.close();
      workflow.close();
      pushes.close();
      sites.close();
      apiKeys.close();
      auditLog.close();
      auditTrail.close();
      supervision.close();
      contentChecks.close();
      await raw.close();
    },
  };
}
