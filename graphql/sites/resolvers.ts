/**
 * Sites and their structure (R-SITE-1..8), and column co-building (R-PUSH-4). Sites are read from the site directory;
 * every change goes through the site's commands (opening, changing and closing also through the claim processes).
 */
import type { Handled } from '../../domain/shared/command-handler.js';
import { type SiteEvent, type SiteState, siteAdvisories } from '../../domain/site/site.js';
import { requireLibraryReader } from '../auth/authorise.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { siteModel } from './site-model.js';

function sitePayload({ state, events }: Handled<SiteState, SiteEvent>) {
  return { site: siteModel(state), events: events.map((e) => e.type), advisories: siteAdvisories(state) };
}

export const sitesResolvers: Resolvers = {
  Query: {
    sites: async (_root, _args, context) => {
      await requireLibraryReader(context);
      return context.services.sites
        .all()
        .filter((s) => s.exists)
        .map(siteModel);
    },
    site: async (_root, args, context) => {
      await requireLibraryReader(context);
      const state = context.services.sites.get(args.id);
      return state?.exists ? siteModel(state) : null;
    },
  },
  Mutation: {
    openSite: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'OpenSite', withoutNulls(input))),
    changeSite: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'ChangeSite', withoutNulls(input))),
    takeSiteOffline: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'TakeSiteOffline', withoutNulls(input))),
    bringSiteOnline: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'BringSiteOnline', withoutNulls(input))),
    addChannel: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'AddChannel', withoutNulls(input))),
    addColumn: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'AddColumn', withoutNulls(input))),
    archiveTopic: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'ArchiveTopic', withoutNulls(input))),
    migrateSiteContent: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'MigrateSiteContent', withoutNulls(input))),
    closeSite: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'CloseSite', withoutNulls(input))),
    reportOutage: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'ReportOutage', withoutNulls(input))),
    endOutage: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'EndOutage', withoutNulls(input))),
    convertOutageToOffline: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'ConvertOutageToOffline', withoutNulls(input))),
    grantColumnCoBuilding: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'GrantColumnCoBuilding', withoutNulls(input))),
    revokeColumnCoBuilding: async (_root, { input }, context) =>
      sitePayload(await runCommand(context, 'RevokeColumnCoBuilding', withoutNulls(input))),
  },
};
