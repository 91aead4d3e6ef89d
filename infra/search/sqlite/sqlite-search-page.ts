/**
 * How the embedded index answers a search, inside one read transaction (so hits, total and facets describe the
 * same state of the index).
 *
 * Text: one FTS5 MATCH. A word is the AND of its word tokens and of its literals as phrases of bigrams in the bigram
 * columns (chinese-text.ts); a quoted phrase is such a phrase; exclusions are NOT. The ids it finds go through the
 * filters, facets and date sorts in memory (facet-columns.ts), which costs far less than SQL does per row.
 *
 * Relevance ranks first by class (RELEVANCE), what people remember of a document they look for again: its index
 * number, document number or publisher typed whole; the text as one run in its title (a title fragment); every word
 * in its title (a title's words in another order); the text as one run anywhere (a pasted passage, which bm25 alone
 * buries under documents that have the same common words scattered over long bodies). The title tests read the
 * titles table, the run a phrase of the text's bigrams in the full index. Within a class, by how many documents the
 * text matches, before filters:
 * - Up to BROAD_MATCHES: bm25 with column weights title 10, meta 4, body 1 (words and bigrams alike), ties broken by
 *   resource id. FTS5 scores every match, and for each term counts the documents of the whole index containing it.
 * - More (a broad search: a common word, a stock phrase of regulations): newest first. bm25 would cost a broad
 *   search several times its budget at 100,000 documents: its count of a phrase's documents repeats the whole match,
 *   and scoring tens of thousands of matches takes longer still; and a term that much of the library contains says
 *   little by how often a body repeats it.
 * The first page decides, and its cursor carries the choice, so one result list never changes its order.
 *
 * Paging and what "stable" means here: a cursor carries the snapshot position of its first page (the highest
 * position the generation had applied) and the sort key of the last hit served.
 * - Later pages leave out documents that entered the library after the snapshot, so new resources never push hits
 *   from one page onto the next.
 * - Newest/oldest page on (firstPublishedAt, resource id), keys that a correction does not change, and a broad
 *   relevance search on (class, firstPublishedAt, resource id): every document present throughout is served
 *   exactly once (unless a correction changes its class); one removed meanwhile is simply not served.
 * - bm25 pages come from the ranking frozen when the first page was served (ranking-cache.ts), since every document
 *   applied shifts all bm25 scores; documents show their current version at their frozen place. Beyond the first
 *   RANKING_WINDOW hits, or when the frozen ranking is gone (10 minutes, another process, a restart, a promotion),
 *   pages continue after the last (score, resource id) served in a fresh ranking, which is exact only while no
 *   document is applied.
 */
import type Database from 'better-sqlite3';
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import type { SearchHit, SearchPage } from '../../../projections/library/search-index.js';
import { bigramTokens, isHanPair, type TermPattern } from '../shared/chinese-text.js';
import { documentHighlights, termMatcher } from '../shared/highlight.js';
import { encodeCursor } from '../shared/search-cursor.js';
import { docNumberKey, titleKey } from '../shared/search-fields.js';
import type { ParsedSearch, QueryTerm } from '../shared/search-query.js';
import type { FacetColumns } from './facet-columns.js';
import type { RankedHit, RankingCache } from './ranking-cache.js';
import { type GenerationTables, generationTables } from './sqlite-search-schema.js';

/** Title, meta, body as words, then as bigrams. */
const BM25_WEIGHTS = '10.0, 4.0, 1.0, 10.0, 4.0, 1.0';
/** How many hits of a bm25 search are frozen for its later pages. */
export const RANKING_WINDOW = 1000;
/**
 * How many matches a text may have and still be ranked by bm25: at 5,000 a phrase of common characters costs FTS5
 * about 12 ms to score at 100,000 documents, a common word about 7 ms.
 */
export const BROAD_MATCHES = 5_000;

export interface SearchContext {
  prepare(sql: string): Database.Statement;
  rankings: RankingCache;
  /** The generation's filter, facet and sort columns, current with its tables. */
  columns: FacetColumns;
  /** More matches than this make a search broad (see above); BROAD_MATCHES but in tests. */
  broadMatches: number;
}

export interface ActiveGeneration {
  id: number;
  name: string;
  highWater: number;
}

const quote = (tokens: string[]) => `"${tokens.join(' ').replaceAll('"', '""')}"`;

/** The full index's bigram columns, and the titles table's. */
const ALL_BIGRAMS = '{title_b meta_b body_b}';
const TITLE_BIGRAMS = '{title_b}';

