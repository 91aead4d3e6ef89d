/**
 * The shared library: published resources with their metadata, placements, version history and index number
 * (R-LIB-1). A correction replaces the document when it is published (R-REVIEW-4); a withdrawal removes it; an
 * archived resource stays, marked; a site's content migration moves the placements in its columns (R-SITE-5). A
 * resource migrated from an old site (R-LIB-4) is a publication like any other, with the old site's dates and the
 * versions its old system published before; a changed row migrated again is its next version.
 * The provincial library's shared resources are in it too (R-LIB-3), owned by the province, with its index numbers.
 *
 * The outbound provincial feed folds the same events into the same documents (`LibraryBatch`, `projectLibraryEvent`),
 * so what it sends the province is the resource as the library shows it.
 */
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import {
  PROVINCIAL_LIBRARY,
  type ProvincialEvent,
  provincialEventSchemas,
} from '../../domain/provincial/provincial-resource.js';
import { type PushEvent, pushEventSchemas } from '../../domain/push/push.js';
import { type ResourceEvent, resourceEventSchemas } from '../../domain/resource/resource.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import { type SiteEvent, siteEventSchemas } from '../../domain/site/site.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import type { LibraryChange, LibraryDocument } from './library-document.js';
import { placedAfterSiteMigration, placedByAcceptance, placedByPublication } from './placements.js';
import type { LibraryGeneration, SearchIndex } from './search-index.js';

/**
 * 2: placements of pushed resources accepted by other sites. 3: the embedded index keeps two-character words in its
 * bigram columns only. (Migrated resources and the provincial library's events came later without a new version:
 * no log written before held any, so every generation built before is what this code builds.) 4: both indexes keep
 * each title's key (the title typed whole ranks with the identifiers).
 */
export const LIBRARY_PROJECTION_VERSION = 4;

const schemas = { ...resourceEventSchemas, ...siteEventSchemas, ...pushEventSchemas, ...provincialEventSchemas };

/** The events the library folds into its documents. */
export const LIBRARY_EVENT_TYPES = [
  'ResourcePublished',
  'ResourceMigrated',
  'ResourceWithdrawn',
  'ResourceArchived',
  'SiteContentMigrated',
  'PushAccepted',
  ...Object.keys(provincialEventSchemas),
];

/** Where the documents a batch starts from are read: a library generation, or the outbound feed's own copy. */
export type LibraryDocuments = Pick<LibraryGeneration, 'get' | 'findByPlacement'>;

/** The library as a batch sees it: what earlier events of the same batch changed, over what the index holds. */
export class LibraryBatch {
  private readonly changed = new Map<string, { document: LibraryDocument | null; position: Position }>();

  constructor(private readonly generation: LibraryDocuments) {}

  async get(resourceId: string): Promise<LibraryDocument | null> {
    const change = this.changed.get(resourceId);
    return change ? change.document : this.generation.get(resourceId);
  }

  put(document: LibraryDocument): void {
    this.changed.set(document.resourceId, { document, position: document.position });
  }

  remove(resourceId: string, position: Position): void {
    this.changed.set(resourceId, { document: null, position });
  }

  async placedIn(siteId: string, columnIds: string[]): Promise<LibraryDocument[]> {
    const found = new Map((await this.generation.findByPlacement(siteId, columnIds)).map((d) => [d.resourceId, d]));
    for (const [resourceId, { document }] of this.changed) {
      if (document?.placements.some((p) => p.siteId === siteId && columnIds.includes(p.columnId)))
        found.set(resourceId, document);
      else found.delete(resourceId);
    }
    return [...found.values()];
  }

  changes(): LibraryChange[] {
    return [...this.changed].map(([resourceId, { document, position }]) =>
      document ? { kind: 'upsert', document } : { kind: 'remove', resourceId, position },
    );
  }
}

