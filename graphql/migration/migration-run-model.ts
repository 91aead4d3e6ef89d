/** A migration run as clients see it: the report's counts, what the batches wrote, the rollback (R-LIB-4). */
import { type MigrationRunState, noOutcomes, recordedOutcomes } from '../../domain/migration/migration-run.js';

/** Row messages listed at most, newest batches' last: the report files have every row. */
const MAX_MESSAGES = 500;

export function migrationRunModel(state: MigrationRunState) {
  const report = state.report;
  return {
    runId: state.runId,
    siteId: state.siteId,
    migration: state.migration,
    system: state.system,
    status: state.status,
    startedBy: state.startedBy,
    startedAt: state.startedAt,
    approvedBy: state.approval?.by ?? null,
    approvedAt: state.approval?.at ?? null,
    approvalComment: state.approval?.comment ?? null,
    rejectedBy: state.rejection?.by ?? null,
    rejectionReason: state.rejection?.reason ?? null,
    configurationDigest: state.configurationDigest,
    sourceDigest: state.sourceDigest,
    migratedAt: state.migratedAt,
    after: state.after ?? null,
    highWaterMark: state.completion?.highWaterMark ?? null,
    report: {
      rows: report?.rows ?? {
        read: 0,
        items: 0,
        ready: 0,
        held: 0,
        skipped: 0,
        duplicates: 0,
        conflicts: 0,
        unreadable: 0,
      },
      fields: report?.fields ?? {},
      skippedByReason: report?.skippedByReason ?? {},
      oldIndexNumbers: report?.oldIndexNumbers ?? { wellFormed: 0, malformed: 0, none: 0 },
      proposals: report?.proposals ?? 0,
      flags: report?.flags ?? 0,
      notices: report?.notices ?? [],
      highWaterMark: report?.highWaterMark ?? null,
    },
    outcome: state.completion?.counts ?? (state.batches.length > 0 ? recordedOutcomes(state) : noOutcomes()),
    batches: state.batches.filter((b) => b.counts !== undefined).length,
    messages: state.batches
      .flatMap((b) => b.messages ?? [])
      .slice(0, MAX_MESSAGES)
      .map((m) => ({ ...m, originalId: m.originalId ?? null })),
    completedAt: state.completion?.at ?? null,
    rollback: state.rollback
      ? {
          requestedBy: state.rollback.by,
          requestedAt: state.rollback.at,
          reason: state.rollback.reason,
          done: state.rollback.done !== undefined,
          withdrawn: state.rollback.done?.withdrawn ?? null,
          kept: state.rollback.done?.kept ?? [],
        }
      : null,
  };
}