function patternExpression(pattern: TermPattern, bigrams: string): string {
  const parts = [
    // No column filter for words, so FTS5 need not decode positions to tell the columns apart. It changes nothing
    // found: a query's word tokens are dictionary words, characters and Latin runs, and a bigram column holds such a
    // token only where the text contains it; a two-character word is found in the bigram columns alone, the only
    // place the index keeps it (chinese-text.ts).
    ...pattern.words.map((word) => quote([word])),
    ...pattern.literals.map((literal) => literalExpression(bigramTokens(literal), bigrams)),
  ];
  return `(${parts.join(' AND ')})`;
}

/**
 * A literal as a phrase of its bigram tokens, in the bigram columns. A phrase of Han pairs alone needs no column
 * filter, since the index keeps those only in the bigram columns, and FTS5 matches a long phrase in less than half
 * the time without one (县级以上人民政府 at 100,000 documents: 17 ms against 42). A phrase with a single character or
 * a Latin run, tokens the word columns hold too, keeps the filter.
 */
function literalExpression(tokens: string[], bigrams: string): string {
  return tokens.every(isHanPair) ? quote(tokens) : `${bigrams} : ${quote(tokens)}`;
}

/** A term as typed, or any of its expansions (synonym-expansion.ts). */
function termExpression(term: QueryTerm, bigrams: string): string {
  if (term.expansions.length === 0) return patternExpression(term.pattern, bigrams);
  return `(${[term.pattern, ...term.expansions].map((pattern) => patternExpression(pattern, bigrams)).join(' OR ')})`;
}

function textExpression(parsed: ParsedSearch): string | null {
  if (parsed.include.length === 0) return null;
  const positive = parsed.include.map((term) => termExpression(term, ALL_BIGRAMS)).join(' AND ');
  const negative = parsed.exclude.map((term) => termExpression(term, ALL_BIGRAMS));
  return negative.length === 0 ? positive : `(${positive}) NOT (${negative.join(' OR ')})`;
}

/** What the titles table must match for a hit to have the text in its title (exclusions are the full MATCH's). */
function titleExpression(parsed: ParsedSearch): string {
  return parsed.include.map((term) => termExpression(term, TITLE_BIGRAMS)).join(' AND ');
}

/**
 * What relevance ranks by before bm25 (and a broad search before dates), one bit each, the weightiest highest: the
 * text is the document's index number, document number, publisher or whole title; the text stands as one run in its title; every
 * term is in its title; the text stands as one run anywhere. A text of one word or phrase is its own run, so for it
 * the two title bits go together and every match has the run bit.
 */
export const RELEVANCE = { identifier: 8, runInTitle: 4, allInTitle: 2, run: 1 } as const;
/** How far apart the classes are in a bm25 ranking: bm25 of a 500-character text stays far below. */
const CLASS_STEP = 1e6;

/** Ascending ids in either list, once. */
function union(a: Int32Array, b: Int32Array): Int32Array {
  if (b.length === 0) return a;
  const merged = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || merged[n - 1] !== next) merged[n++] = next;
  }
  return merged.subarray(0, n);
}

/** The documents whose index number, document number, publisher or title key is the text's (see ParsedSearch.identifier). */
function identifierIds(context: SearchContext, t: GenerationTables, parsed: ParsedSearch): Int32Array {
  if (parsed.identifier === null) return new Int32Array(0);
  const { text, names } = parsed.identifier;
  const numbered = context
    .prepare(`SELECT id FROM ${t.docs} WHERE index_number IN (?, ?) OR doc_number = ? OR title_key = ?`)
    .pluck()
    .all(text, text.toUpperCase(), docNumberKey(text), titleKey(text) || null) as number[];
  const ids = new Set([...numbered, ...context.columns.withPublisher(names)]);
  return Int32Array.from(ids).sort();
}

/** Each candidate's relevance class (RELEVANCE bits), by id. */
function relevanceClasses(
  context: SearchContext,
  t: GenerationTables,
  parsed: ParsedSearch,
  matched: Int32Array,
  identified: Int32Array,
): Uint8Array {
  const classes = new Uint8Array(context.columns.idLimit);
  const mark = (ids: Int32Array, bit: number) => {
    for (const id of ids) if (id < classes.length) classes[id]! |= bit;
  };
  mark(identified, RELEVANCE.identifier);
  const allInTitle = matchingIds(context, t.titles, titleExpression(parsed));
  mark(allInTitle, RELEVANCE.allInTitle);
  if (parsed.run === null) {
    mark(allInTitle, RELEVANCE.runInTitle);
    mark(matched, RELEVANCE.run);
  } else {
    const tokens = bigramTokens(parsed.run);
    mark(matchingIds(context, t.titles, literalExpression(tokens, TITLE_BIGRAMS)), RELEVANCE.runInTitle);
    mark(matchingIds(context, t.fts, literalExpression(tokens, ALL_BIGRAMS)), RELEVANCE.run);
  }
  return classes;
}

