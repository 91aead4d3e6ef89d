/** The readers a migration's `source.reader` may name, by `type`, and how a configuration's reader is made. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { CsvReader, csvReaderSchema } from './csv-reader.js';
import { HtmlReader, htmlReaderSchema } from './html-reader.js';
import { JsonReader, jsonReaderSchema } from './json-reader.js';
import { JsonlReader, jsonlReaderSchema } from './jsonl-reader.js';
import type { SourceReader } from './source-reader.js';

export const readerSchema = z.discriminatedUnion(
  'type',
  [csvReaderSchema, jsonReaderSchema, jsonlReaderSchema, htmlReaderSchema],
  {
    error: (issue) => (issue.code === 'invalid_union' ? 'a reader has a type: csv, json, jsonl or html' : undefined),
  },
);
export type ReaderConfig = z.infer<typeof readerSchema>;

/** The file or folder the reader reads, relative to the configuration's folder. */
export function readerPath(config: ReaderConfig, baseDirectory: string): string {
  return resolve(baseDirectory, config.type === 'html' ? config.directory : config.path);
}

export function createReader(config: ReaderConfig, baseDirectory: string): SourceReader {
  const path = readerPath(config, baseDirectory);
  switch (config.type) {
    case 'csv':
      return new CsvReader(config, path);
    case 'json':
      return new JsonReader(config, path);
    case 'jsonl':
      return new JsonlReader(config, path);
    case 'html':
      return new HtmlReader(config, path);
  }
}
