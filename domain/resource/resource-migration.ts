/**
 * A resource that came from an old site (R-LIB-4): what a migration writes on the resource's stream and how it
 * decides what to write. A migrated item is a historical publication, passed by the approval of its migration run
 * rather than by a review of its own, so it enters the library published, with its original dates and provenance;
 * the row hash it was written from is kept with it, which makes the resource streams the id map's row side: a row
 * that comes again unchanged is skipped, a changed one becomes a new version, unless someone edited the resource on
 * the platform since (then it is left alone and reported, never overwritten).
 */
import { z } from 'zod';
import { id, isoDate, isoDateTime } from '../shared/schemas.js';

const rowHash = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest in hexadecimal');

/** The old site's facts about the item, as its export gave them after cleansing. */
export const originalFacts = z.strictObject({
  /** When the old site published it: an ISO date-time with offset, or a date when the export gave no time. */
  publishedAt: z
    .string()
    .refine((value) => isoDateTime.safeParse(value).success || isoDate.safeParse(value).success, {
      message: 'must be an ISO date-time with offset or an ISO date',
    })
    .optional(),
  writtenAt: isoDate.optional(),
  /** The old index number as the export had it: kept when well-formed and free, else recorded here with why. */
  indexNumber: z
    .strictObject({
      value: z.string().min(1).max(200),
      wellFormed: z.boolean(),
      reason: z.string().max(2000).optional(),
    })
    .optional(),
});

export const subjectProposal = z.strictObject({
  field: z.string().min(1).max(100),
  value: z.string().min(1).max(300),
  confidence: z.number().min(0).max(1),
  evidence: z.array(z.string().max(500)).max(100),
  by: z.string().min(1).max(100),
});

/** Published versions the old system had before the one migrated (an export of this platform carries them). */
export const versionSummary = z.strictObject({
  version: z.int().min(1),
  publishedAt: isoDateTime,
  title: z.string().min(1).max(300),
});

/** Where a migrated resource came from and by which run (metadata.md `source`, plus what the run knew). */
export const migrationProvenance = z.strictObject({
  runId: id,
  approvedBy: id,
  system: z.string().min(1).max(200),
  originalId: z.string().min(1).max(500),
  originalUrl: z.string().max(2000).optional(),
  migratedAt: isoDateTime,
  rowHash,
  original: originalFacts,
  /** Kept from the old site, assigned by the library (none, malformed or taken: `reason` says), or the one it had. */
  indexNumber: z.strictObject({
    origin: z.enum(['kept', 'assigned', 'existing']),
    reason: z.string().max(2000).optional(),
  }),
  /** Values a classifier proposed (the subject): marked as proposals, for a person to confirm. */
  proposals: z.array(subjectProposal).max(50),
});
export type MigrationProvenance = z.infer<typeof migrationProvenance>;

/** What a resource's state remembers of its migration: the id map entry of its row. */
export interface MigratedFrom {
  system: string;
  originalId: string;
  rowHash: string;
  /** The run that wrote it last, and the one that created it (or migrated it again after a rollback). */
  runId: string;
  createdByRun: string;
  /** The version the migration wrote last: a later one, or a version under way, is an edit on the platform. */
  version: number;
  /** When it first entered the library as the old site published it: kept by revisions. */
  firstPublishedAt: string;
  /** Set when a rollback of that run withdrew it: a later run may migrate it again. */
  withdrawnByRun?: string;
}

export interface MigrationKey {
  system: string;
  originalId: string;
  rowHash: string;
  runId: string;
}

export type MigrationDecision =
  | { kind: 'create' }
  /** A rollback withdrew it: migrated again into the same resource, a new version. */
  | { kind: 'revive' }
  | { kind: 'revise' }
  | { kind: 'unchanged' }
  /** This very run already wrote it (it is resumed after a stop): nothing to write, counted as it was. */
  | { kind: 'written'; as: 'created' | 'revised' }
  | { kind: 'conflict'; code: 'RESOURCE_EXISTS' | 'EDITED_SINCE_MIGRATION'; reason: string };

/**
 * What of a resource's state the migration decisions read. Declared here, not imported from resource.ts, which
 * imports this module (ResourceState satisfies it).
 */
export interface MigratableState {
  exists: boolean;
  resourceId: string;
  lifecycle: 'active' | 'withdrawn' | 'archived';
  working: unknown | null;
  published: { version: number } | null;
  migration?: MigratedFrom;
}

/** Whether the platform changed the resource since the migration last wrote it. */
export function editedSinceMigration(state: MigratableState): boolean {
  const migrated = state.migration;
  if (!migrated) return true;
  if (state.lifecycle === 'withdrawn') return migrated.withdrawnByRun === undefined;
  if (state.lifecycle === 'archived') return true;
  return state.working !== null || state.published?.version !== migrated.version;
}

export function decideMigration(state: MigratableState, key: MigrationKey): MigrationDecision {
  if (!state.exists) return { kind: 'create' };
  const migrated = state.migration;
  if (!migrated || migrated.system !== key.system || migrated.originalId !== key.originalId)
    return {
      kind: 'conflict',
      code: 'RESOURCE_EXISTS',
      reason: `resource ${state.resourceId} exists and was not migrated from ${key.system} ${key.originalId}`,
    };
  if (migrated.runId === key.runId && migrated.rowHash === key.rowHash && migrated.withdrawnByRun === undefined)
    return { kind: 'written', as: migrated.createdByRun === key.runId ? 'created' : 'revised' };
  if (migrated.withdrawnByRun !== undefined && state.lifecycle === 'withdrawn') return { kind: 'revive' };
  if (migrated.rowHash === key.rowHash) return { kind: 'unchanged' };
  if (editedSinceMigration(state))
    return {
      kind: 'conflict',
      code: 'EDITED_SINCE_MIGRATION',
      reason: `resource ${state.resourceId} was edited, withdrawn or archived on the platform since it was migrated; the changed row is not written over it`,
    };
  return { kind: 'revise' };
}

/**
 * The instant a migrated version counts as published in the library: the old site's publication time (a date alone
 * is midnight in Beijing), else when the run took it in.
 */
export function migratedPublicationTime(original: string | undefined, migratedAt: string): string {
  if (original === undefined) return migratedAt;
  return isoDate.safeParse(original).success ? `${original}T00:00:00+08:00` : original;
}
