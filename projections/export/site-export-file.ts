/**
 * The file of a site export (R-LIB-5): every resource the site owns, one JSON object a line, with every version it
 * published (each with its metadata), what is under review, where it is placed, its review history and, for a
 * migrated resource, where it came from; read from the log up to the position the request fixed, so the file is the
 * same whenever it is produced. It is written as it is read, one resource at a time (never built in memory), and
 * hashed as it is written; the manifest gives the counts and the SHA-256 of each file.
 *
 * The format is one the migration reads (`ingest/migration/examples/site-export.yaml`): each line carries what the
 * library showed (`library`, `metadata`, `indexNumber`, the dates, the earlier versions' summaries), so that
 * exporting a site and migrating the export into an empty platform gives the same library documents.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import { SITE_EXPORT_FORMAT, type SiteExportManifest } from '../../domain/export/site-export.js';
import type { ResourceMetadataInput } from '../../domain/metadata/index.js';
import {
  type ResourceEvent,
  type ResourceState,
  resourceDecider,
  resourceEventSchemas,
  resourceStatus,
} from '../../domain/resource/resource.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import type { Placement, PublishedVersionSummary } from '../library/library-document.js';
import { placedAfterSiteMigration, placedByAcceptance, placedByPublication } from '../library/placements.js';
import { type ReviewAction, reviewAction } from '../workflow/workflow-read-model.js';

export const EXPORT_RESOURCES_FILE = 'resources.jsonl';
export const EXPORT_MANIFEST_FILE = 'manifest.json';

export interface SiteExportRequest {
  exportId: string;
  siteId: string;
  requestedBy: string;
  requestedAt: string;
  throughPosition: Position;
}

/** One line of `resources.jsonl`. */
export interface ExportedResource {
  resourceId: string;
  siteId: string;
  /** Where it stands in the review (R-REVIEW-1): draft … published, withdrawn, archived. */
  status: ReturnType<typeof resourceStatus>;
  /** What the library showed: its document's status, or `withdrawn` / `unpublished` when it had none. */
  library: 'published' | 'archived' | 'withdrawn' | 'unpublished';
  indexNumber: string | null;
  /** The library document's: its current version, when it was published, when it first was. */
  version: number | null;
  publishedAt: string | null;
  firstPublishedAt: string | null;
  /** The current published version's uniform metadata. */
  metadata: ResourceMetadataInput | null;
  placements: Placement[];
  /** Summaries of the versions published before the current one, oldest first (those of an old system too). */
  earlierVersions: PublishedVersionSummary[];
  /** Every version published on the platform, with its metadata. */
  versions: Array<{ version: number; publishedAt: string; metadata: ResourceMetadataInput; placements: Placement[] }>;
  /** A draft, or a correction under review. */
  working: { version: number; stage: string; metadata: ResourceMetadataInput } | null;
  contributor: { siteId: string; columnId: string } | null;
  /** Where a migrated resource came from. */
  migratedFrom: { system: string; originalId: string; originalUrl: string | null; runId: string } | null;
  reviewHistory: ReviewAction[];
}

const PAGE = 1_000;

/** Events of `$all` up to `through`, page by page, as a store's filtered reads give them. */
async function* eventsThrough(
  store: EventStore,
  through: Position,
  filter: { streamPrefixes?: string[]; eventTypes?: string[] },
): AsyncGenerator<RecordedEvent> {
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: PAGE, filter });
    for (const event of page) {
      if (event.position > through) return;
      yield event;
    }
    if (page.length < PAGE) return;
    after = page.at(-1)!.position;
  }
}

type PlacementChange =
  | { position: Position; kind: 'accepted'; siteId: string; columnId: string }
  | { position: Position; kind: 'moved'; siteId: string; toSiteId: string; columnIds: string[] };

