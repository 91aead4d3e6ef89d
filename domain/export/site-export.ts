/**
 * A batch export of a unit's own site data (R-LIB-5), stream `export-<exportId>`: a site administrator requests it,
 * and the request fixes the log position it covers, so the export is the site as it stood then, whenever and however
 * often its file is produced. The platform records the file's manifest (counts and SHA-256 digests) once it is
 * written, and every download, by whom and in which role: the unit's data leaves the platform only to the unit's own
 * staff and to auditors, and the log says each time it did (R-SEC-1).
 */
import { z } from 'zod';
import { type Actor, requireSiteRole, SITE_ROLES, type SiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDateTime } from '../shared/schemas.js';
import type { SiteContext } from '../site/site.js';

export const siteExportStream = (exportId: string) => `export-${exportId}`;

export const SITE_EXPORT_FORMAT = 'luan-site-export/1';
export const EXPORT_FILE_NAMES = ['resources.jsonl', 'manifest.json'] as const;

const count = z.int().min(0);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in hexadecimal');

export const siteExportManifestSchema = z.strictObject({
  format: z.literal(SITE_EXPORT_FORMAT),
  exportId: id,
  siteId: id,
  requestedBy: id,
  requestedAt: isoDateTime,
  /** The last log position the export covers. */
  throughPosition: z.int().min(0),
  files: z
    .array(z.strictObject({ name: z.string().min(1).max(100), lines: count, bytes: count, sha256 }))
    .min(1)
    .max(10),
  counts: z.strictObject({
    resources: count,
    /** By what the library showed: published, archived, withdrawn, never published. */
    published: count,
    archived: count,
    withdrawn: count,
    unpublished: count,
    versions: count,
    placements: count,
    reviewActions: count,
  }),
});
export type SiteExportManifest = z.infer<typeof siteExportManifestSchema>;

export const siteExportCommandSchemas = {
  RequestSiteExport: z.strictObject({ exportId: id, siteId: id }),
  CompleteSiteExport: z.strictObject({ exportId: id, manifest: siteExportManifestSchema }),
  RecordSiteExportDownload: z.strictObject({ exportId: id, file: z.enum(EXPORT_FILE_NAMES) }),
};

export const siteExportEventSchemas = {
  SiteExportRequested: z.strictObject({
    exportId: id,
    siteId: id,
    by: id,
    at: isoDateTime,
    throughPosition: z.int().min(0),
  }),
  SiteExportCompleted: z.strictObject({ exportId: id, at: isoDateTime, manifest: siteExportManifestSchema }),
  SiteExportDownloaded: z.strictObject({
    exportId: id,
    file: z.enum(EXPORT_FILE_NAMES),
    by: id,
    role: z.string(),
    at: isoDateTime,
  }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type SiteExportEvent = Schemas<typeof siteExportEventSchemas>;

export interface SiteExportContext {
  occurredAt: string;
  site?: SiteContext;
  /** The log's head when the export is requested: what it covers. */
  headPosition?: number | null;
}
export type SiteExportCommand = Schemas<typeof siteExportCommandSchemas> & {
  actor: Actor;
  context: SiteExportContext;
};

export interface SiteExportState {
  exists: boolean;
  exportId: string;
  siteId: string;
  requestedBy: string;
  requestedAt: string;
  throughPosition: number;
  status: 'requested' | 'completed';
  manifest: SiteExportManifest | null;
  completedAt: string | null;
  downloads: number;
}

/** The unit's data goes to the unit: a person with a role on the site. */
const UNIT_ROLES: readonly SiteRole[] = SITE_ROLES;

/**
 * R-LIB-5: the unit's own staff (any role on the site) and auditors may read an export; no one else, not even a
 * platform administrator, since the export holds the unit's drafts. Returns the role the reader acts in.
 */
export function requireExportReader(actor: Actor, siteId: string): string {
  if (!actor.deactivated && actor.platformRoles.has('auditor')) return 'auditor';
  try {
    return requireSiteRole(actor, siteId, UNIT_ROLES);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== 'FORBIDDEN') throw error;
    throw new DomainError(
      'FORBIDDEN',
      'FORBIDDEN',
      `站点 ${siteId} 的导出数据只提供给本单位人员和审计员`,
      `the export of site ${siteId} is for that unit's staff and auditors only`,
      [],
      'R-LIB-5',
    );
  }
}

export const siteExportDecider: Decider<SiteExportState, SiteExportCommand, SiteExportEvent> = {
  initialState: () => ({
    exists: false,
    exportId: '',
    siteId: '',
    requestedBy: '',
    requestedAt: '',
    throughPosition: 0,
    status: 'requested',
    manifest: null,
    completedAt: null,
    downloads: 0,
  }),
  decide(command, state) {
    const { actor, context } = command;
    const { exportId } = command.data;
    const at = context.occurredAt;
    switch (command.type) {
      case 'RequestSiteExport': {
        const { siteId } = command.data;
        const role = requireSiteRole(actor, siteId, ['site_admin']);
        if (state.exists)
          throw new DomainError(
            'CONFLICT',
            'ALREADY_EXISTS',
            `导出 ${exportId} 已存在`,
            `export ${exportId} already exists`,
          );
        if (!context.site || context.site.status === null)
          throw new DomainError('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
        return decided(role, {
          type: 'SiteExportRequested',
          data: { exportId, siteId, by: actor.personId, at, throughPosition: context.headPosition ?? 0 },
        });
      }
      case 'CompleteSiteExport': {
        if (!actor.system)
          throw new DomainError(
            'FORBIDDEN',
            'FORBIDDEN',
            '导出文件由平台生成',
            'the platform writes an export and records its manifest',
          );
        if (!state.exists) throw notFound(exportId);
        const { manifest } = command.data;
        if (manifest.exportId !== exportId || manifest.throughPosition !== state.throughPosition)
          throw new DomainError(
            'BAD_USER_INPUT',
            'BAD_USER_INPUT',
            '清单与导出请求不符',
            `the manifest is not that of export ${exportId} through position ${state.throughPosition}`,
          );
        // Produced again (its file was lost): the same content, already on record.
        if (state.status === 'completed') return decided('system');
        return decided('system', { type: 'SiteExportCompleted', data: { exportId, at, manifest } });
      }
      case 'RecordSiteExportDownload': {
        if (!state.exists) throw notFound(exportId);
        const role = requireExportReader(actor, state.siteId);
        return decided(role, {
          type: 'SiteExportDownloaded',
          data: { exportId, file: command.data.file, by: actor.personId, role, at },
        });
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'SiteExportRequested': {
        const { exportId, siteId, by, at, throughPosition } = event.data;
        return {
          ...state,
          exists: true,
          exportId,
          siteId,
          requestedBy: by,
          requestedAt: at,
          throughPosition,
          status: 'requested',
        };
      }
      case 'SiteExportCompleted':
        return { ...state, status: 'completed', manifest: event.data.manifest, completedAt: event.data.at };
      case 'SiteExportDownloaded':
        return { ...state, downloads: state.downloads + 1 };
    }
  },
};

function notFound(exportId: string): DomainError {
  return new DomainError('NOT_FOUND', 'NOT_FOUND', `导出 ${exportId} 不存在`, `export ${exportId} does not exist`);
}

export const siteExportAggregate: Aggregate<SiteExportState, SiteExportCommand, SiteExportEvent> = {
  decider: siteExportDecider,
  eventSchemas: siteExportEventSchemas,
};
