/**
 * API keys for machine clients (a sub-site's CMS reading the shared library). A key belongs to one site, is created
 * and revoked by that site's administrator (or a platform administrator), and is stored only as a hash: the secret
 * is shown once, when it is made. Keys read the published library; they never write. Stream `apikey-<keyId>`.
 */
import { z } from 'zod';
import { type Actor, requireSiteRole } from '../shared/actor.js';
import type { Decider } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, name, reason } from '../shared/schemas.js';

export const apiKeyStream = (keyId: string) => `apikey-${keyId}`;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest');

export const apiKeyCommandSchemas = {
  CreateApiKey: z.strictObject({ keyId: id, siteId: id, name, secretHash: sha256 }),
  RevokeApiKey: z.strictObject({ keyId: id, reason }),
};

export const apiKeyEventSchemas = {
  ApiKeyCreated: z.strictObject({ keyId: id, siteId: id, name, secretHash: sha256, createdBy: id }),
  ApiKeyRevoked: z.strictObject({ keyId: id, siteId: id, revokedBy: id, reason }),
};

export type ApiKeyEvent =
  | { type: 'ApiKeyCreated'; data: z.infer<typeof apiKeyEventSchemas.ApiKeyCreated> }
  | { type: 'ApiKeyRevoked'; data: z.infer<typeof apiKeyEventSchemas.ApiKeyRevoked> };

export type ApiKeyCommand =
  | { type: 'CreateApiKey'; data: z.infer<typeof apiKeyCommandSchemas.CreateApiKey>; actor: Actor; siteExists: boolean }
  | { type: 'RevokeApiKey'; data: z.infer<typeof apiKeyCommandSchemas.RevokeApiKey>; actor: Actor };

export interface ApiKeyState {
  exists: boolean;
  keyId: string;
  siteId: string;
  name: string;
  secretHash: string;
  revoked: boolean;
}

function authorise(actor: Actor, siteId: string): void {
  if (actor.system || actor.platformRoles.has('platform_admin')) return;
  requireSiteRole(actor, siteId, ['site_admin']);
}

export const apiKeyDecider: Decider<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  initialState: () => ({ exists: false, keyId: '', siteId: '', name: '', secretHash: '', revoked: false }),
  decide(command, state) {
    if (command.type === 'CreateApiKey') {
      const { keyId, siteId, name, secretHash } = command.data;
      authorise(command.actor, siteId);
      if (state.exists)
        throw new DomainError('ALREADY_EXISTS', `API 密钥 ${keyId} 已存在`, `API key ${keyId} already exists`);
      if (!command.siteExists)
        throw new DomainError('NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
      return [{ type: 'ApiKeyCreated', data: { keyId, siteId, name, secretHash, createdBy: command.actor.personId } }];
    }
    if (!state.exists)
      throw new DomainError(
        'NOT_FOUND',
        `API 密钥 ${command.data.keyId} 不存在`,
        `API key ${command.data.keyId} does not exist`,
      );
    authorise(command.actor, state.siteId);
    if (state.revoked) return [];
    return [
      {
        type: 'ApiKeyRevoked',
        data: {
          keyId: state.keyId,
          siteId: state.siteId,
          revokedBy: command.actor.personId,
          reason: command.data.reason,
        },
      },
    ];
  },
  evolve(state, event) {
    if (event.type === 'ApiKeyCreated') {
      const { keyId, siteId, name, secretHash } = event.data;
      return { exists: true, keyId, siteId, name, secretHash, revoked: false };
    }
    return { ...state, revoked: true };
  },
};
