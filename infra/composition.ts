/**
 * The composition root: opens the adapters the configuration names and wires the write side, the read models and
 * their projections. `npm start` and the CLI both start here, so they always see the same platform.
 */
import type { EventStore } from '../domain/event-store/port.js';
import { Platform } from '../domain/platform.js';
import { libraryProjection } from '../projections/library/library-projection.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import { type ApiKeyDirectory, openApiKeyDirectory } from '../projections/people/api-key-directory.js';
import { openPushReadModel, type PushReadModel } from '../projections/push/push-read-model.js';
import type { Projection } from '../projections/runner/projection.js';
import { openSynonymReadModel, type SynonymReadModel } from '../projections/search-synonyms/synonym-read-model.js';
import { openSiteDirectory, type SiteDirectory } from '../projections/sites/site-directory.js';
import { openWorkflowReadModel, type WorkflowReadModel } from '../projections/workflow/workflow-read-model.js';
import type { Config } from './config.js';
import { openEventStore } from './event-store/open-event-store.js';
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
  /** Every read model's projection, by name. */
  projections: {
    library: Projection;
    workflow: Projection;
    push: Projection;
    sites: Projection;
    apiKeys: Projection;
    synonyms: Projection;
  };
  close(): Promise<void>;
}

/** `wrapStore` lets the server measure appends without the rest knowing. */
export async function compose(
  config: Config,
  wrapStore: (store: EventStore) => EventStore = (s) => s,
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
  return {
    config,
    eventStore,
    platform: new Platform(eventStore),
    searchIndex,
    synonyms,
    workflow,
    pushes,
    sites,
    apiKeys,
    projections: {
      library: libraryProjection(searchIndex),
      workflow: workflow.projection(),
      push: pushes.projection(),
      sites: sites.projection(),
      apiKeys: apiKeys.projection(),
      synonyms: synonyms.projection(),
    },
    async close() {
      await searchIndex.close();
      synonyms.close();
      workflow.close();
      pushes.close();
      sites.close();
      apiKeys.close();
      await raw.close();
    },
  };
}
