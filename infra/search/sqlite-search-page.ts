/**
 * How the embedded index answers a search, inside one read transaction (so hits, total and facets describe the
 * same state of the index).
 *
 * Text: one FTS5 MATCH. A word is the AND of its word tokens and of its literals as phrases of bigrams in the bigram
 * columns (chinese-text.ts); a quoted phrase is such a phrase; exclusions are NOT. The ids it finds go through the
 * filters, facets and date sorts in memory (document-columns.ts), which costs far less than SQL does per row.
 *
 * Relevance is bm25 with column weights title 10, meta 4, body 1 (words and bigrams alike), ties broken by
 * resource id, computed in one FTS5 pass with the selective filters as index tokens (filter-tokens.ts), so that
 * only documents that pass are scored. bm25 costs FTS5 a few microseconds a document, so a search with more than
 * RELEVANCE_LIMIT hits ranks the RELEVANCE_LIMIT most recently indexed of them; its total and facets still count
 * every hit, the date sorts reach all of them, and the relevance list ends there. In date order hits carry score 0:
 * bm25 is only computed where it orders.
 *
 * Paging and what "stable" means here: a cursor carries the snapshot position of its first page (the highest
 * position the generation had applied) and the sort key of the last hit served.
 * - Later pages leave out documents that entered the library after the snapshot, so new resources never push hits
 *   from one page onto the next.
 * - Newest/oldest page on (firstPublishedAt, resource id), keys that a correction does not change: every document
 *   present throughout is served exactly once; one removed meanwhile is simply not served.
 * - Relevance pages come from the ranking frozen when the first page was served (ranking-cache.ts), since every
 *   document applied shifts all bm25 scores; documents show their current version at their frozen place. Beyond the
 *   first RANKING_WINDOW hits, or when the frozen ranking is gone (10 minutes, another process, a restart, a
 *   promotion), pages continue after the last (score, resource id) served in a fresh ranking, which is exact only
 *   while no document is applied.
 */
import type Database from 'better-sqlite3';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import type { SearchHit, SearchPage } from '../../projections/library/search-index.js';
import { bigramTokens, type TermPattern } from './chinese-text.js';
import type { DocumentColumns } from './document-columns.js';
import { filterExpression } from './filter-tokens.js';
import { documentHighlights, termMatcher } from './highlight.js';
import type { RankedHit, RankingCache } from './ranking-cache.js';
import { encodeCursor } from './search-cursor.js';
import type { ParsedSearch } from './search-query.js';
import { type GenerationTables, generationTables } from './sqlite-search-schema.js';

/** Title, meta, body as words, then as bigrams, then the filter tokens (which must not score). */
const BM25_WEIGHTS = '10.0, 4.0, 1.0, 10.0, 4.0, 1.0, 0.0';
/** How many hits of a relevance search are frozen for its later pages. */
export const RANKING_WINDOW = 1000;
/**
 * How many hits relevance ranks at most: bm25 costs FTS5 a few microseconds a document, so a word found in most of
 * 100,000 documents would otherwise take a search beyond its budget.
 */
export const RELEVANCE_LIMIT = 5_000;
/** How many rows a relevance query may fetch only to drop them for their status, dates or snapshot. */
const MAX_DROPPED = 2000;

export interface SearchContext {
  prepare(sql: string): Database.Statement;
  rankings: RankingCache;
  /** The generation's filter, facet and sort columns, current with its tables. */
  columns: DocumentColumns;
}

export interface ActiveGeneration {
  id: number;
  name: string;
  highWater: number;
}

const quote = (tokens: string[]) => `"${tokens.join(' ').replaceAll('"', '""')}"`;

/**
 * A literal as a phrase of bigram tokens. A Han character that ends the literal after a digit or a Latin letter
 * (测试0号) is a token of its own in the query, but in a document it opens the next bigram (号的): it is matched as a
 * prefix. (One that starts a literal before a digit cannot be matched that way: FTS5 has no suffix tokens.)
 */
