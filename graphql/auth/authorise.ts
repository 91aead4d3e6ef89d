/**
 * The checks resolvers make before reading (R-SEC-2) and the identity they write under. Writes are checked again by
 * the domain against the actor's roles; these decide what a request may read.
 */
import { apiKeyActorId } from '../../domain/api-key/api-key.js';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import type { Context } from '../context.js';
import { actorOf, Forbidden, refuseRejected, requireSiteInsight, Unauthenticated } from './viewer.js';

/** The published library: any signed-in person, any API key, anonymous clients only where allowed. */
export async function requireLibraryReader({ viewer, services }: Pick<Context, 'viewer' | 'services'>): Promise<void> {
  refuseRejected(viewer);
  if (viewer.kind === 'apiKey') return;
  if (viewer.kind === 'anonymous') {
    if (!services.anonymousRead)
      throw new Unauthenticated('sign in to read the library (anonymous reading is not enabled)');
    return;
  }
  await actorOf(services.platform.reader, viewer);
}

/**
 * A site's push inbox and outbox: its staff, platform administrators and auditors (R-SEC-2), and the site's own API
 * keys, since push subscribers are often the sub-site's machines.
 */
export async function requireSiteReader(context: Pick<Context, 'viewer' | 'services'>, siteId: string): Promise<void> {
  const { viewer } = context;
  refuseRejected(viewer);
  if (viewer.kind === 'apiKey') {
    if (viewer.siteId === siteId) return;
    throw new Forbidden(`an API key of site ${viewer.siteId} reads only that site's pushes`);
  }
  requireSiteInsight(await actorOf(context.services.platform.reader, viewer), siteId);
}

/** Who a write is by: a person, or an API key (the domain refuses a key anything but what it was granted). */
export function commandMeta(context: Pick<Context, 'viewer' | 'services' | 'requestId'>): CommandMeta {
  const { viewer } = context;
  if (viewer.kind === 'rejected') throw new Unauthenticated(viewer.reason);
  if (viewer.kind === 'anonymous') throw new Unauthenticated('sign in to do this');
  return {
    actorId: viewer.kind === 'apiKey' ? apiKeyActorId(viewer.keyId) : viewer.personId,
    occurredAt: context.services.clock().toISOString(),
    correlationId: context.requestId,
  };
}
