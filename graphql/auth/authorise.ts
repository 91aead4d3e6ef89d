/**
 * The checks resolvers make before reading (R-SEC-2) and the identity they write under. Writes are checked again by
 * the domain against the actor's roles; these decide what a request may read.
 */
import { apiKeyActorId } from '../../domain/api-key/api-key.js';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
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

/** What an `Idempotency-Key` may be: an opaque token of the client's, a UUID say. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,100}$/;

/** Who a write is by: a person, or an API key (the domain refuses a key anything but what it was granted). */
export function commandMeta(
  context: Pick<Context, 'viewer' | 'services' | 'requestId' | 'idempotencyKey'>,
): CommandMeta {
  const { viewer, idempotencyKey } = context;
  if (viewer.kind === 'rejected') throw new Unauthenticated(viewer.reason);
  if (viewer.kind === 'anonymous') throw new Unauthenticated('sign in to do this');
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey))
    throw new DomainError(
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'Idempotency-Key 应为 8-100 个字母、数字或 _ . : -',
      'Idempotency-Key must be 8-100 letters, digits or _ . : -',
      [{ path: 'Idempotency-Key', message: 'expected 8-100 of A-Z a-z 0-9 _ . : -' }],
    );
  return {
    actorId: viewer.kind === 'apiKey' ? apiKeyActorId(viewer.keyId) : viewer.personId,
    occurredAt: context.services.clock().toISOString(),
    correlationId: context.requestId,
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
  };
}