interface PageRow {
  id: number;
  resourceId: string;
  /** The sort key after which the next page starts, without the resource id (empty for resource id order). */
  key: number[];
  score: number;
}

interface PageResult {
  rows: PageRow[];
  hasMore: boolean;
  /** Entries of the order consumed by this page (a frozen ranking may name documents removed since). */
  consumed: number;
  rankingId?: string;
}

export function searchGeneration(
  context: SearchContext,
  generation: ActiveGeneration,
  parsed: ParsedSearch,
): SearchPage {
  const t = generationTables(generation.id);
  const snapshot = parsed.cursor?.s ?? generation.highWater;
  const served = parsed.cursor?.o ?? 0;
  const text = textExpression(parsed);
  const columns = context.columns;
  const matched = text === null ? columns.all() : matchingIds(context, t.fts, text);
  const identified = text === null ? new Int32Array(0) : identifierIds(context, t, parsed);
  const candidates = union(matched, identified);
  const selected = columns.filter(candidates, parsed.filters, snapshot);

  // The first page decides whether a search is broad, and its cursors tell by their key: (class, first
  // publication, resource id) for a broad search, (rank, resource id) for another.
  const broad = parsed.cursor === null ? candidates.length > context.broadMatches : parsed.cursor.k.length === 3;
  const ranked = parsed.sort === 'relevance' && text !== null;
  const classes = ranked ? relevanceClasses(context, t, parsed, matched, identified) : null;
  const { rows, hasMore, consumed, rankingId } =
    classes === null || text === null
      ? orderedPage(columns, selected, parsed)
      : broad
        ? broadPage(context, parsed, selected, classes)
        : rankedPage(context, t, generation, parsed, text, selected, classes);

  const documents = loadDocuments(
    context,
    t,
    rows.map((row) => row.id),
  );
  const matcher = termMatcher(parsed.highlightTerms);
  const hits: SearchHit[] = [];
  for (const row of rows) {
    const document = documents.get(row.id);
    if (document === undefined) continue;
    hits.push({ document, score: row.score, highlights: documentHighlights(document, matcher) });
  }

  const last = rows.at(-1);
  const endCursor =
    hasMore && last !== undefined
      ? encodeCursor({
          v: 1,
          f: parsed.fingerprint,
          g: generation.name,
          s: snapshot,
          o: served + consumed,
          k: [...last.key, last.resourceId],
          ...(rankingId === undefined ? {} : { p: rankingId }),
        })
      : null;
  return {
    hits,
    total: selected.length,
    endCursor,
    facets: columns.facets(selected, parsed.facets),
    expansions: parsed.expansions,
  };
}

/** The ids of the documents a MATCH finds, ascending; one string from SQLite is far cheaper than a row per id. */
function matchingIds(context: SearchContext, table: string, match: string): Int32Array {
  const list = context.prepare(`SELECT group_concat(rowid) FROM ${table} WHERE ${table} MATCH ?`).pluck().get(match) as
    | string
    | null;
  if (list === null || list === '') return new Int32Array(0);
  const ids = new Int32Array(Math.ceil(list.length / 2) + 1);
  let count = 0;
  let value = 0;
  for (let i = 0; i < list.length; i++) {
    const code = list.charCodeAt(i);
    if (code === 44) {
      ids[count++] = value;
      value = 0;
    } else {
      value = value * 10 + (code - 48);
    }
  }
  ids[count++] = value;
  return ids.subarray(0, count);
}

const byRank = (a: RankedHit, b: RankedHit) =>
  a.rank - b.rank || (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0);

const rankedRows = (hits: RankedHit[]): PageRow[] =>
  hits.map((hit) => ({ id: hit.id, resourceId: hit.resourceId, key: [hit.rank], score: -hit.rank }));

