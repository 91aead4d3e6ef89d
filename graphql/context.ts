/**
 * What every resolver gets: who the request acts as, and the services of the platform it may use. Resolvers write
 * only through the platform (`execute`) and read only read models, and the reader for the actor's roles now.
 */
import type { PubSub } from 'mercurius';
import type { Platform } from '../domain/platform.js';
import type { AuditLogReader } from '../projections/audit-log/audit-log-reader.js';
import type { AuditTrailReadModel } from '../projections/audit-trail/audit-trail-read-model.js';
import type { SiteExportDirectory } from '../projections/export/site-export-directory.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import type { MigrationRunDirectory } from '../projections/migration/migration-run-directory.js';
import type { ApiKeyDirectory } from '../projections/people/api-key-directory.js';
import type { PushReadModel } from '../projections/push/push-read-model.js';
import type { ReadModels } from '../projections/runner/read-models.js';
import type { SynonymReadModel } from '../projections/search-synonyms/synonym-read-model.js';
import type { SiteDirectory } from '../projections/sites/site-directory.js';
import type { ContentCheckReadModel } from '../projections/supervision/content-check-read-model.js';
import type { SupervisionReadModel } from '../projections/supervision/supervision-read-model.js';
import type { WorkflowReadModel } from '../projections/workflow/workflow-read-model.js';
import type { Viewer } from './auth/viewer.js';
import type { SiteExportService } from './export/site-export-service.js';

export interface Services {
  platform: Platform;
  searchIndex: SearchIndex;
  workflow: WorkflowReadModel;
  pushes: PushReadModel;
  sites: SiteDirectory;
  apiKeys: ApiKeyDirectory;
  auditLog: AuditLogReader;
  auditTrail: AuditTrailReadModel;
  supervision: SupervisionReadModel;
  contentChecks: ContentCheckReadModel;
  /** R-LIB-4: migration runs by site. */
  migrationRuns: MigrationRunDirectory;
  /** R-LIB-5: site exports by site, and the files behind them. */
  siteExports: SiteExportDirectory;
  exportFiles: SiteExportService;
  /** The search synonyms in force. */
  synonyms: SynonymReadModel;
  readModels: ReadModels;
  /** The time commands are stamped with and push deadlines are judged by. */
  clock: () => Date;
  /** Whether clients without a token may read the published library. */
  anonymousRead: boolean;
}

export interface Context {
  viewer: Viewer;
  /**
   * The viewer as the request's credential stands now: for an HTTP request the viewer above; for a subscription
   * socket, its connection credential verified again, since the socket outlives revocations and expiries.
   */
  viewerNow: () => Promise<Viewer>;
  services: Services;
  requestId: string;
  /** The request's `Idempotency-Key` header, when it has one: a mutation repeated with it answers the first outcome. */
  idempotencyKey?: string;
  /** Subscriptions only. */
  pubsub: PubSub;
}
