/**
 * Every site with its channels, columns and co-building grants, as the site's decider folds it, for the `sites` and
 * `site` queries and the placements' sites: the API reads this, never the log.
 */
import { type SiteEvent, type SiteState, siteAggregate } from '../../domain/site/site.js';
import { AggregateStates, type StateCodec } from '../sqlite/aggregate-states.js';

export const SITE_DIRECTORY_VERSION = 1;

type SiteJson = Omit<SiteState, 'channels' | 'columns' | 'coBuilding'> & {
  channels: Array<[string, { name: string; path: string }]>;
  columns: Array<[string, SiteState['columns'] extends Map<string, infer C> ? C : never]>;
  coBuilding: Array<[string, string[]]>;
};

const siteCodec: StateCodec<SiteState> = {
  toJson: (state): SiteJson => ({
    ...state,
    channels: [...state.channels],
    columns: [...state.columns],
    coBuilding: [...state.coBuilding].map(([partner, columns]) => [partner, [...columns]]),
  }),
  fromJson(json) {
    const site = json as SiteJson;
    return {
      ...site,
      channels: new Map(site.channels),
      columns: new Map(site.columns),
      coBuilding: new Map(site.coBuilding.map(([partner, columns]) => [partner, new Set(columns)])),
    };
  },
};

export type SiteDirectory = AggregateStates<SiteState, SiteEvent>;

export function openSiteDirectory(dataDir: string): SiteDirectory {
  return new AggregateStates(`${dataDir}/sites.sqlite`, {
    name: 'sites',
    version: SITE_DIRECTORY_VERSION,
    aggregate: siteAggregate,
    idOf: (event) => event.data.siteId,
    codec: siteCodec,
  });
}
