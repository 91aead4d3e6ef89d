/**
 * The served resolvers: each area's, merged, and the loaders that batch what many results share. An area that
 * defined a field another area defines too is a mistake caught at start-up, not a silent override.
 */
import { auditResolvers } from './audit/resolvers.js';
import type { Context } from './context.js';
import { exportResolvers } from './export/resolvers.js';
import { feedResolvers } from './feed/resolvers.js';
import type { Resolvers } from './generated/resolvers-types.js';
import { libraryResolvers } from './library/resolvers.js';
import { migrationResolvers } from './migration/resolvers.js';
import { peopleResolvers } from './people/resolvers.js';
import { pushResolvers } from './push/resolvers.js';
import { settingsResolvers } from './settings/resolvers.js';
import { sitesResolvers } from './sites/resolvers.js';
import { siteModel } from './sites/site-model.js';
import { supervisionResolvers } from './supervision/resolvers.js';
import { workflowResolvers } from './workflow/resolvers.js';

const AREA_RESOLVERS: Resolvers[] = [
  libraryResolvers,
  sitesResolvers,
  workflowResolvers,
  pushResolvers,
  peopleResolvers,
  settingsResolvers,
  auditResolvers,
  supervisionResolvers,
  migrationResolvers,
  exportResolvers,
  feedResolvers,
];

export function mergeResolvers(areas: Resolvers[]): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const area of areas) {
    for (const [type, fields] of Object.entries(area)) {
      merged[type] ??= {};
      const into = merged[type];
      for (const [field, resolver] of Object.entries(fields as Record<string, unknown>)) {
        if (field in into) throw new Error(`two areas resolve ${type}.${field}`);
        into[field] = resolver;
      }
    }
  }
  return merged;
}

export const resolvers = mergeResolvers(AREA_RESOLVERS);

/** Batched per request (mercurius loaders): a page of hits placed on the same sites reads each site once. */
export const loaders = {
  Placement: {
    async site(queries: Array<{ obj: { siteId: string } }>, context: Context) {
      return queries.map(({ obj }) => {
        const state = context.services.sites.get(obj.siteId);
        return state?.exists ? siteModel(state) : null;
      });
    },
  },
};
