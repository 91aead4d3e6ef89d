/**
 * JSON Lines exports, one object a line (the sample corpus: `{source, path, markdown}`), read line by line as the
 * bytes stream in. A line that is not a JSON object is reported as unreadable with its line number.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { isRecord, type SourceRecord, type Value } from '../values.js';
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

export const jsonlReaderSchema = z.strictObject({
  type: z.literal('jsonl'),
  path: z.string().min(1),
  encoding: encodingSchema.default('utf-8'),
});
export type JsonlReaderConfig = z.infer<typeof jsonlReaderSchema>;

export class JsonlReader implements SourceReader {
  #bytes = 0;
  #size: number | undefined;

  constructor(
    private readonly config: JsonlReaderConfig,
    private readonly path: string,
  ) {}

  async preflight(): Promise<Preflight> {
    try {
      this.#size = (await stat(this.path)).size;
    } catch {
      throw new SourceUnreadable(`no file ${this.path}`);
    }
    return { notices: [] };
  }

  async *rows(): AsyncGenerator<SourceRow | UnreadableRow> {
    this.#bytes = 0;
    this.#size ??= (await stat(this.path)).size;
    const decoded = Readable.from(
      decodeChunks(createReadStream(this.path), this.config.encoding, (n) => {
        this.#bytes += n;
      }),
    );
    const lines = createInterface({ input: decoded, crlfDelay: Number.POSITIVE_INFINITY });
    let line = 0;
    let sequence = 0;
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const location = `line ${line}`;
      let parsed: Value;
      try {
        parsed = JSON.parse(text) as Value;
      } catch (error) {
        yield { kind: 'unreadable', sequence: ++sequence, location, error: `not JSON: ${(error as Error).message}` };
        continue;
      }
      if (!isRecord(parsed)) {
        yield { kind: 'unreadable', sequence: ++sequence, location, error: 'the line is JSON but not an object' };
        continue;
      }
      const record = parsed as SourceRecord;
      yield {
        kind: 'row',
        sequence: ++sequence,
        location,
        record,
        messages: decodingMessage(record, this.config.encoding),
        info: {},
      };
    }
  }

  async files(): Promise<string[]> {
    return [this.path];
  }

  progress(): ReaderProgress {
    return { done: this.#bytes, ...(this.#size === undefined ? {} : { total: this.#size }), unit: 'bytes' };
  }
}
