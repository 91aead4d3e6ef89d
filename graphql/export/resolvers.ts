/**
 * Batch exports of a unit's own site data (R-LIB-5): a site administrator requests one (its files are written at
 * once, in the background); the unit's staff and auditors list them and download them (`export-routes.ts`).
 */
import { randomUUID } from 'node:crypto';
import { requireExportReader } from '../../domain/export/site-export.js';
import { actorOf } from '../auth/viewer.js';
import { runCommand } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { siteExportModel } from './site-export-model.js';

export const exportResolvers: Resolvers = {
  Query: {
    siteExports: async (_root, args, context) => {
      requireExportReader(await actorOf(context.services.platform.reader, context.viewer), args.siteId);
      return context.services.siteExports.inGroup(args.siteId).reverse().map(siteExportModel);
    },
    siteExport: async (_root, args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      const state = context.services.siteExports.get(args.exportId);
      if (!state?.exists) return null;
      requireExportReader(actor, state.siteId);
      return siteExportModel(state);
    },
  },
  Mutation: {
    requestSiteExport: async (_root, { input }, context) => {
      const exportId = input.exportId ?? randomUUID();
      const { state, events } = await runCommand(context, 'RequestSiteExport', { siteId: input.siteId, exportId });
      context.services.exportFiles.start(exportId);
      return { siteExport: siteExportModel(state), events: events.map((e) => e.type) };
    },
  },
};
