/**
 * Produces the files of site exports (R-LIB-5) and records their manifests: a request starts the production at
 * once; a download of an export whose files are not there yet (still being written, or lost with a disk) waits for
 * them or writes them again, from the log up to the position the request fixed, so they are the same files. One
 * production per export at a time.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore } from '../../domain/event-store/port.js';
import {
  type SiteExportManifest,
  type SiteExportState,
  siteExportAggregate,
  siteExportStream,
} from '../../domain/export/site-export.js';
import type { Platform } from '../../domain/platform.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { EXPORT_RESOURCES_FILE, writeSiteExport } from '../../projections/export/site-export-file.js';

export class SiteExportService {
  private readonly producing = new Map<string, Promise<SiteExportManifest>>();

  constructor(
    private readonly platform: Platform,
    private readonly store: EventStore,
    /** Where export files are kept: `<directory>/<exportId>/resources.jsonl` and `manifest.json`. */
    readonly directory: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async state(exportId: string): Promise<SiteExportState> {
    return (await this.platform.reader.read(siteExportAggregate, siteExportStream(exportId))).state;
  }

  resourcesFile(exportId: string): string {
    return join(this.directory, exportId, EXPORT_RESOURCES_FILE);
  }

  /** Where a production that failed in the background is told (the server's log, once it has one). */
  onError: (error: unknown, exportId: string) => void = () => {};

  /** Starts producing the export's files in the background; a failure is logged, and the next `ensure` retries. */
  start(exportId: string): void {
    this.ensure(exportId).catch((error: unknown) => this.onError(error, exportId));
  }

  /** The export's manifest, once its files are on disk and the manifest is recorded. */
  ensure(exportId: string): Promise<SiteExportManifest> {
    const running = this.producing.get(exportId);
    if (running) return running;
    const production = this.produce(exportId).finally(() => this.producing.delete(exportId));
    this.producing.set(exportId, production);
    return production;
  }

  private async produce(exportId: string): Promise<SiteExportManifest> {
    const state = await this.state(exportId);
    if (!state.exists)
      throw new DomainError('NOT_FOUND', 'NOT_FOUND', `导出 ${exportId} 不存在`, `export ${exportId} does not exist`);
    const recorded = state.manifest;
    if (recorded) {
      const present = await stat(this.resourcesFile(exportId)).catch(() => null);
      if (present?.size === recorded.files[0]!.bytes) return recorded;
    }
    const manifest = await writeSiteExport(
      this.store,
      {
        exportId,
        siteId: state.siteId,
        requestedBy: state.requestedBy,
        requestedAt: state.requestedAt,
        throughPosition: state.throughPosition,
      },
      this.directory,
    );
    if (recorded && recorded.files[0]!.sha256 !== manifest.files[0]!.sha256)
      throw new Error(`export ${exportId} was written again and differs from its recorded manifest`);
    await this.platform.execute(
      'CompleteSiteExport',
      { exportId, manifest },
      { actorId: 'system', system: true, occurredAt: this.clock().toISOString(), correlationId: exportId },
    );
    return manifest;
  }

  /** Waits for the productions under way (the server is closing). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.producing.values()]);
  }
}
