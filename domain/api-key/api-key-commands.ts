/**
 * API keys' commands on `apikey-<id>`: made for an existing site by its administrator, revoked by them.
 */
import { streamCommand } from '../shared/command-module.js';
import { apiKeyAggregate, apiKeyCommandSchemas, apiKeyStream } from './api-key.js';

export const apiKeyCommands = {
  CreateApiKey: streamCommand({
    input: apiKeyCommandSchemas.CreateApiKey,
    aggregate: apiKeyAggregate,
    stream: (input) => apiKeyStream(input.keyId),
    context: async (input, _state, { reader }) => ({ siteExists: (await reader.site(input.siteId)).exists }),
    command: (data, actor, context) => ({ type: 'CreateApiKey' as const, data, actor, context }),
    siteId: (input) => input.siteId,
  }),
  RevokeApiKey: streamCommand({
    input: apiKeyCommandSchemas.RevokeApiKey,
    aggregate: apiKeyAggregate,
    stream: (input) => apiKeyStream(input.keyId),
    command: (data, actor) => ({ type: 'RevokeApiKey' as const, data, actor }),
    siteId: (_input, state) => state.siteId || null,
  }),
};