/** Folds one event into the documents of the batch. */
export async function projectLibraryEvent(view: LibraryBatch, recorded: RecordedEvent): Promise<void> {
  const event = toDomainEvent<ResourceEvent | SiteEvent | PushEvent | ProvincialEvent>(recorded, schemas);
  const position = recorded.position;
  switch (event.type) {
    case 'ResourcePublished':
    case 'ResourceMigrated': {
      const { resourceId, version, metadata, placements, indexNumber, publishedAt } = event.data;
      const previous = await view.get(resourceId);
      const migrated = event.type === 'ResourceMigrated' ? event.data : null;
      const siteId = migrated?.siteId ?? recorded.metadata.siteId ?? placements[0]?.siteId ?? '';
      // The versions an old system published before the migrated one come first, as it had them.
      const earlier = previous?.versions ?? migrated?.history ?? [];
      view.put({
        resourceId,
        indexNumber,
        siteId,
        status: 'published',
        version,
        publishedAt,
        firstPublishedAt: previous?.firstPublishedAt ?? migrated?.firstPublishedAt ?? publishedAt,
        placements: placedByPublication(siteId, placements, previous?.placements),
        versions: [...earlier, { version, publishedAt, title: metadata.title }],
        metadata,
        position,
      });
      return;
    }
    case 'ResourceWithdrawn':
      view.remove(event.data.resourceId, position);
      return;
    case 'PushAccepted': {
      // The same resource, one more place (R-LIB-1); a withdrawn original is no longer in the library to place.
      const { resourceId, siteId, columnId } = event.data;
      const document = await view.get(resourceId);
      if (!document) return;
      const placements = placedByAcceptance(document.placements, siteId, columnId);
      if (placements !== document.placements) view.put({ ...document, placements, position });
      return;
    }
    case 'ResourceArchived': {
      const document = await view.get(event.data.resourceId);
      if (document) view.put({ ...document, status: 'archived', position });
      return;
    }
    case 'SiteContentMigrated': {
      const { siteId, toSiteId, columnIds } = event.data;
      for (const document of await view.placedIn(siteId, columnIds)) {
        const placements = placedAfterSiteMigration(document.placements, siteId, toSiteId, columnIds);
        view.put({ ...document, placements, position });
      }
      return;
    }
    case 'ProvincialResourceReceived':
    case 'ProvincialResourceUpdated': {
      const { resourceId, version, metadata, indexNumber, publishedAt } = event.data;
      const previous = await view.get(resourceId);
      view.put({
        resourceId,
        indexNumber,
        siteId: PROVINCIAL_LIBRARY,
        status: 'published',
        version,
        publishedAt,
        firstPublishedAt: previous?.firstPublishedAt ?? publishedAt,
        // The city's sites that took it in keep their places when the province corrects it.
        placements: previous?.placements ?? [],
        versions: [...(previous?.versions ?? []), { version, publishedAt, title: metadata.title }],
        metadata,
        position,
      });
      return;
    }
    case 'ProvincialResourceWithdrawn':
      view.remove(event.data.resourceId, position);
      return;
    case 'ProvincialResourceArchived': {
      const document = await view.get(event.data.resourceId);
      if (document) view.put({ ...document, status: 'archived', position });
      return;
    }
    default:
      return;
  }
}

export function libraryProjection(index: SearchIndex): Projection {
  return {
    name: 'library',
    version: LIBRARY_PROJECTION_VERSION,
    eventTypes: LIBRARY_EVENT_TYPES,
    activeGeneration: () => index.activeGeneration(),
    promote: (generation) => index.promote(generation),
    async openGeneration(name): Promise<ProjectionTarget> {
      const generation = await index.openGeneration(name);
      return {
        generation: name,
        checkpoint: () => generation.checkpoint(),
        async project(events, checkpoint) {
          const view = new LibraryBatch(generation);
          for (const event of events) await projectLibraryEvent(view, event);
          await generation.apply(view.changes(), checkpoint);
        },
      };
    },
  };
}
