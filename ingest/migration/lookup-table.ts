/**
 * A lookup table of a migration (publisher abbreviation → full name and organisation code, old subject class →
 * taxonomy path, old column → new column): data a platform team edits beside the configuration, never code. Keys are
 * matched after trimming; an entry is a string or a record of strings (`{name, code}`), chosen with `column`.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Value } from './values.js';

export type LookupMatch = 'exact' | 'prefix' | 'suffix' | 'contains';

const entrySchema = z.union([z.string(), z.record(z.string(), z.string().nullable())]);
const entriesSchema = z.record(z.string(), entrySchema);

export class LookupTable {
  readonly #entries: ReadonlyMap<string, Value>;
  /** Longest keys first, so that an affix match prefers 实施细则 to 细则. */
  readonly #byLength: readonly string[];

  constructor(
    readonly name: string,
    entries: Record<string, Value>,
  ) {
    this.#entries = new Map(Object.entries(entries).map(([key, value]) => [key.trim(), value]));
    this.#byLength = [...this.#entries.keys()].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The matching key and its entry, or undefined. */
  find(text: string, match: LookupMatch): { key: string; entry: Value } | undefined {
    const value = text.trim();
    if (match === 'exact') {
      return this.#entries.has(value) ? { key: value, entry: this.#entries.get(value) } : undefined;
    }
    const test =
      match === 'prefix'
        ? (key: string) => value.startsWith(key)
        : match === 'suffix'
          ? (key: string) => value.endsWith(key)
          : (key: string) => value.includes(key);
    const key = this.#byLength.find((k) => k !== '' && test(k));
    return key === undefined ? undefined : { key, entry: this.#entries.get(key) };
  }

  /** The record columns the entries have, to refuse a `column:` that no entry carries. */
  columns(): Set<string> {
    const columns = new Set<string>();
    for (const entry of this.#entries.values()) {
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        for (const key of Object.keys(entry)) columns.add(key);
      }
    }
    return columns;
  }
}

export const tableSourceSchema = z.union([
  z.strictObject({
    /** YAML or JSON mapping key → entry, or CSV with a header row (then `key` names the key column). */
    file: z.string().min(1),
    key: z.string().min(1).optional(),
    encoding: z.string().min(1).optional(),
  }),
  z.strictObject({ entries: entriesSchema }),
]);
export type TableSource = z.infer<typeof tableSourceSchema>;

/** Reads a table's file; throws an Error whose message says what is wrong with the file, for the config error. */
export function loadTableFile(name: string, path: string, key: string | undefined, encoding = 'utf-8'): LookupTable {
  const text = new TextDecoder(encoding).decode(readFileSync(path));
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') {
    const rows = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Record<
      string,
      string
    >[];
    const keyColumn = key ?? Object.keys(rows[0] ?? {})[0];
    if (keyColumn === undefined) throw new Error('the CSV table has no header row');
    const entries: Record<string, Value> = {};
    for (const row of rows) {
      const { [keyColumn]: rowKey, ...rest } = row;
      if (rowKey === undefined) throw new Error(`the CSV table has no column "${keyColumn}"`);
      entries[rowKey] = rest;
    }
    return new LookupTable(name, entries);
  }
  if (key !== undefined) throw new Error('`key` applies to CSV tables only');
  const data: unknown = extension === '.json' ? JSON.parse(text) : parseYaml(text);
  const parsed = entriesSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `the table is not a mapping of keys to strings or records of strings (${first?.path.join('.') || 'top'}: ${first?.message})`,
    );
  }
  return new LookupTable(name, parsed.data as Record<string, Value>);
}
