/**
 * Crawled pages, one row per file: fields picked with CSS selectors (cheerio), and label/value tables such as the
 * disclosure catalogue's 索引号/发布机构/生成日期 block read by their labels, so that a page template that moves a
 * row of its table does not move a field. Each page is decoded by the charset it declares (`<meta charset>` or
 * `http-equiv`, found by the HTML standard's prescan in encoding-sniffer) and the platform's TextDecoder; a page
 * whose bytes do not fit its declaration is still read, with a message, since a person must look at it.
 *
 * The row is what the selectors found, not the page's bytes: the page chrome (a hit counter, a new footer) changes on
 * every crawl and would make every row look changed to the id map.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import { getEncoding } from 'encoding-sniffer';
import { z } from 'zod';
import { compilePattern, patternSchema } from '../pattern.js';
import type { SourceRecord, Value } from '../values.js';
import { encodingSchema } from './encoding.js';
import {
  type Preflight,
  type ReaderProgress,
  type SourceReader,
  type SourceRow,
  SourceUnreadable,
  type UnreadableRow,
} from './source-reader.js';

export const selectorSchema = z
  .string()
  .min(1)
  .superRefine((selector, ctx) => {
    try {
      cheerio.load('<p></p>')(selector);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a CSS selector cheerio reads: ${(error as Error).message}` });
    }
  });

const pickSchema = z.union([
  selectorSchema,
  z.strictObject({
    selector: selectorSchema,
    /** `text` (default), `html` (the inner HTML, for bodies) or `attribute` (with `attribute`). */
    take: z.enum(['text', 'html', 'attribute']).default('text'),
    attribute: z.string().min(1).optional(),
    /** Every match as a list, instead of the first. */
    all: z.boolean().default(false),
  }),
]);

const labelledSchema = z.strictObject({
  /** The label cells (`table.xxgk-meta th`); each one's value is the element right after it. */
  selector: selectorSchema,
});

export const htmlReaderSchema = z
  .strictObject({
    type: z.literal('html'),
    /** The folder of crawled pages, relative to the configuration file. */
    directory: z.string().min(1),
    /** Which file names are pages (a regular expression). */
    files: patternSchema.default('\\.html?$'),
    /** For pages that declare no charset; the HTML standard's default is windows-1252. */
    defaultEncoding: encodingSchema.default('windows-1252'),
    fields: z.record(z.string().min(1), pickSchema).default({}),
    labelled: z.record(z.string().min(1), labelledSchema).default({}),
  })
  .superRefine((config, ctx) => {
    for (const name of Object.keys(config.labelled)) {
      if (name in config.fields) {
        ctx.addIssue({ code: 'custom', path: ['labelled', name], message: `"${name}" is also a field` });
      }
    }
  });
export type HtmlReaderConfig = z.infer<typeof htmlReaderSchema>;

/**
 * htmlparser2 rather than parse5: three times faster on these pages, and the tokenizer the sanitiser uses, so a body
 * is read the same way it is cleaned. `utf8` keeps Chinese text as characters when a body is taken as HTML.
 */
const PARSE = { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' as const } };

/** `名　　称：` and `名称:` are one label: spaces of every width and the closing colon are layout. */
export function labelKey(text: string): string {
  return text.replace(/[\s\u3000]+/gu, '').replace(/[:：]$/u, '');
}

export class HtmlReader implements SourceReader {
  #files: string[] | undefined;
  #done = 0;

  constructor(
    private readonly config: HtmlReaderConfig,
    private readonly directory: string,
  ) {}

  async #list(): Promise<string[]> {
    if (this.#files !== undefined) return this.#files;
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      throw new SourceUnreadable(`no folder ${this.directory}`);
    }
    const pattern = compilePattern(this.config.files);
    // Code-unit order, not the locale's: the same folder gives the same sequence on every machine.
    this.#files = names.filter((name) => pattern.test(name)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return this.#files;
  }

  async preflight(): Promise<Preflight> {
    const files = await this.#list();
    return {
      fields: ['file', ...Object.keys(this.config.fields), ...Object.keys(this.config.labelled)],
      notices: [`${files.length} page(s) in the folder match /${this.config.files}/`],
    };
  }

  #pick($: cheerio.CheerioAPI, pick: z.infer<typeof pickSchema>): Value {
    const spec = typeof pick === 'string' ? { selector: pick, take: 'text' as const, all: false } : pick;
    const found = $(spec.selector);
    const take = (element: Parameters<typeof $>[0]): Value => {
      const node = $(element);
      if (spec.take === 'html') return node.html() ?? undefined;
      if (spec.take === 'attribute') return node.attr((spec as { attribute?: string }).attribute ?? '') ?? undefined;
      return node.text();
    };
    if (spec.all) return found.toArray().map((element) => take(element));
    return found.length === 0 ? undefined : take(found.first());
  }

  async *rows(): AsyncGenerator<SourceRow | UnreadableRow> {
    const files = await this.#list();
    this.#done = 0;
    for (const [index, file] of files.entries()) {
      this.#done = index + 1;
      const sequence = index + 1;
      let bytes: Buffer;
      try {
        bytes = await readFile(join(this.directory, file));
      } catch (error) {
        yield { kind: 'unreadable', sequence, location: file, error: (error as Error).message };
        continue;
      }
      const encoding = getEncoding(bytes, { defaultEncoding: this.config.defaultEncoding });
      const messages: string[] = [];
      let text: string;
      try {
        text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
      } catch {
        text = new TextDecoder(encoding).decode(bytes);
        const lost = text.split('\uFFFD').length - 1;
        messages.push(`the page declares ${encoding} but ${lost} byte sequence(s) are not ${encoding}; read as U+FFFD`);
      }
      const $ = cheerio.load(text, PARSE);
      const record: SourceRecord = { file };
      for (const [name, pick] of Object.entries(this.config.fields)) record[name] = this.#pick($, pick);
      for (const [name, labelled] of Object.entries(this.config.labelled)) {
        const cells: Record<string, Value> = {};
        $(labelled.selector).each((_, element) => {
          const key = labelKey($(element).text());
          if (key !== '' && !(key in cells)) cells[key] = $(element).next().text();
        });
        record[name] = cells;
      }
      yield { kind: 'row', sequence, location: file, record, messages, info: { encoding } };
    }
  }

  async files(): Promise<string[]> {
    return (await this.#list()).map((file) => join(this.directory, file));
  }

  progress(): ReaderProgress {
    return { done: this.#done, ...(this.#files === undefined ? {} : { total: this.#files.length }), unit: 'files' };
  }
}