function literalPhrase(tokens: string[]): string {
  const last = tokens[tokens.length - 1];
  if (tokens.length < 2 || last === undefined || !/^\p{Script=Han}$/u.test(last)) return quote(tokens);
  return `${quote(tokens.slice(0, -1))} + ${quote([last])} *`;
}

function patternExpression(pattern: TermPattern): string {
  const parts = [
    // No column filter for words, so FTS5 need not decode positions to tell the columns apart. It changes nothing
    // found: a query's word tokens are dictionary words, characters and Latin runs, and a bigram column holds such a
    // token only where the text contains it; a two-character word is found in the bigram columns alone, the only
    // place the index keeps it (chinese-text.ts), and filter tokens cannot be typed.
    ...pattern.words.map((word) => quote([word])),
    ...pattern.literals.map((literal) => `{title_b meta_b body_b} : ${literalPhrase(bigramTokens(literal))}`),
  ];
  return `(${parts.join(' AND ')})`;
}

function textExpression(parsed: ParsedSearch): string | null {
  if (parsed.include.length === 0) return null;
  const positive = parsed.include.map(patternExpression).join(' AND ');
  const negative = parsed.exclude.map(patternExpression);
  return negative.length === 0 ? positive : `(${positive}) NOT (${negative.join(' OR ')})`;
}

interface PageRow {
  id: number;
  resourceId: string;
  /** The sort key after which the next page starts (without the resource id), null for resource id order. */
  key: number | null;
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
  const candidates = text === null ? columns.all() : matchingIds(context, t, text);
  const { ids: selected, late } = columns.filter(candidates, parsed.filters, snapshot);

  const { rows, hasMore, consumed, rankingId } =
    parsed.sort === 'relevance' && text !== null
      ? relevancePage(context, t, generation, parsed, text, { candidates, selected, late }, snapshot)
      : orderedPage(columns, selected, parsed);

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
          k: last.key === null ? [last.resourceId] : [last.key, last.resourceId],
          ...(rankingId === undefined ? {} : { p: rankingId }),
        })
      : null;
  return { hits, total: selected.length, endCursor, facets: columns.facets(selected, parsed.facets) };
}