/** A page of a search ranked by bm25 (see above). */
function rankedPage(
  context: SearchContext,
  t: GenerationTables,
  generation: ActiveGeneration,
  parsed: ParsedSearch,
  text: string,
  selected: Int32Array,
  classes: Uint8Array,
): PageResult {
  const columns = context.columns;
  const { first, cursor } = parsed;
  const wanted = new Uint8Array(columns.idLimit);
  for (const id of selected) wanted[id] = 1;
  /**
   * Every selected hit in (rank, resource id) order, the rank being bm25 (lower is better) less the class's step:
   * the filters apply to the scored matches, and documents found by identifier alone rank by their class.
   */
  const ranking = (): RankedHit[] => {
    const scored = context
      .prepare(`SELECT rowid, bm25(${t.fts}, ${BM25_WEIGHTS}) FROM ${t.fts} WHERE ${t.fts} MATCH ?`)
      .raw()
      .all(text) as Array<[number, number]>;
    const hits: RankedHit[] = [];
    for (const [id, bm25] of scored) {
      if (wanted[id] !== 1) continue;
      wanted[id] = 2;
      hits.push({ id, resourceId: columns.resourceIds[id]!, rank: bm25 - classes[id]! * CLASS_STEP });
    }
    for (const id of selected) {
      if (wanted[id] === 1) hits.push({ id, resourceId: columns.resourceIds[id]!, rank: -classes[id]! * CLASS_STEP });
      wanted[id] = 1;
    }
    return hits.sort(byRank);
  };

  if (cursor === null) {
    const hits = ranking();
    if (hits.length <= first) return { rows: rankedRows(hits), hasMore: false, consumed: hits.length };
    const rankingId = context.rankings.put({
      generationId: generation.id,
      hits: hits.slice(0, RANKING_WINDOW),
      complete: hits.length <= RANKING_WINDOW,
    });
    return { rows: rankedRows(hits.slice(0, first)), hasMore: true, consumed: first, rankingId };
  }

  const frozen = cursor.p === undefined ? undefined : context.rankings.get(cursor.p);
  const fitsFrozen = frozen !== undefined && (frozen.complete || cursor.o + first <= frozen.hits.length);
  if (frozen !== undefined && fitsFrozen && frozen.generationId === generation.id) {
    // A document archived or changed since no longer passes the filters: it is skipped, not shown out of place.
    const frozenPage = frozen.hits.slice(cursor.o, cursor.o + first);
    const page = frozenPage.filter((hit) => wanted[hit.id] === 1);
    const hasMore = cursor.o + first < (frozen.complete ? frozen.hits.length : selected.length);
    return {
      rows: rankedRows(page),
      hasMore,
      consumed: frozenPage.length,
      ...(hasMore ? { rankingId: cursor.p } : {}),
    };
  }

  const [rank, resourceId] = cursor.k;
  const after = { id: 0, resourceId: String(resourceId), rank: typeof rank === 'number' ? rank : -Infinity };
  const page = ranking()
    .filter((hit) => byRank(hit, after) > 0)
    .slice(0, first + 1);
  return {
    rows: rankedRows(page.slice(0, first)),
    hasMore: page.length > first,
    consumed: Math.min(page.length, first),
  };
}

const CLASSES = 16;

/**
 * A page of a broad search: the hits by relevance class (RELEVANCE), highest first, each class newest first. A hit's
 * score is its class plus one.
 */
function broadPage(
  context: SearchContext,
  parsed: ParsedSearch,
  selected: Int32Array,
  classes: Uint8Array,
): PageResult {
  const columns = context.columns;
  // The cursor's key is [class, firstPublishedMs, resource id].
  const after = parsed.cursor?.k ?? null;
  const afterClass = after === null ? CLASSES - 1 : Math.min(CLASSES - 1, Math.max(0, Math.trunc(Number(after[0]))));
  const limit = parsed.first + 1;
  const counts = new Int32Array(CLASSES);
  for (const id of selected) counts[classes[id]!]!++;
  const rows: PageRow[] = [];
  for (let group = afterClass; group >= 0 && rows.length < limit; group--) {
    if (counts[group] === 0) continue;
    const ids = selected.filter((id) => classes[id] === group);
    const from = after !== null && group === afterClass ? after.slice(1) : null;
    for (const id of columns.top(ids, 'newest', from, limit - rows.length)) {
      const key = [group, columns.firstPublishedMs[id]!];
      rows.push({ id, resourceId: columns.resourceIds[id]!, key, score: group + 1 });
    }
  }
  const page = rows.slice(0, parsed.first);
  return { rows: page, hasMore: rows.length > parsed.first, consumed: page.length };
}

function orderedPage(columns: FacetColumns, selected: Int32Array, parsed: ParsedSearch): PageResult {
  const order = parsed.sort === 'relevance' ? 'resourceId' : parsed.sort;
  const found = columns.top(selected, order, parsed.cursor?.k ?? null, parsed.first + 1);
  const rows = found.slice(0, parsed.first).map((id) => ({
    id,
    resourceId: columns.resourceIds[id]!,
    key: order === 'resourceId' ? [] : [columns.firstPublishedMs[id]!],
    score: 0,
  }));
  return { rows, hasMore: found.length > parsed.first, consumed: rows.length };
}

function loadDocuments(context: SearchContext, t: GenerationTables, ids: number[]): Map<number, LibraryDocument> {
  const documents = new Map<number, LibraryDocument>();
  if (ids.length === 0) return documents;
  const placeholders = ids.map(() => '?').join(', ');
  const rows = context
    .prepare(`SELECT id, document FROM ${t.json} WHERE id IN (${placeholders})`)
    .raw()
    .all(...ids) as Array<[number, string]>;
  for (const [id, json] of rows) documents.set(id, JSON.parse(json) as LibraryDocument);
  return documents;
}
