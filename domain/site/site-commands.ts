/**
 * The site's commands (R-SITE-1..8, R-PUSH-4) on `site-<id>`. Opening, changing the domains of and closing a site
 * also take or give up values only one site may hold: those run as processes (site-claims.ts) around these.
 */
import type { z } from 'zod';
import { streamCommand } from '../shared/command-module.js';
import { type SiteCommand, type SiteCommandContext, siteAggregate, siteCommandSchemas, siteStream } from './site.js';

type SiteCommandType = keyof typeof siteCommandSchemas;
/** What every site command's input has in common, and what some name besides. */
type Input = { siteId: string; toSiteId?: string; partnerSiteId?: string };

function siteCommand<Schema extends z.ZodType<Input>>(type: SiteCommandType, schema: Schema) {
  return streamCommand({
    input: schema,
    aggregate: siteAggregate,
    stream: (input) => siteStream(input.siteId),
    // A migration's target and a co-building partner must be open sites: their status is read for each attempt.
    async context(input, _state, { reader }): Promise<SiteCommandContext> {
      const status = async (siteId: string) => {
        const site = await reader.site(siteId);
        return { status: site.exists ? site.status : null };
      };
      if (type === 'MigrateSiteContent' && input.toSiteId) return { migrationTarget: await status(input.toSiteId) };
      if (type === 'GrantColumnCoBuilding' && input.partnerSiteId)
        return { partner: await status(input.partnerSiteId) };
      return {};
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as SiteCommand,
    siteId: (input) => input.siteId,
  });
}

/** The site's own stream commands; `OpenSite`, `ChangeSite` and `CloseSite` are run by the claim processes. */
export const siteStreamCommands = {
  OpenSite: siteCommand('OpenSite', siteCommandSchemas.OpenSite),
  ChangeSite: siteCommand('ChangeSite', siteCommandSchemas.ChangeSite),
  CloseSite: siteCommand('CloseSite', siteCommandSchemas.CloseSite),
  TakeSiteOffline: siteCommand('TakeSiteOffline', siteCommandSchemas.TakeSiteOffline),
  BringSiteOnline: siteCommand('BringSiteOnline', siteCommandSchemas.BringSiteOnline),
  ReportOutage: siteCommand('ReportOutage', siteCommandSchemas.ReportOutage),
  EndOutage: siteCommand('EndOutage', siteCommandSchemas.EndOutage),
  ConvertOutageToOffline: siteCommand('ConvertOutageToOffline', siteCommandSchemas.ConvertOutageToOffline),
  AddChannel: siteCommand('AddChannel', siteCommandSchemas.AddChannel),
  AddColumn: siteCommand('AddColumn', siteCommandSchemas.AddColumn),
  ArchiveTopic: siteCommand('ArchiveTopic', siteCommandSchemas.ArchiveTopic),
  MigrateSiteContent: siteCommand('MigrateSiteContent', siteCommandSchemas.MigrateSiteContent),
  GrantColumnCoBuilding: siteCommand('GrantColumnCoBuilding', siteCommandSchemas.GrantColumnCoBuilding),
  RevokeColumnCoBuilding: siteCommand('RevokeColumnCoBuilding', siteCommandSchemas.RevokeColumnCoBuilding),
};
