/**
 * API keys for machine clients (a sub-site's CMS reading the shared library). A key belongs to one site, is created
 * and revoked by that site's administrator (or a platform administrator), and is stored only as a hash: the secret
 * is shown once, when it is made. Keys read the published library; they write nothing unless granted drafting when
 * made: then they may draft, edit and submit on their site (a CMS feeding the review), and every review step stays
 * with people. Stream `apikey-<keyId>`.
 */
import { z } from 'zod';
import { type Actor, type Role, requirePlatformRole, requireSiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, name, reason } from '../shared/schemas.js';

export const apiKeyStream = (keyId: string) => `apikey-${keyId}`;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest');

export const apiKeyCommandSchemas = {
  CreateApiKey: z.strictObject({
    keyId: id,
    siteId: id,
    name,
    secretHash: sha256,
    mayDraft: z.boolean().default(false),
  }),
  RevokeApiKey: z.strictObject({ keyId: id, reason }),
};

export const apiKeyEventSchemas = {
  ApiKeyCreated: z.strictObject({
    keyId: id,
    siteId: id,
    name,
    secretHash: sha256,
    createdBy: id,
    /** Absent in keys made before drafting could be granted: those are read-only. */
    mayDraft: z.boolean().optional(),
  }),
  ApiKeyRevoked: z.strictObject({ keyId: id, siteId: id, revokedBy: id, reason }),
};

export type ApiKeyEvent =
  | { type: 'ApiKeyCreated'; data: z.infer<typeof apiKeyEventSchemas.ApiKeyCreated> }
  | { type: 'ApiKeyRevoked'; data: z.infer<typeof apiKeyEventSchemas.ApiKeyRevoked> };

/** What the handler knows beyond this stream: whether the site a key is made for exists. */
export interface ApiKeyCommandContext {
  siteExists?: boolean;
}

export type ApiKeyCommand = (
  | { type: 'CreateApiKey'; data: z.infer<typeof apiKeyCommandSchemas.CreateApiKey> }
  | { type: 'RevokeApiKey'; data: z.infer<typeof apiKeyCommandSchemas.RevokeApiKey> }
) & { actor: Actor; context?: ApiKeyCommandContext };

export interface ApiKeyState {
  exists: boolean;
  keyId: string;
  siteId: string;
  name: string;
  secretHash: string;
  revoked: boolean;
  mayDraft: boolean;
}

/** The actor ids keys act under in the log; no person may be registered with one (see RegisterPerson). */
export const API_KEY_ACTOR_PREFIX = 'apikey:';
export const apiKeyActorId = (keyId: string) => `${API_KEY_ACTOR_PREFIX}${keyId}`;
/** The key id of an actor id, or null for a person. */
export function keyIdOfActor(actorId: string): string | null {
  return actorId.startsWith(API_KEY_ACTOR_PREFIX) ? actorId.slice(API_KEY_ACTOR_PREFIX.length) : null;
}

/** The site administrator's, or any platform administrator's; returns the role acted in. */
function authorise(actor: Actor, siteId: string): Role {
  if (actor.system || actor.platformRoles.has('platform_admin')) return requirePlatformRole(actor, 'platform_admin');
  return requireSiteRole(actor, siteId, ['site_admin']);
}

export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: () => ({
    exists: false,
    keyId: '',
    siteId: '',
    name: '',
    secretHash: '',
    revoked: false,
    mayDraft: false,
  }),
  decide(command, state) {
    if (command.type === 'CreateApiKey') {
      const { keyId, siteId, name, secretHash, mayDraft } = command.data;
      const role = authorise(command.actor, siteId);
      if (state.exists)
        throw new DomainError(
          'CONFLICT',
          'ALREADY_EXISTS',
          `API 密钥 ${keyId} 已存在`,
          `API key ${keyId} already exists`,
        );
      if (!command.context?.siteExists)
        throw new DomainError('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
      return decided(role, {
        type: 'ApiKeyCreated',
        data: { keyId, siteId, name, secretHash, createdBy: command.actor.personId, mayDraft },
      });
    }
    if (!state.exists)
      throw new DomainError(
        'NOT_FOUND',
        'NOT_FOUND',
        `API 密钥 ${command.data.keyId} 不存在`,
        `API key ${command.data.keyId} does not exist`,
      );
    const role = authorise(command.actor, state.siteId);
    if (state.revoked) return decided(role);
    return decided(role, {
      type: 'ApiKeyRevoked',
      data: {
        keyId: state.keyId,
        siteId: state.siteId,
        revokedBy: command.actor.personId,
        reason: command.data.reason,
      },
    });
  },
  evolve(state, event) {
    if (event.type === 'ApiKeyCreated') {
      const { keyId, siteId, name, secretHash, mayDraft } = event.data;
      return { exists: true, keyId, siteId, name, secretHash, revoked: false, mayDraft: mayDraft ?? false };
    }
    return { ...state, revoked: true };
  },
};

export const apiKeyAggregate: Aggregate<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decider: apiKeyDecider,
  eventSchemas: apiKeyEventSchemas,
};
