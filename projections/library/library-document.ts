/**
 * One resource as the shared library shows it (R-LIB-1, R-LIB-2): its uniform metadata as published, where it is
 * placed, its version history and its index number. Only published resources are in the library; a withdrawn one
 * leaves it, an archived one stays with status `archived` (and is left out of searches unless asked for).
 */
import type { ResourceMetadataInput } from '../../domain/metadata/index.js';

export interface Placement {
  siteId: string;
  columnId: string;
}

export interface PublishedVersionSummary {
  version: number;
  publishedAt: string;
  title: string;
}

export interface LibraryDocument {
  resourceId: string;
  indexNumber: string;
  /** The site that owns the resource (its review happened there). */
  siteId: string;
  status: 'published' | 'archived';
  version: number;
  /** When the current version was published (ISO 8601). */
  publishedAt: string;
  /** When the resource was first published: the order of "newest first", stable across corrections. */
  firstPublishedAt: string;
  placements: Placement[];
  versions: PublishedVersionSummary[];
  metadata: ResourceMetadataInput;
  /** Position of the last event that changed this document: the version an index writes it with. */
  position: number;
}

export type LibraryChange =
  | { kind: 'upsert'; document: LibraryDocument }
  | { kind: 'remove'; resourceId: string; position: number };
