/** A site export as clients see it, with where to download its files (R-LIB-5). */
import type { SiteExportState } from '../../domain/export/site-export.js';

export const exportPath = (exportId: string, file: 'resources.jsonl' | 'manifest.json') =>
  `/exports/${encodeURIComponent(exportId)}/${file}`;

export function siteExportModel(state: SiteExportState) {
  return {
    exportId: state.exportId,
    siteId: state.siteId,
    status: state.status,
    requestedBy: state.requestedBy,
    requestedAt: state.requestedAt,
    throughPosition: state.throughPosition,
    completedAt: state.completedAt,
    manifest: state.manifest,
    downloads: state.downloads,
    resourcesPath: exportPath(state.exportId, 'resources.jsonl'),
    manifestPath: exportPath(state.exportId, 'manifest.json'),
  };
}
