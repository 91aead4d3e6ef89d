/**
 * People, their roles (R-PEOPLE-1..3) and sites' API keys. A person's roles are read from their stream on every
 * request (R-PEOPLE-2); a site's keys come from the API key directory, and only their administrators, platform
 * administrators and auditors see them.
 */
import type { PersonEvent, PersonState } from '../../domain/person/person.js';
import type { Handled } from '../../domain/shared/command-handler.js';
import { newApiKey } from '../auth/api-keys.js';
import { actorOf, Forbidden, isPlatformWide, refuseRejected } from '../auth/viewer.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { apiKeyModel, personModel } from './people-model.js';

function personPayload(personId: string, { state, events }: Handled<PersonState, PersonEvent>) {
  return { person: personModel(personId, state), events: events.map((e) => e.type) };
}

export const peopleResolvers: Resolvers = {
  Viewer: {
    resolveType: (viewer) =>
      'person' in viewer ? 'PersonViewer' : 'keyId' in viewer ? 'ApiKeyViewer' : 'AnonymousViewer',
  },
  Query: {
    viewer: async (_root, _args, { viewer, services }) => {
      refuseRejected(viewer);
      if (viewer.kind === 'anonymous') return { mayReadLibrary: services.anonymousRead };
      if (viewer.kind === 'apiKey') return { keyId: viewer.keyId, siteId: viewer.siteId };
      const actor = await actorOf(services.platform.reader, viewer);
      return { person: personModel(actor.personId, await services.platform.reader.person(actor.personId)) };
    },
    person: async (_root, args, context) => {
      const { reader } = context.services.platform;
      const actor = await actorOf(reader, context.viewer);
      if (actor.personId !== args.id && !isPlatformWide(actor))
        throw new Forbidden('only platform administrators and auditors see other people');
      const state = await reader.person(args.id);
      return state.exists ? personModel(args.id, state) : null;
    },
    apiKeys: async (_root, args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      if (!isPlatformWide(actor) && !actor.siteRoles.get(args.siteId)?.has('site_admin'))
        throw new Forbidden('only the site administrator, platform administrators and auditors see its API keys');
      return context.services.apiKeys.inGroup(args.siteId).map(apiKeyModel);
    },
  },
  Mutation: {
    registerPerson: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'RegisterPerson', withoutNulls(input))),
    grantSiteRole: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'GrantSiteRole', withoutNulls(input))),
    revokeSiteRole: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'RevokeSiteRole', withoutNulls(input))),
    grantPlatformRole: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'GrantPlatformRole', withoutNulls(input))),
    revokePlatformRole: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'RevokePlatformRole', withoutNulls(input))),
    deactivatePerson: async (_root, { input }, context) =>
      personPayload(input.personId, await runCommand(context, 'DeactivatePerson', withoutNulls(input))),
    createApiKey: async (_root, { input }, context) => {
      const { keyId, secretHash, key } = newApiKey();
      const { siteId, name, mayDraft } = withoutNulls(input);
      const { state } = await runCommand(context, 'CreateApiKey', { keyId, siteId, name, secretHash, mayDraft });
      return { apiKey: apiKeyModel(state), key };
    },
    revokeApiKey: async (_root, { input }, context) => {
      const { state, events } = await runCommand(context, 'RevokeApiKey', withoutNulls(input));
      return { apiKey: apiKeyModel(state), events: events.map((e) => e.type) };
    },
  },
};
