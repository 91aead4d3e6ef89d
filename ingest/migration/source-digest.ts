/**
 * The digest of an export as a run's report records it (`sourceDigest`): SHA-256 over every row read, in order, by
 * its row hash (or the reader's error); `sourceDigest` computes it from the rows alone, without mapping them (the
 * CLI's check for a run that already migrated exactly this export). The same lines, cut into the run's batches,
 * give each batch's digest: a run checks every batch against the one its approver approved before it writes it, so
 * a row changed since the dry run is never written. The fingerprint of the export's bytes spares that second
 * reading of the rows while the bytes are still those the dry run read.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
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

/** A row as the digests see it: its place in the export and its hash (see outcomeHash). */
export interface HashedRow {
  sequence: number;
  hash: string;
}

/** The digest of a batch of rows, in order, as the run's start recorded it. */
export function batchDigest(rows: readonly HashedRow[]): string {
  const digest = createHash('sha256');
  for (const row of rows) digest.update(sourceDigestLine(row.sequence, row.hash));
  return digest.digest('hex');
}

/** The batch (1-based) a row falls into when rows are cut into batches of `size`. */
export function batchOf(sequence: number, size: number): number {
  return Math.ceil(sequence / size);
}

/** Every row's hash (or the reader's error), in order, from the rows alone: what a plan's rows are checked against. */
export async function* sourceRowHashes(migration: Pick<CompiledMigration, 'openReader'>): AsyncGenerator<HashedRow> {
  for await (const row of migration.openReader().rows())
    yield { sequence: row.sequence, hash: row.kind === 'unreadable' ? `unreadable ${row.error}` : rowHash(row.record) };
}

export async function sourceDigest(migration: Pick<CompiledMigration, 'openReader'>): Promise<string> {
  const digest = createHash('sha256');
  for await (const { sequence, hash } of sourceRowHashes(migration)) digest.update(sourceDigestLine(sequence, hash));
  return digest.digest('hex');
}

/**
 * SHA-256 of the export's bytes: each file the reader reads, by name and the digest of its content, in reading
 * order. Far cheaper than reading the rows; the same bytes make the same rows, so while the fingerprint is the one
 * the dry run saw, so is every row (different bytes may still make the same rows: then the rows are compared).
 * Undefined when a file cannot be read.
 */
export async function sourceFingerprint(migration: Pick<CompiledMigration, 'openReader'>): Promise<string | undefined> {
  const fingerprint = createHash('sha256');
  try {
    for (const file of await migration.openReader().files()) {
      const content = createHash('sha256');
      for await (const chunk of createReadStream(file)) content.update(chunk as Buffer);
      fingerprint.update(`${basename(file)}\0${content.digest('hex')}\n`);
    }
  } catch {
    return undefined;
  }
  return fingerprint.digest('hex');
}
