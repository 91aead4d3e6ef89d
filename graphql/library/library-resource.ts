/** A library document as the API shows it (`LibraryResource`); its placements' sites come from a loader. */
import type { LibraryDocument } from '../../projections/library/library-document.js';

export interface PlacementModel {
  siteId: string;
  columnId: string;
}

export function libraryResource(d: LibraryDocument) {
  return {
    id: d.resourceId,
    indexNumber: d.indexNumber,
    siteId: d.siteId,
    status: d.status,
    version: d.version,
    title: d.metadata.title,
    publisher: d.metadata.publisher,
    docNumber: d.metadata.docNumber ?? null,
    subject: d.metadata.subject,
    genre: d.metadata.genre,
    resourceType: d.metadata.resourceType,
    publishedAt: d.publishedAt,
    firstPublishedAt: d.firstPublishedAt,
    metadata: d.metadata,
    placements: d.placements as PlacementModel[],
    versions: d.versions,
  };
}

export type LibraryResourceModel = ReturnType<typeof libraryResource>;