/** Folds one resource's events (and the placement changes other streams made) as the library and workflow do. */
function exportedResource(resourceId: string, events: RecordedEvent[], changes: PlacementChange[]): ExportedResource {
  let state: ResourceState = resourceDecider.initialState();
  let placements: Placement[] = [];
  let inLibrary = false;
  let summaries: PublishedVersionSummary[] = [];
  let firstPublishedAt: string | null = null;
  let migratedFrom: ExportedResource['migratedFrom'] = null;
  const versions: ExportedResource['versions'] = [];
  const reviewHistory: ReviewAction[] = [];
  const merged = [
    ...events.map((event) => ({ position: event.position, event })),
    ...changes.map((change) => ({ position: change.position, change })),
  ].sort((a, b) => a.position - b.position);
  for (const entry of merged) {
    if ('change' in entry) {
      const change = entry.change;
      if (!inLibrary) continue;
      placements =
        change.kind === 'accepted'
          ? placedByAcceptance(placements, change.siteId, change.columnId)
          : placedAfterSiteMigration(placements, change.siteId, change.toSiteId, change.columnIds);
      continue;
    }
    const recorded = entry.event;
    const event = toDomainEvent<ResourceEvent>(recorded, resourceEventSchemas);
    state = resourceDecider.evolve(state, event);
    reviewHistory.push(reviewAction(recorded));
    if (event.type === 'ResourcePublished' || event.type === 'ResourceMigrated') {
      const { version, publishedAt, metadata } = event.data;
      const migrated = event.type === 'ResourceMigrated' ? event.data : null;
      if (!inLibrary) summaries = migrated?.history ?? [];
      if (firstPublishedAt === null || !inLibrary) firstPublishedAt = migrated?.firstPublishedAt ?? publishedAt;
      const siteId = migrated?.siteId ?? recorded.metadata.siteId ?? event.data.placements[0]?.siteId ?? '';
      placements = placedByPublication(siteId, event.data.placements, inLibrary ? placements : []);
      summaries = [...summaries, { version, publishedAt, title: metadata.title }];
      versions.push({ version, publishedAt, metadata, placements: event.data.placements });
      inLibrary = true;
      if (migrated)
        migratedFrom = {
          system: migrated.migration.system,
          originalId: migrated.migration.originalId,
          originalUrl: migrated.migration.originalUrl ?? null,
          runId: migrated.migration.runId,
        };
    } else if (event.type === 'ResourceWithdrawn') {
      inLibrary = false;
      placements = [];
    }
  }
  const published = state.published;
  const library: ExportedResource['library'] =
    state.lifecycle === 'withdrawn'
      ? 'withdrawn'
      : !published
        ? 'unpublished'
        : state.lifecycle === 'archived'
          ? 'archived'
          : 'published';
  const current = inLibrary ? summaries.at(-1) : undefined;
  return {
    resourceId,
    siteId: state.siteId,
    status: resourceStatus(state),
    library,
    indexNumber: state.indexNumber,
    version: current?.version ?? null,
    publishedAt: current?.publishedAt ?? null,
    firstPublishedAt: inLibrary ? firstPublishedAt : null,
    metadata: inLibrary && published ? published.metadata : null,
    placements,
    earlierVersions: inLibrary ? summaries.slice(0, -1) : [],
    versions,
    working: state.working
      ? { version: state.working.version, stage: state.working.stage, metadata: state.working.metadata }
      : null,
    contributor: state.contributor ?? null,
    migratedFrom,
    reviewHistory,
  };
}

/** Writes the export of `request` into `directory/<exportId>/` and returns its manifest. */
export async function writeSiteExport(
  store: EventStore,
  request: SiteExportRequest,
  directory: string,
): Promise<SiteExportManifest> {
  const { siteId, throughPosition } = request;
  const owned = new Set<string>();
  for await (const event of eventsThrough(store, throughPosition, {
    streamPrefixes: ['resource-'],
    eventTypes: ['ResourceDrafted', 'ResourceMigrated'],
  })) {
    const data = event.data as { resourceId: string; siteId: string };
    if (data.siteId === siteId) owned.add(data.resourceId);
  }
  const changes = new Map<string, PlacementChange[]>();
  const moves: PlacementChange[] = [];
  for await (const event of eventsThrough(store, throughPosition, {
    eventTypes: ['PushAccepted', 'SiteContentMigrated'],
  })) {
    if (event.type === 'PushAccepted') {
      const data = event.data as { resourceId: string; siteId: string; columnId: string };
      if (!owned.has(data.resourceId)) continue;
      const list = changes.get(data.resourceId) ?? [];
      list.push({ position: event.position, kind: 'accepted', siteId: data.siteId, columnId: data.columnId });
      changes.set(data.resourceId, list);
    } else {
      const data = event.data as { siteId: string; toSiteId: string; columnIds: string[] };
      moves.push({ position: event.position, kind: 'moved', ...data });
    }
  }

  const folder = join(directory, request.exportId);
  await mkdir(folder, { recursive: true });
  const path = join(folder, EXPORT_RESOURCES_FILE);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  const digest = createHash('sha256');
  const counts: SiteExportManifest['counts'] = {
    resources: 0,
    published: 0,
    archived: 0,
    withdrawn: 0,
    unpublished: 0,
    versions: 0,
    placements: 0,
    reviewActions: 0,
  };
  let bytes = 0;
  try {
    for (const resourceId of owned) {
      const events = (await store.readStream(`resource-${resourceId}`)).filter((e) => e.position <= throughPosition);
      const line = exportedResource(resourceId, events, [...(changes.get(resourceId) ?? []), ...moves]);
      counts.resources++;
      counts[line.library]++;
      counts.versions += line.versions.length;
      counts.placements += line.placements.length;
      counts.reviewActions += line.reviewHistory.length;
      const text = `${JSON.stringify(line)}\n`;
      const buffer = Buffer.from(text, 'utf8');
      digest.update(buffer);
      bytes += buffer.length;
      if (!out.write(buffer)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    throw error;
  }
  await rename(partial, path);
  const manifest: SiteExportManifest = {
    format: SITE_EXPORT_FORMAT,
    exportId: request.exportId,
    siteId,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    throughPosition,
    files: [{ name: EXPORT_RESOURCES_FILE, lines: counts.resources, bytes, sha256: digest.digest('hex') }],
    counts,
  };
  await writeFile(join(folder, EXPORT_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
