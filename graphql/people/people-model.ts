/** People and API keys as the API shows them: roles now held, never a key's secret or its hash. */
import type { ApiKeyState } from '../../domain/api-key/api-key.js';
import type { PersonState } from '../../domain/person/person.js';

export function personModel(id: string, state: PersonState) {
  return {
    id,
    name: state.name,
    deactivated: state.deactivated,
    platformRoles: [...state.platformRoles],
    siteRoles: [...state.siteRoles]
      .filter(([, roles]) => roles.size > 0)
      .map(([siteId, roles]) => ({ siteId, roles: [...roles] })),
  };
}

export type PersonModel = ReturnType<typeof personModel>;

export function apiKeyModel(state: ApiKeyState) {
  return { id: state.keyId, siteId: state.siteId, name: state.name, revoked: state.revoked, mayDraft: state.mayDraft };
}

export type ApiKeyModel = ReturnType<typeof apiKeyModel>;
