/**
 * The digest of an export as a run's report records it (`sourceDigest`): SHA-256 over every row read, in order, by
 * its row hash (or the reader's error), computed from the rows alone, without mapping them. A run checks it before
 * it writes anything, so that what its approver approved (the dry run's report) is what it writes: an export that
 * changed since is refused, never half-migrated.
 */
import { createHash } from 'node:crypto';
import type { CompiledMigration } from './config/load-migration.js';
import { rowHash } from './row-hash.js';

/** One row's line in the digest; the report adds the same line for every outcome. */
export function sourceDigestLine(sequence: number, hash: string): string {
  return `${sequence} ${hash}\n`;
}

export async function sourceDigest(migration: CompiledMigration): Promise<string> {
  const digest = createHash('sha256');
  for await (const row of migration.openReader().rows())
    digest.update(
      sourceDigestLine(row.sequence, row.kind === 'unreadable' ? `unreadable ${row.error}` : rowHash(row.record)),
    );
  return digest.digest('hex');
}
