/**
 * Every site's API keys (never their secrets' hashes beyond what the key's own state holds), by site, for the
 * `apiKeys` query: the API reads this, never the log. Whether a presented key is valid is read from the key's own
 * stream instead, so a revocation stops it at once (R-PEOPLE-2).
 */
import { type ApiKeyEvent, type ApiKeyState, apiKeyAggregate } from '../../domain/api-key/api-key.js';
import { AggregateStates } from '../sqlite/aggregate-states.js';

export const API_KEY_DIRECTORY_VERSION = 1;

export type ApiKeyDirectory = AggregateStates<ApiKeyState, ApiKeyEvent>;

export function openApiKeyDirectory(dataDir: string): ApiKeyDirectory {
  return new AggregateStates(`${dataDir}/api-keys.sqlite`, {
    name: 'api-keys',
    version: API_KEY_DIRECTORY_VERSION,
    aggregate: apiKeyAggregate,
    idOf: (event) => event.data.keyId,
    // Plain data: nothing to convert.
    codec: { toJson: (state) => state, fromJson: (json) => json as ApiKeyState },
    groupOf: (state) => state.siteId || null,
  });
}
