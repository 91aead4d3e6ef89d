/**
 * The three kinds of query people use to find a document they remember, made from the documents themselves:
 * - a title fragment: the title without the issuer and genre words every regulation shares;
 * - the title's words in another order: jieba's words of the title, reversed, separated by spaces;
 * - a pasted passage: a run of 10 to 14 characters of the body, unquoted, that no other document of the corpus
 *   contains (so the document is the one right answer).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { characterUnits } from '../../infra/search/shared/chinese-text.js';
import { searchFields } from '../../infra/search/shared/search-fields.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';

export type QueryKind = 'title fragment' | 'title words reordered' | 'body passage';
export const QUERY_KINDS: QueryKind[] = ['title fragment', 'title words reordered', 'body passage'];

export interface KnownItem {
  kind: QueryKind;
  title: string;
  query: string;
  resourceId: string;
}

/** What every regulation's title shares with hundreds of others: the issuer, the genre and its qualifiers. */
export function titleFragment(title: string): string {
  return title
    .replace(/^中华人民共和国/, '')
    .replace(/^国务院关于/, '')
    .replace(/(暂行|实施|管理)*(条例|规定|办法|细则|决定|规则)$/, '')
    .trim();
}

let jieba: Jieba | undefined;
const TOKEN = /[\p{L}\p{N}]/u;

/** The title's words (jieba, precise mode), last first; null when the title is one word and has no other order. */
export function reorderedTitleWords(title: string): string | null {
  jieba ??= Jieba.withDict(dict);
  const words = jieba.cut(title, false).filter((word) => TOKEN.test(word));
  if (words.length < 2) return null;
  const reversed = [...words].reverse();
  return reversed.join(' ');
}

const MIN_RUN = 10;
const MAX_RUN = 14;
const HAN_RUN = /^\p{Script=Han}+$/u;

/**
 * For each document, a run of Han characters of its body (10 to 14 of them, the length varying from document to
 * document) that no other document's title, metadata or body contains, taken from a place that depends on the
 * document (so the runs are spread over beginnings, middles and ends of bodies). Null for a document none of whose
 * runs is its own (a version whose text another version repeats entirely).
 */
export function distinctivePassages(documents: LibraryDocument[]): Map<string, string | null> {
  const texts = documents.map((document) => {
    const fields = searchFields(document);
    // As the index sees it: letters, digits and Han characters, without the spaces and punctuation between them.
    const all = characterUnits(`${fields.title}\n${fields.meta}\n${fields.body}`).join('');
    return { id: document.resourceId, body: fields.body, all };
  });
  const passages = new Map<string, string | null>();
  texts.forEach((text, i) => {
    const length = MIN_RUN + (i % (MAX_RUN - MIN_RUN + 1));
    const characters = [...text.body];
    const windows = characters.length - length;
    let found: string | null = null;
    // Documents that held an earlier candidate (another version of the same text) are asked first: most of the
    // next candidates are theirs too.
    const rivals: number[] = [];
    const heldBy = (run: string) => {
      const rival = rivals.find((j) => texts[j]!.all.includes(run));
      if (rival !== undefined) return rival;
      const other = texts.findIndex((o, j) => j !== i && o.all.includes(run));
      if (other >= 0) rivals.push(other);
      return other;
    };
    // Start at a place that depends on the document, then walk on (wrapping round) until a run is its own.
    const start = windows > 0 ? Math.floor((windows * ((i * 37) % 100)) / 100) : 0;
    for (let step = 0; step <= windows && found === null; step++) {
      const at = (start + step) % (windows + 1);
      const run = characters.slice(at, at + length).join('');
      if (!HAN_RUN.test(run)) continue;
      if (heldBy(characterUnits(run).join('')) < 0) found = run;
    }
    passages.set(text.id, found);
  });
  return passages;
}

export function knownItems(documents: LibraryDocument[]): { items: KnownItem[]; without: Record<QueryKind, string[]> } {
  const passages = distinctivePassages(documents);
  const items: KnownItem[] = [];
  const without: Record<QueryKind, string[]> = {
    'title fragment': [],
    'title words reordered': [],
    'body passage': [],
  };
  for (const document of documents) {
    const { title } = document.metadata;
    const base = { title, resourceId: document.resourceId };
    const fragment = titleFragment(title);
    if (fragment === '') without['title fragment'].push(title);
    else items.push({ ...base, kind: 'title fragment', query: fragment });
    const reordered = reorderedTitleWords(title);
    if (reordered === null) without['title words reordered'].push(title);
    else items.push({ ...base, kind: 'title words reordered', query: reordered });
    const passage = passages.get(document.resourceId) ?? null;
    if (passage === null) without['body passage'].push(title);
    else items.push({ ...base, kind: 'body passage', query: passage });
  }
  return { items, without };
}
