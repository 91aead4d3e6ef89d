/**
 * A source reader (Drupal's source plugin): yields an old site's export row by row, as plain records the process
 * steps address by field name, without loading the export whole where its format allows. Rows come in the export's
 * own order, numbered from 1, each with where a person finds it; a row that cannot be read is yielded as such, so
 * the report lists it instead of the run stopping at it.
 */
import type { SourceRecord } from '../values.js';

export interface SourceRow {
  kind: 'row';
  sequence: number;
  location: string;
  record: SourceRecord;
  /** What reading it noticed (bytes the encoding could not decode…), for the row's messages. */
  messages: string[];
  /** Facts about how it was read that are not part of the row (the charset a page declared). */
  info: Record<string, string>;
}

export interface UnreadableRow {
  kind: 'unreadable';
  sequence: number;
  location: string;
  error: string;
}

export interface ReaderProgress {
  done: number;
  total?: number;
  unit: 'bytes' | 'rows' | 'files';
}

export interface Preflight {
  /** Field names every row has, when the source declares them (a CSV header, the selectors of a page). */
  fields?: string[];
  /** What a person should know about the export as a whole (a declared total that does not match…). */
  notices: string[];
}

export interface SourceReader {
  /** Opens the source far enough to check it before any row is mapped; throws a SourceUnreadable if it cannot. */
  preflight(): Promise<Preflight>;
  rows(): AsyncIterable<SourceRow | UnreadableRow>;
  progress(): ReaderProgress;
  /** The files the rows are read from, in reading order: their bytes are the export's fingerprint. */
  files(): Promise<string[]>;
}

/** The export cannot be read at all (no file, not JSON, no items at the path): nothing runs. */
export class SourceUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceUnreadable';
  }
}

export function decodingMessage(record: SourceRecord, encoding: string): string[] {
  const text = JSON.stringify(record);
  const count = text.split('\uFFFD').length - 1;
  return count === 0 ? [] : [`${count} byte sequence(s) are not valid ${encoding} and read as U+FFFD`];
}