/** The ids of the documents the MATCH finds, ascending; one string from SQLite is far cheaper than a row per id. */
function matchingIds(context: SearchContext, t: GenerationTables, match: string): Int32Array {
  const list = context.prepare(`SELECT group_concat(rowid) FROM ${t.fts} WHERE ${t.fts} MATCH ?`).pluck().get(match) as
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

function relevancePage(
  context: SearchContext,
  t: GenerationTables,
  generation: ActiveGeneration,
  parsed: ParsedSearch,
  text: string,
  found: { candidates: Int32Array; selected: Int32Array; late: number },
  snapshot: number,
): PageResult {
  const { candidates, selected, late } = found;
  const columns = context.columns;
  const first = parsed.first;
  const cursor = parsed.cursor;
  const rankable = Math.min(selected.length, RELEVANCE_LIMIT);
  // Ids ascend in the order documents entered the generation, so the most recent hits are the highest ids.
  const lowestId = selected.length > RELEVANCE_LIMIT ? selected[selected.length - RELEVANCE_LIMIT]! : 0;
  // Filters go into the MATCH so that bm25 scores only what passes them. Statuses and dates stay out while the rows
  // they would exclude are few enough to fetch and drop here (they are rarely selective, and each of their tokens
  // costs bm25 a pass over its doclist); `dropped` counts the rows at or above lowestId that the MATCH finds and the
  // page does not want.
  const loose = columns.filter(
    candidates,
    { ...parsed.filters, statuses: ['published', 'archived'], publishedAt: {}, writtenAt: {} },
    Number.POSITIVE_INFINITY,
  ).ids;
  const looseAbove = loose.length - lowerBound(loose, lowestId);
  const statusesAndDates = looseAbove - rankable > MAX_DROPPED;
  const filters = filterExpression(parsed.filters, statusesAndDates);
  const dropped = statusesAndDates ? late : looseAbove - rankable;
  const match = filters === null ? text : `(${text}) AND ${filters}`;
  // Ordered by resource id within equal ranks in SQL: a join per scored row costs less than fetching a whole group
  // of equal ranks again when one straddles the cut.
  const best = `SELECT f.rowid, bm25(${t.fts}, ${BM25_WEIGHTS}) AS rank FROM ${t.fts} AS f
    JOIN ${t.docs} AS d ON d.id = f.rowid
    WHERE ${t.fts} MATCH ? AND f.rowid >= ? ORDER BY rank, d.resource_id LIMIT ?`;
  const selectedMask = new Uint8Array(columns.idLimit);
  for (const id of selected) selectedMask[id] = 1;

  /** The best `count` hits in (rank, resource id) order. */
  const ranking = (count: number): RankedHit[] => {
    const found = context
      .prepare(best)
      .raw()
      .all(match, lowestId, count + dropped) as Array<[number, number]>;
    return found
      .filter(([id]) => selectedMask[id] === 1)
      .slice(0, count)
      .map(([id, rank]) => ({ id, resourceId: columns.resourceIds[id]!, rank }));
  };
  const toRows = (hits: RankedHit[]): PageRow[] =>
    hits.map((hit) => ({ id: hit.id, resourceId: hit.resourceId, key: hit.rank, score: -hit.rank }));

  if (cursor === null) {
    const window = ranking(Math.min(rankable, RANKING_WINDOW));
    if (rankable <= first) return { rows: toRows(window), hasMore: false, consumed: window.length };
    const rankingId = context.rankings.put({
      generationId: generation.id,
      hits: window,
      complete: window.length >= rankable,
    });
    return { rows: toRows(window.slice(0, first)), hasMore: true, consumed: first, rankingId };
  }

  const frozen = cursor.p === undefined ? undefined : context.rankings.get(cursor.p);
  const fitsFrozen = frozen !== undefined && (frozen.complete || cursor.o + first <= frozen.hits.length);
  if (frozen !== undefined && fitsFrozen && frozen.generationId === generation.id) {
    // A document archived or changed since no longer passes the filters: it is skipped, not shown out of place.
    const frozenPage = frozen.hits.slice(cursor.o, cursor.o + first);
    const passing = new Set(
      columns.filter(
        Int32Array.from(frozenPage, (hit) => hit.id),
        parsed.filters,
        snapshot,
      ).ids,
    );
    const page = frozenPage.filter((hit) => passing.has(hit.id));
    const hasMore = cursor.o + first < (frozen.complete ? frozen.hits.length : rankable);
    return { rows: toRows(page), hasMore, consumed: frozenPage.length, ...(hasMore ? { rankingId: cursor.p } : {}) };
  }

  const [rank, resourceId] = cursor.k;
  const after = { id: 0, resourceId: String(resourceId), rank: typeof rank === 'number' ? rank : -Infinity };
  const fresh = ranking(Math.min(rankable, cursor.o + first + 1));
  const page = fresh.filter((hit) => byRank(hit, after) > 0).slice(0, first + 1);
  const rows = toRows(page.slice(0, first));
  const hasMore = page.length > first && cursor.o + rows.length < rankable;
  return { rows, hasMore, consumed: rows.length };
}

/** The index of the first value not below `value` in ascending `values`. */
function lowerBound(values: Int32Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function orderedPage(columns: DocumentColumns, selected: Int32Array, parsed: ParsedSearch): PageResult {
  const order = parsed.sort === 'relevance' ? 'resourceId' : parsed.sort;
  const found = columns.top(selected, order, parsed.cursor?.k ?? null, parsed.first + 1);
  const rows = found.slice(0, parsed.first).map((id) => ({
    id,
    resourceId: columns.resourceIds[id]!,
    key: order === 'resourceId' ? null : columns.firstPublishedMs[id]!,
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
