/** A migration item as the platform's `MigrateItem` command takes it (R-LIB-4). */
import type { CommandInput } from '../../../domain/command-registry.js';
import type { MigrationItem } from '../migration-item.js';

export function migrateItemInput(item: MigrationItem): CommandInput<'MigrateItem'> {
  const { provenance, original } = item;
  const old = original.indexNumber;
  return {
    resourceId: item.resourceId,
    siteId: item.siteId,
    columnId: item.columnId!,
    metadata: item.metadata,
    provenance: {
      runId: provenance.runId,
      system: provenance.system,
      originalId: provenance.originalId,
      ...(provenance.originalUrl === undefined ? {} : { originalUrl: provenance.originalUrl }),
      migratedAt: provenance.migratedAt,
      rowHash: item.rowHash,
      original: {
        ...(original.publishedAt === undefined ? {} : { publishedAt: original.publishedAt }),
        ...(original.writtenAt === undefined ? {} : { writtenAt: original.writtenAt }),
        ...(old === undefined
          ? {}
          : {
              indexNumber: {
                value: old.value,
                wellFormed: old.wellFormed,
                ...(old.wellFormed ? (old.note ? { reason: old.note } : {}) : { reason: old.reason }),
              },
            }),
      },
      proposals: item.proposals.map(({ field, value, confidence, evidence, by }) => ({
        field,
        value,
        confidence,
        evidence,
        by,
      })),
    },
    ...(original.versions === undefined ? {} : { history: original.versions }),
  };
}
