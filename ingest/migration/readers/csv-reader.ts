/**
 * CSV exports of old CMSs, in their own encoding (the 舒城 export is GBK with a Chinese header row): decoded as the
 * bytes stream in and parsed by csv-parse record by record, so a large export never sits in memory whole. Quoted
 * fields may span lines (HTML bodies do); a record csv-parse cannot read is reported and the next one read.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import { z } from 'zod';
import type { SourceRecord } from '../values.js';
import { decodeChunks, encodingSchema } from './encoding.js';
import {
  decodingMessage,
  type Preflight,
  type ReaderProgress,
  type SourceReader,
  type SourceRow,
  SourceUnreadable,
  type UnreadableRow,
} from './source-reader.js';

export const csvReaderSchema = z.strictObject({
  type: z.literal('csv'),
  /** Relative to the configuration file. */
  path: z.string().min(1),
  encoding: encodingSchema.default('utf-8'),
  delimiter: z.string().min(1).default(','),
});
export type CsvReaderConfig = z.infer<typeof csvReaderSchema>;

export class CsvReader implements SourceReader {
  #bytes = 0;
  #size: number | undefined;

  constructor(
    private readonly config: CsvReaderConfig,
    private readonly path: string,
  ) {}

  #records(columns: boolean, to?: number) {
    const decoded = Readable.from(
      decodeChunks(createReadStream(this.path), this.config.encoding, (n) => {
        this.#bytes += n;
      }),
    );
    const skipped: CsvError[] = [];
    const parser = parse({
      columns,
      bom: true,
      delimiter: this.config.delimiter,
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) skipped.push(error);
      },
      ...(to === undefined ? {} : { to }),
    });
    decoded.pipe(parser);
    return { parser, skipped };
  }

  async preflight(): Promise<Preflight> {
    try {
      this.#size = (await stat(this.path)).size;
    } catch {
      throw new SourceUnreadable(`no file ${this.path}`);
    }
    const { parser } = this.#records(false, 1);
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) {
      parser.destroy();
      return { fields: record.map((name) => name.trim()), notices: [] };
    }
    throw new SourceUnreadable(`${this.path} has no header row`);
  }

  async *rows(): AsyncGenerator<SourceRow | UnreadableRow> {
    this.#bytes = 0;
    this.#size ??= (await stat(this.path)).size;
    const { parser, skipped } = this.#records(true);
    let sequence = 0;
    let lastLine = 1;
    const flushSkipped = function* (): Generator<UnreadableRow> {
      while (skipped.length > 0) {
        const error = skipped.shift()!;
        yield {
          kind: 'unreadable',
          sequence: ++sequence,
          location: `line ${error.lines ?? '?'}`,
          error: error.message,
        };
      }
    };
    for await (const { record, info } of parser as AsyncIterable<{ record: SourceRecord; info: { lines: number } }>) {
      yield* flushSkipped();
      const location = `line ${lastLine + 1}`;
      lastLine = info.lines;
      yield {
        kind: 'row',
        sequence: ++sequence,
        location,
        record,
        messages: decodingMessage(record, this.config.encoding),
        info: {},
      };
    }
    yield* flushSkipped();
  }

  async files(): Promise<string[]> {
    return [this.path];
  }

  progress(): ReaderProgress {
    return { done: this.#bytes, ...(this.#size === undefined ? {} : { total: this.#size }), unit: 'bytes' };
  }
}
