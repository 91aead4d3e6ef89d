/**
 * Who a request acts as, worked out once per request (or WebSocket connection) from its bearer token. The person's
 * roles are read from their Person stream at the time of the request, so a revocation or deactivation takes effect
 * on the very next request (R-PEOPLE-2), whatever the token says.
 */

import type { Actor } from '../../domain/shared/actor.js';
import type { AggregateReader } from '../../domain/shared/aggregate-reader.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { InvalidToken, type TokenVerifier } from './token-keys.js';

/** `rejected`: the request carried a token that did not verify; it is refused wherever it asks for anything. */
export type Viewer =
  | { kind: 'person'; personId: string }
  | { kind: 'apiKey'; keyId: string; siteId: string }
  | { kind: 'anonymous' }
  | { kind: 'rejected'; reason: string };

export class Unauthenticated extends Error {
  readonly code = 'UNAUTHENTICATED';
  readonly category = 'UNAUTHENTICATED';
}

export class Forbidden extends Error {
  readonly code = 'FORBIDDEN';
  readonly category = 'FORBIDDEN';
}

/**
 * The credential a client presents, as one `Authorization` value: the header itself, or `X-Api-Key` as an ApiKey
 * credential. Works on HTTP headers and on the connection_init payload of a subscription socket alike.
 */
export function authorizationFrom(headers: Record<string, unknown> | undefined): string | undefined {
  const authorization = headers?.authorization ?? headers?.Authorization;
  if (typeof authorization === 'string') return authorization;
  const apiKey = headers?.['x-api-key'] ?? headers?.['X-Api-Key'];
  return typeof apiKey === 'string' ? `ApiKey ${apiKey}` : undefined;
}

/**
 * The one place an `Authorization` value is read: the scheme (`Bearer`, `ApiKey`) in any case, white space, then the
 * credential; null when it has another form.
 */
export function parseAuthorization(header: string): { scheme: 'bearer' | 'apikey'; credential: string } | null {
  const match = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(header);
  return match ? { scheme: match[1]!.toLowerCase() as 'bearer' | 'apikey', credential: match[2]! } : null;
}

/**
 * Who a credential stands for. Every spelling of one credential is one viewer, and everything downstream (rate limits
 * included) keys on the viewer.
 */
export async function viewerFromAuthorization(
  header: string | undefined,
  verify: TokenVerifier,
  checkApiKey: (key: string) => Promise<{ keyId: string; siteId: string } | null>,
): Promise<Viewer> {
  if (!header) return { kind: 'anonymous' };
  const parsed = parseAuthorization(header);
  if (!parsed)
    return { kind: 'rejected', reason: 'the Authorization header must be "Bearer <token>" or "ApiKey <key>"' };
  if (parsed.scheme === 'apikey') {
    const key = await checkApiKey(parsed.credential);
    return key ? { kind: 'apiKey', ...key } : { kind: 'rejected', reason: 'unknown or revoked API key' };
  }
  try {
    return { kind: 'person', personId: await verify(parsed.credential) };
  } catch (error) {
    if (error instanceof InvalidToken) return { kind: 'rejected', reason: error.message };
    throw error;
  }
}

/** Refuses a request whose token did not verify, whatever it asks for. */
export function refuseRejected(viewer: Viewer): void {
  if (viewer.kind === 'rejected') throw new Unauthenticated(viewer.reason);
}

/** The viewer's current roles; an unknown or deactivated person is refused outright. */
export async function actorOf(reader: AggregateReader, viewer: Viewer): Promise<Actor> {
  refuseRejected(viewer);
  if (viewer.kind === 'apiKey')
    throw new Forbidden('API keys read the published library; they never write or see drafts');
  if (viewer.kind !== 'person') throw new Unauthenticated('sign in to do this');
  let actor: Actor;
  try {
    actor = await reader.actor({ actorId: viewer.personId, occurredAt: new Date().toISOString() });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'NOT_FOUND')
      throw new Unauthenticated(`no registered person ${viewer.personId}`);
    throw error;
  }
  if (actor.deactivated) throw new Unauthenticated(`${viewer.personId} has been deactivated`);
  return actor;
}

export function isPlatformWide(actor: Actor): boolean {
  return actor.platformRoles.has('platform_admin') || actor.platformRoles.has('auditor');
}

/**
 * R-SEC-2: a site's staff (any role there), platform administrators and auditors. Someone whose every role there was
 * revoked is told so (R-PEOPLE-2), as a command would tell them.
 */
export function requireSiteInsight(actor: Actor, siteId: string): void {
  if (isPlatformWide(actor) || (actor.siteRoles.get(siteId)?.size ?? 0) > 0) return;
  if ((actor.revokedSiteRoles.get(siteId)?.size ?? 0) > 0)
    throw new DomainError(
      'FORBIDDEN',
      'ROLE_REVOKED',
      `${actor.personId} 在站点 ${siteId} 的权限已被注销`,
      `${actor.personId}'s roles on site ${siteId} have been revoked`,
      [],
      'R-PEOPLE-2',
    );
  throw new Forbidden(`${actor.personId} works on no role of site ${siteId}`);
}

/**
 * Who a client is, for the limits kept per client (requests and query cost per minute): the person or the API key it
 * authenticated as, else its address, so clients without a valid credential share their address's allowance.
 */
export function clientKey(viewer: Viewer | null, address: string): string {
  if (viewer?.kind === 'person') return `person:${viewer.personId}`;
  if (viewer?.kind === 'apiKey') return `apikey:${viewer.keyId}`;
  return `address:${address}`;
}
