/**
 * The row hash of the id map (Drupal's `hash` column): SHA-256 of the source row in a canonical JSON form (keys
 * sorted at every level, no white space), so that a re-run recognises an unchanged row whatever order the export
 * wrote its fields in, and any change to any field shows. Rows hold only strings, finite numbers, booleans, null,
 * lists and records, for which sorted-key JSON.stringify writes what RFC 8785 would.
 */
import { createHash } from 'node:crypto';
import type { Value } from './values.js';

export function canonicalJson(value: Value): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function rowHash(record: Value): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

/** A resource id from the original id: the same row gets the same id in every run, on every machine. */
export function derivedResourceId(prefix: string, originalId: string): string {
  return `${prefix}${createHash('sha256').update(originalId).digest('hex').slice(0, 16)}`;
}
