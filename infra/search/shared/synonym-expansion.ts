/**
 * The search synonyms (domain/search/synonym-table.ts) applied to a query, the same way in both adapters: each
 * unquoted term also matches where a table term in it is replaced by one of its expansions, the expansion as written
 * (a phrase of its characters) and the rest of the term as typed. "发改委 价格" is then 发改委 or 发展和改革委员会 or
 * 发展改革委员会 or 发展改革委, and 价格; "市人社局" also finds 市人力资源和社会保障局.
 *
 * This is the search-time synonym graph a Lucene analyzer would build (each table term a node with the expansions
 * as parallel paths), made here rather than by an OpenSearch `synonym_graph` filter: analysis settings are fixed
 * while an index is open, so an administrator's change would have to close the live index (or put files on every
 * node and reload them through a plugin), and the result must say which expansions applied, which needs them here
 * anyway. Both adapters take the table from the synonyms read model at each search, so a change applies at once.
 *
 * A table term counts only where it starts and ends at the query's word boundaries (jieba's cut of the term, as
 * wordPattern cuts it), so 国办 is not found in 全国办理 (全国|办理). Quoted phrases are matched as written, and a
 * term with digits in it (a document number, 国办发〔2021〕15号) is expanded only when it is a table term itself.
 */
import type { SynonymTable } from '../../../domain/search/synonym-table.js';
import type { SearchExpansion } from '../../../projections/library/search-index.js';
import { phrasePattern, queryPieces, searchText, type TermPattern, wordPattern } from './chinese-text.js';

/** A table term found in the query and the expansions it was searched with. */
export type QueryExpansion = SearchExpansion;

/** The most alternatives one term is searched with (several table terms in one term multiply). */
export const MAX_ALTERNATIVES = 16;

interface Lookup {
  /** Table terms in searchText form → the term as the table writes it and its expansions. */
  terms: Map<string, QueryExpansion>;
  /** The longest table term, in UTF-16 code units of its searchText form. */
  longest: number;
}

const lookups = new WeakMap<SynonymTable, Lookup>();

function lookupOf(table: SynonymTable): Lookup {
  let lookup = lookups.get(table);
  if (lookup === undefined) {
    const terms = new Map<string, QueryExpansion>();
    for (const { term, expansions } of table.entries()) {
      terms.set(searchText(term), { term, expansions: [...expansions] });
    }
    lookup = { terms, longest: Math.max(0, ...[...terms.keys()].map((key) => key.length)) };
    lookups.set(table, lookup);
  }
  return lookup;
}

interface Found {
  start: number;
  end: number;
  expansion: QueryExpansion;
}

/** The table terms of a term, longest first at each word boundary, left to right. */
function found(text: string, lookup: Lookup): Found[] {
  const whole = lookup.terms.get(text);
  if (whole !== undefined) return [{ start: 0, end: text.length, expansion: whole }];
  if (/\p{N}/u.test(text)) return [];
  const starts: number[] = [];
  let offset = 0;
  for (const piece of queryPieces(text)) {
    starts.push(offset);
    offset += piece.length;
  }
  starts.push(offset);
  const results: Found[] = [];
  for (let i = 0; i < starts.length - 1; ) {
    let next = i + 1;
    for (let j = starts.length - 1; j > i; j--) {
      if (starts[j]! - starts[i]! > lookup.longest) continue;
      const expansion = lookup.terms.get(text.slice(starts[i], starts[j]));
      if (expansion !== undefined) {
        results.push({ start: starts[i]!, end: starts[j]!, expansion });
        next = j;
        break;
      }
    }
    i = next;
  }
  return results;
}

/** The term with some of its table terms replaced (null: kept as typed), as what must match. */
function alternative(text: string, matches: Found[], choice: Array<string | null>): TermPattern {
  const words: string[] = [];
  const literals: string[] = [];
  const add = (pattern: TermPattern) => {
    words.push(...pattern.words);
    literals.push(...pattern.literals);
  };
  let from = 0;
  matches.forEach((match, i) => {
    const replacement = choice[i];
    if (replacement === null || replacement === undefined) return;
    if (match.start > from) add(wordPattern(text.slice(from, match.start)));
    add(phrasePattern(replacement));
    from = match.end;
  });
  if (from < text.length) add(wordPattern(text.slice(from)));
  return { words: [...new Set(words)], literals: [...new Set(literals)] };
}

/**
 * An unquoted term's alternatives besides itself, and the table terms they came from. `text` is the term in
 * searchText form.
 */
export function expandTerm(text: string, table: SynonymTable): { alternatives: TermPattern[]; used: QueryExpansion[] } {
  const lookup = lookupOf(table);
  if (lookup.terms.size === 0) return { alternatives: [], used: [] };
  const matches = found(text, lookup);
  if (matches.length === 0) return { alternatives: [], used: [] };
  // Every combination of kept and replaced table terms but keeping them all, which is the term itself.
  let choices: Array<Array<string | null>> = [[]];
  for (const match of matches) {
    choices = choices.flatMap((choice) => [null, ...match.expansion.expansions].map((option) => [...choice, option]));
  }
  const alternatives = choices
    .filter((choice) => choice.some((option) => option !== null))
    .slice(0, MAX_ALTERNATIVES - 1)
    .map((choice) => alternative(text, matches, choice));
  return { alternatives, used: matches.map((match) => match.expansion) };
}

/** The expansions of a whole text that is a table term (for matching a publisher by its full name). */
export function expansionsOfWhole(text: string, table: SynonymTable): string[] {
  return [...(lookupOf(table).terms.get(searchText(text))?.expansions ?? [])];
}
