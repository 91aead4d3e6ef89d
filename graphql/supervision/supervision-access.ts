/**
 * Who reads what of supervision (R-SEC-2, R-SUP-4): a site's staff read their own site's columns, messages, work
 * orders and summaries; supervisors, auditors and platform administrators read every site's; nobody but the staff of
 * the site that answers a message sees who asked it (R-SUP-2).
 */
import type { Actor } from '../../domain/shared/actor.js';
import { actorOf, Forbidden } from '../auth/viewer.js';
import type { Context } from '../context.js';

export function isSupervising(actor: Actor): boolean {
  return (
    actor.platformRoles.has('supervisor') ||
    actor.platformRoles.has('platform_admin') ||
    actor.platformRoles.has('auditor')
  );
}

export function worksOn(actor: Actor, siteId: string): boolean {
  return (actor.siteRoles.get(siteId)?.size ?? 0) > 0;
}

/** The viewer, who must be on the site's staff or supervise every site. */
export async function requireSupervisionReader(
  context: Pick<Context, 'viewer' | 'services'>,
  siteId: string,
): Promise<Actor> {
  const actor = await actorOf(context.services.platform.reader, context.viewer);
  if (isSupervising(actor) || worksOn(actor, siteId)) return actor;
  throw new Forbidden(`${actor.personId} works on no role of site ${siteId}`);
}

/** The viewer, who must supervise every site. */
export async function requireSupervisor(context: Pick<Context, 'viewer' | 'services'>): Promise<Actor> {
  const actor = await actorOf(context.services.platform.reader, context.viewer);
  if (isSupervising(actor)) return actor;
  throw new Forbidden('only supervisors, auditors and platform administrators see every site');
}
