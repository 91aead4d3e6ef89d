/**
 * The digest of an export as a run's report records it (`sourceDigest`): SHA-256 over every row read, in order, by
 * its row hash (or the reader's error); `sourceDigest` computes it from the rows alone, without mapping them (the
 * CLI's check for a run that already migrated exactly this export). The same lines, cut into the run's batches,
 * give each batch's digest: a run checks every batch against the one its approver approved before it writes it, so
 * a row changed since the dry run is never written.
 */
import { createHash } from 'node:crypto';
import type { CompiledMigration } from './config/load-migration.js';
import { rowHash } from './row-hash.js';
import type { RowOutcome } from './row-outcome.js';

/** One row's line in the digest; the report adds the same line for every outcome. */
export function sourceDigestLine(sequence: number, hash: string): string {
  return `${sequence} ${hash}\n`;
}

/** What an outcome adds to the digests: its row's hash, or the reader's error. */
export function outcomeHash(outcome: RowOutcome): string {
  if (outcome.kind === 'unreadable') return `unreadable ${outcome.error}`;
  return outcome.kind === 'item' ? outcome.item.rowHash : outcome.rowHash;
}

/** The digest of a batch of outcomes (rows in order). */
export function batchDigest(outcomes: readonly RowOutcome[]): string {
  const digest = createHash('sha256');
  for (const outcome of outcomes) digest.update(sourceDigestLine(outcome.sequence, outcomeHash(outcome)));
  return digest.digest('hex');
}

/** The batch (1-based) a row falls into when rows are cut into batches of `size`. */
export function batchOf(sequence: number, size: number): number {
  return Math.ceil(sequence / size);
}

export async function sourceDigest(migration: CompiledMigration): Promise<string> {
  const digest = createHash('sha256');
  for await (const row of migration.openReader().rows())
    digest.update(
      sourceDigestLine(row.sequence, row.kind === 'unreadable' ? `unreadable ${row.error}` : rowHash(row.record)),
    );
  return digest.digest('hex');
}
