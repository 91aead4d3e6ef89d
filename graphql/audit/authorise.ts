/**
 * Who reads the audit log: auditors and platform administrators read everything (R-SEC-2: auditors read everything,
 * change nothing); a site's staff read their own site's trail and nothing else of it.
 */
import type { AuditTrailQuery } from '../../projections/audit-trail/audit-trail-read-model.js';
import type { Viewer } from '../auth/viewer.js';
import { actorOf, Forbidden, isPlatformWide } from '../auth/viewer.js';
import type { Context } from '../context.js';

export async function requireAuditor({ viewer, services }: Pick<Context, 'viewer' | 'services'>): Promise<void> {
  const actor = await actorOf(services.platform.reader, viewer);
  if (!isPlatformWide(actor)) throw new Forbidden('only auditors and platform administrators read the audit log');
}

/** Whether the viewer may read every site's audit (for HTTP routes, which cannot throw GraphQL errors). */
export async function mayAudit(viewer: Viewer | null, services: Context['services']): Promise<boolean> {
  if (viewer?.kind !== 'person') return false;
  return requireAuditor({ viewer, services }).then(
    () => true,
    () => false,
  );
}

/** The trail query as the viewer may ask it: a site's staff only ever see their own site's entries. */
export async function trailQueryFor(
  { viewer, services }: Pick<Context, 'viewer' | 'services'>,
  query: AuditTrailQuery,
): Promise<AuditTrailQuery> {
  const actor = await actorOf(services.platform.reader, viewer);
  if (isPlatformWide(actor)) return query;
  const sites = [...actor.siteRoles].filter(([, roles]) => roles.size > 0).map(([siteId]) => siteId);
  if (query.siteId && sites.includes(query.siteId)) return query;
  if (!query.siteId && sites.length === 1) return { ...query, siteId: sites[0]! };
  throw new Forbidden(
    query.siteId
      ? `${actor.personId} works on no role of site ${query.siteId}`
      : 'name the site whose audit trail to read (filter.siteId)',
  );
}
