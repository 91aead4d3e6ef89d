/**
 * The commands of site exports (R-LIB-5): each targets `export-<id>`; a request reads its site and the log's head
 * (the position the export covers).
 */
import type { z } from 'zod';
import { streamCommand } from '../shared/command-module.js';
import { siteContextOf } from '../site/site.js';
import {
  type SiteExportCommand,
  type SiteExportContext,
  siteExportAggregate,
  siteExportCommandSchemas,
  siteExportStream,
} from './site-export.js';

type ExportCommandType = keyof typeof siteExportCommandSchemas;

function exportCommand<Schema extends z.ZodType<{ exportId: string; siteId?: string }>>(
  type: ExportCommandType,
  schema: Schema,
) {
  return streamCommand({
    input: schema,
    aggregate: siteExportAggregate,
    stream: (input) => siteExportStream(input.exportId),
    async context(input, _state, { reader }, meta): Promise<SiteExportContext> {
      if (type !== 'RequestSiteExport' || input.siteId === undefined) return { occurredAt: meta.occurredAt };
      return {
        occurredAt: meta.occurredAt,
        site: siteContextOf(await reader.site(input.siteId)),
        headPosition: await reader.store.headPosition(),
      };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as SiteExportCommand,
    siteId: (input, state) => state.siteId || (input.siteId ?? null),
  });
}

export const siteExportCommands = {
  RequestSiteExport: exportCommand('RequestSiteExport', siteExportCommandSchemas.RequestSiteExport),
  CompleteSiteExport: exportCommand('CompleteSiteExport', siteExportCommandSchemas.CompleteSiteExport),
  RecordSiteExportDownload: exportCommand(
    'RecordSiteExportDownload',
    siteExportCommandSchemas.RecordSiteExportDownload,
  ),
};
