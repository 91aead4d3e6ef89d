/**
 * What a source row holds and what process steps pass along: the JSON-like values that CSV cells, JSON items,
 * HTML selections and regular-expression groups all reduce to. Kept this loose on purpose: a migration's
 * configuration, not the type system, says which shape each field has, and a step that meets the wrong shape says so.
 */
export type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

export type SourceRecord = { [key: string]: Value };

/**
 * Absent, empty or blank: what old exports write for "no value". A step never sees these (except the steps that
 * exist to fill them), so that `''` in a CSV cell and a missing key in a JSON item are reported alike, as missing.
 */
export function isMissing(value: Value): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

export function isRecord(value: Value): value is { [key: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A field of a row by its dotted path (`org.name`, `meta.索引号`). A key that itself contains dots is found too,
 * since CSV headers may carry them: the longest key that matches wins.
 */
export function valueAt(record: Value, path: string): Value {
  if (path === '') return record;
  if (!isRecord(record)) return undefined;
  if (path in record) return record[path];
  let dot = path.lastIndexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (head in record) return valueAt(record[head], path.slice(dot + 1));
    dot = path.lastIndexOf('.', dot - 1);
  }
  return undefined;
}

/** A value as a person reads it in a report: strings as they are, the rest as JSON, long ones cut. */
export function describeValue(value: Value, max = 120): string {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  const characters = [...text];
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : text;
}

export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  // Texts (a body of a regulation is 14,000 characters) compare as they are; only lists and records need the JSON.
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

export function typeName(value: Value): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a record';
  return `a ${typeof value}`;
}
