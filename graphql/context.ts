/**
 * What every resolver gets: who the request acts as, and the services of the platform it may use. Resolvers write
 * only through the platform (`execute`) and read only read models, and the reader for the actor's roles now.
 */
import type { PubSub } from 'mercurius';
import type { Platform } from '../domain/platform.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import type { ApiKeyDirectory } from '../projections/people/api-key-directory.js';
import type { PushReadModel } from '../projections/push/push-read-model.js';
import type { ReadModels } from '../projections/runner/read-models.js';
import type { SynonymReadModel } from '../projections/search-synonyms/synonym-read-model.js';
import type { SiteDirectory } from '../projections/sites/site-directory.js';
import type { WorkflowReadModel } from '../projections/workflow/workflow-read-model.js';
import type { Viewer } from './auth/viewer.js';

export interface Services {
  platform: Platform;
  searchIndex: SearchIndex;
  workflow: WorkflowReadModel;
  pushes: PushReadModel;
  sites: SiteDirectory;
  apiKeys: ApiKeyDirectory;
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
  services: Services;
  requestId: string;
  /** Subscriptions only. */
  pubsub: PubSub;
}
