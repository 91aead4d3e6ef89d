/**
 * The audit trail as CSV for auditors' spreadsheets (RFC 4180, UTF-8 with a byte order mark so that Excel reads the
 * Chinese right), streamed: a page of 500 rows is read, written, and the next one read only once the destination has
 * drained, so an export of the whole platform's history never sits in memory, and no read transaction is held open
 * across the waits (the projection keeps writing meanwhile).
 *
 * A cell that a spreadsheet would take for a formula (=, +, -, @, tab, CR first) gets a leading apostrophe: reasons are
 * typed by people.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AuditEntry } from './audit-entry.js';
import type { AuditTrailQuery, AuditTrailReadModel } from './audit-trail-read-model.js';

const COLUMNS: [string, keyof AuditEntry][] = [
  ['occurred_at', 'occurredAt'],
  ['kind', 'kind'],
  ['event_type', 'eventType'],
  ['actor_id', 'actorId'],
  ['actor_role', 'actorRole'],
  ['api_key_id', 'apiKeyId'],
  ['site_id', 'siteId'],
  ['resource_id', 'resourceId'],
  ['subject', 'subject'],
  ['reason', 'reason'],
  ['correlation_id', 'correlationId'],
  ['causation_id', 'causationId'],
  ['event_id', 'eventId'],
  ['stream', 'stream'],
  ['position', 'position'],
  ['leaf_index', 'leafIndex'],
  ['recorded_at', 'recordedAt'],
  ['details', 'details'],
];

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvExportOptions {
  /** End the destination when done (default true). */
  end?: boolean;
}

/** Writes every entry the query selects (oldest first unless it says otherwise); resolves with how many. */
export async function writeAuditTrailCsv(
  trail: AuditTrailReadModel,
  query: Omit<AuditTrailQuery, 'first' | 'after'>,
  output: Writable,
  options: CsvExportOptions = {},
): Promise<number> {
  const write = async (chunk: string) => {
    if (!output.write(chunk)) await once(output, 'drain');
  };
  await write(`\uFEFF${COLUMNS.map(([name]) => name).join(',')}\r\n`);
  let written = 0;
  let after: string | undefined;
  do {
    const page = trail.query({ order: 'oldest', ...query, first: 500, ...(after ? { after } : {}) });
    await write(page.entries.map((e) => `${COLUMNS.map(([, key]) => cell(e[key])).join(',')}\r\n`).join(''));
    written += page.entries.length;
    after = page.endCursor ?? undefined;
  } while (after);
  if (options.end ?? true) {
    output.end();
    await once(output, 'finish');
  }
  return written;
}
