/** A site as the API shows it: its channels with their columns (migrated columns are gone), advisories, grants. */
import { type SiteState, siteAdvisories } from '../../domain/site/site.js';

export function siteModel(state: SiteState) {
  return {
    id: state.siteId,
    kind: state.kind,
    name: state.name,
    hostUnit: state.hostUnit,
    domains: state.domains,
    status: state.status,
    channels: [...state.channels].map(([id, channel]) => ({
      id,
      name: channel.name,
      path: channel.path,
      columns: [...state.columns.values()]
        .filter((c) => c.channelId === id && !c.migratedTo)
        .map((c) => ({
          id: c.columnId,
          name: c.name,
          path: c.path,
          updateCycle: c.updateCycle,
          topic: c.topic,
          archived: c.archived,
        })),
    })),
    advisories: siteAdvisories(state),
    coBuilding: [...state.coBuilding].map(([partnerSiteId, columns]) => ({
      partnerSiteId,
      columnIds: [...columns],
    })),
  };
}

export type SiteModel = ReturnType<typeof siteModel>;
