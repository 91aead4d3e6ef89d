/**
 * One JSON document with the items at a path (`items` of `{exportedAt, system, total, items: [...]}`). JSON has no
 * record boundaries a reader could stream by without a streaming parser, and CMS exports of one site fit in memory
 * many times over, so the document is parsed whole and the items yielded one by one. A `total` the export declares is
 * compared with the items it has, since an export cut short says so nowhere else.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isRecord, type SourceRecord, type Value, valueAt } from '../values.js';
import { encodingSchema } from './encoding.js';
import {
  type Preflight,
  type ReaderProgress,
  type SourceReader,
  type SourceRow,
  SourceUnreadable,
  type UnreadableRow,
} from './source-reader.js';

export const jsonReaderSchema = z.strictObject({
  type: z.literal('json'),
  path: z.string().min(1),
  encoding: encodingSchema.default('utf-8'),
  /** Dotted path of the list of items; empty when the document is the list. */
  items: z.string().default(''),
  /** Dotted path of the count the export declares, checked against the items. */
  total: z.string().min(1).optional(),
});
export type JsonReaderConfig = z.infer<typeof jsonReaderSchema>;

export class JsonReader implements SourceReader {
  #items: Value[] | undefined;
  #declared: Value;
  #done = 0;

  constructor(
    private readonly config: JsonReaderConfig,
    private readonly path: string,
  ) {}

  async #load(): Promise<Value[]> {
    if (this.#items !== undefined) return this.#items;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch {
      throw new SourceUnreadable(`no file ${this.path}`);
    }
    let document: Value;
    try {
      document = JSON.parse(new TextDecoder(this.config.encoding).decode(bytes)) as Value;
    } catch (error) {
      throw new SourceUnreadable(`${this.path} is not JSON: ${(error as Error).message}`);
    }
    const items = valueAt(document, this.config.items);
    if (!Array.isArray(items)) {
      throw new SourceUnreadable(`${this.path} has no list of items at "${this.config.items || '(the document)'}"`);
    }
    this.#items = items;
    if (this.config.total !== undefined) this.#declared = valueAt(document, this.config.total);
    return items;
  }

  async preflight(): Promise<Preflight> {
    const items = await this.#load();
    const notices: string[] = [];
    if (this.config.total !== undefined) {
      notices.push(
        this.#declared === items.length
          ? `the export declares ${items.length} items and has them all`
          : `the export declares ${this.#declared === undefined ? 'no' : JSON.stringify(this.#declared)} items at "${this.config.total}" but has ${items.length}`,
      );
    }
    return { notices };
  }

  async *rows(): AsyncGenerator<SourceRow | UnreadableRow> {
    const items = await this.#load();
    const at = this.config.items === '' ? '' : this.config.items;
    this.#done = 0;
    for (const [index, item] of items.entries()) {
      this.#done = index + 1;
      const location = `${at}[${index}]`;
      if (!isRecord(item)) {
        yield { kind: 'unreadable', sequence: index + 1, location, error: 'the item is not an object' };
        continue;
      }
      yield { kind: 'row', sequence: index + 1, location, record: item as SourceRecord, messages: [], info: {} };
    }
  }

  async files(): Promise<string[]> {
    return [this.path];
  }

  progress(): ReaderProgress {
    return { done: this.#done, ...(this.#items === undefined ? {} : { total: this.#items.length }), unit: 'rows' };
  }
}
