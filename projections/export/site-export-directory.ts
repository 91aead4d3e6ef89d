/**
 * Every site export (R-LIB-5) with its manifest once written and how often it was downloaded, by site, for the
 * API's `siteExports`: the API reads this, never the log.
 */
import { type SiteExportEvent, type SiteExportState, siteExportAggregate } from '../../domain/export/site-export.js';
import { AggregateStates } from '../sqlite/aggregate-states.js';

export const SITE_EXPORT_DIRECTORY_VERSION = 1;

export type SiteExportDirectory = AggregateStates<SiteExportState, SiteExportEvent>;

export function openSiteExportDirectory(dataDir: string): SiteExportDirectory {
  return new AggregateStates(`${dataDir}/site-exports.sqlite`, {
    name: 'site-exports',
    version: SITE_EXPORT_DIRECTORY_VERSION,
    aggregate: siteExportAggregate,
    idOf: (event) => event.data.exportId,
    // Plain data: nothing to convert.
    codec: { toJson: (state) => state, fromJson: (json) => json as SiteExportState },
    groupOf: (state) => state.siteId || null,
  });
}
