/**
 * A `SearchQuery` as both adapters run it: validated (every problem reported at once as an `InvalidSearchQuery`,
 * never a crash deeper down), its text parsed into words, "quoted phrases" and -exclusions, its filters normalised,
 * and its cursor decoded and checked against the query it was made for.
 *
 * Text syntax: terms are separated by white space; a term in ASCII double quotes or Chinese quotes (“…”) is a phrase
 * and may contain spaces; a term starting with `-` is excluded (`-词`, `-"短语"`). A `-` inside a word (COVID-19) is
 * part of the word. Terms without a letter or digit (punctuation alone) are ignored.
 *
 * Besides what must match, a parsed search carries what relevance ranks by (sqlite-search-page.ts and
 * opensearch-query.ts apply the same rules): the text as one run, when it has several words, and the text as an
 * identifier, when it is one term with nothing excluded.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GENRES, isIsoDate, RESOURCE_TYPES, SUBJECT_SEPARATOR, VALIDITIES } from '../../../domain/metadata/index.js';
import type { SynonymTable } from '../../../domain/search/synonym-table.js';
import { FACETS, type Facet, InvalidSearchQuery, SORTS, type Sort } from '../../../projections/library/search-index.js';
import { isSearchable, phrasePattern, searchText, type TermPattern, wordPattern } from './chinese-text.js';
import type { HighlightTerm } from './highlight.js';
import { decodeCursor, type SearchCursor } from './search-cursor.js';
import { expandTerm, expansionsOfWhole, type QueryExpansion } from './synonym-expansion.js';

export const MAX_TEXT_CHARACTERS = 500;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_FILTER_VALUES = 100;
const STATUSES = ['published', 'archived'] as const;
type Status = (typeof STATUSES)[number];

export interface NormalisedFilters {
  siteIds: string[];
  columns: Array<{ siteId: string; columnId: string }>;
  /** Subjects given as a first level alone: each matches all of its second levels. */
  subjectTops: string[];
  subjectPaths: string[];
  genres: string[];
  publishers: string[];
  resourceTypes: string[];
  validity: string[];
  publishedAt: { from?: string; to?: string };
  writtenAt: { from?: string; to?: string };
  statuses: Status[];
}

/** One term of the text: a word or a quoted phrase. */
export interface QueryTerm {
  /** The term as typed, in `searchText` form (a phrase without its quotes). */
  text: string;
  phrase: boolean;
  /** What the term matches as typed (see chinese-text.ts). */
  pattern: TermPattern;
  /** What else the term matches: its synonyms (synonym-expansion.ts); a phrase has none. */
  expansions: TermPattern[];
}

export interface ParsedSearch {
  /** Each must match. */
  include: QueryTerm[];
  /** None may match. */
  exclude: QueryTerm[];
  /**
   * The included terms together as one run of text, in the order typed (`searchText` form), when they make more than
   * one word: documents that contain it as written rank above those with the words scattered. Null for a single
   * word or phrase, which matches as one run already.
   */
  run: string | null;
  /**
   * The text when it is one term and excludes nothing (trimmed, NFKC): documents whose index number or document
   * number is exactly `text`, or whose publisher is one of `names` (the text, and its expansions when it is a table
   * term), rank first, and are found even where the text is nowhere in their words.
   */
  identifier: { text: string; names: string[] } | null;
  /** The table terms the text was also searched as, with their expansions. */
  expansions: QueryExpansion[];
  /** What to mark in highlights, in `searchText` form. */
  highlightTerms: HighlightTerm[];
  filters: NormalisedFilters;
  sort: Sort;
  first: number;
  facets: Facet[];
  cursor: SearchCursor | null;
  /** Identifies the text, filters and sort, so that a cursor only continues the query it came from. */
  fingerprint: string;
}

const characters = (text: string) => [...text].length;
const value = z
  .string('must be a string')
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must have at most 200 characters');
const list = <T extends z.ZodType>(item: T) =>
  z.array(item, 'must be a list').max(MAX_FILTER_VALUES, `must have at most ${MAX_FILTER_VALUES} values`).nullish();
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

const isoDate = z.string('must be a date YYYY-MM-DD').refine(isIsoDate, 'must be a date YYYY-MM-DD that exists');
const dateRange = z
  .strictObject({ from: isoDate.nullish(), to: isoDate.nullish() }, 'must be an object with from and/or to')
  .refine((range) => !range.from || !range.to || range.from <= range.to, 'from must not be after to')
  .nullish();

const column = value.refine(
  (text) => /^[^/]+\/[^/]+$/.test(text),
  'must be siteId/columnId, as placements name a column',
);
const subject = value.refine(
  (text) => text.split(SUBJECT_SEPARATOR).length <= 2 && text.split(SUBJECT_SEPARATOR).every((s) => s.trim() !== ''),
  `must be a subject path 一级${SUBJECT_SEPARATOR}二级, or a first level alone`,
);

const filtersSchema = z.strictObject(
  {
    siteIds: list(value),
    columns: list(column),
    subjects: list(subject),
    genres: list(oneOf(GENRES)),
    publishers: list(value),
    resourceTypes: list(oneOf(RESOURCE_TYPES)),
    validity: list(oneOf(VALIDITIES)),
    publishedAt: dateRange,
    writtenAt: dateRange,
    statuses: list(oneOf(STATUSES)),
  },
  'must be an object of filters',
);

const querySchema = z.strictObject(
  {
    text: z
      .string('must be a string')
      .refine((text) => characters(text) <= MAX_TEXT_CHARACTERS, `must have at most ${MAX_TEXT_CHARACTERS} characters`)
      .nullish(),
    filters: filtersSchema.nullish(),
    sort: oneOf(SORTS).nullish(),
    first: z
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
      .nullish(),
    after: z.string('must be a cursor string').min(1, 'must not be empty').max(8192, 'is not a cursor').nullish(),
    facets: z
      .array(oneOf(FACETS), 'must be a list')
      .max(FACETS.length * 2, 'too many facets')
      .nullish(),
  },
  'a search must be an object',
);

type Problem = { path: string; message: string };

function pathOf(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, segment) => {
    if (typeof segment === 'number') return `${path}[${segment}]`;
    return path === '' ? String(segment) : `${path}.${String(segment)}`;
  }, '');
}

function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const where = issue.path.length === 0 ? 'a search field' : 'a filter';
      const known = issue.path.length === 0 ? Object.keys(querySchema.shape) : Object.keys(filtersSchema.shape);
      return issue.keys.map((key) => ({
        path: pathOf([...issue.path, key]),
        message: `not ${where}; known: ${known.join(', ')}`,
      }));
    }
    return [{ path: pathOf(issue.path) || 'query', message: issue.message }];
  });
}

interface RawTerm {
  text: string;
  phrase: boolean;
  negated: boolean;
}

const OPENING_QUOTES = new Set(['"', '“']);
const CLOSING_QUOTES = new Set(['"', '”']);
const isSpace = (char: string) => /[\s\u3000]/u.test(char);

/** Splits the text into terms; problems are messages about the text. */
function splitText(text: string): { terms: RawTerm[]; problems: string[] } {
  const chars = [...text];
  const terms: RawTerm[] = [];
  const problems: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (isSpace(char)) {
      i++;
      continue;
    }
    const next = chars[i + 1];
    const negated = char === '-' && next !== undefined && !isSpace(next);
    const start = negated ? i + 1 : i;
    const opening = chars[start]!;
    if (OPENING_QUOTES.has(opening)) {
      let end = start + 1;
      while (end < chars.length && !CLOSING_QUOTES.has(chars[end]!)) end++;
      if (end >= chars.length) {
        problems.push(`unbalanced quotes: the ${opening} at character ${start + 1} is never closed`);
        break;
      }
      const phrase = chars.slice(start + 1, end).join('');
      if (phrase.trim() === '') problems.push(`the phrase at character ${start + 1} is empty`);
      else terms.push({ text: phrase, phrase: true, negated });
      i = end + 1;
      continue;
    }
    if (CLOSING_QUOTES.has(opening)) {
      problems.push(`unbalanced quotes: the ${opening} at character ${start + 1} closes no phrase`);
      i = start + 1;
      continue;
    }
    let end = start;
    while (end < chars.length && !isSpace(chars[end]!) && !OPENING_QUOTES.has(chars[end]!)) {
      if (CLOSING_QUOTES.has(chars[end]!)) break;
      end++;
    }
    terms.push({ text: chars.slice(start, end).join(''), phrase: false, negated });
    i = end;
  }
  return { terms, problems };
}

function parseText(
  text: string,
  synonyms: SynonymTable | undefined,
): { include: QueryTerm[]; exclude: QueryTerm[]; expansions: QueryExpansion[]; problems: string[] } {
  // Full-width quotes, minus signs and spaces typed by a Chinese input method become their ASCII forms.
  const { terms, problems } = splitText(text.normalize('NFKC'));
  const include: QueryTerm[] = [];
  const exclude: QueryTerm[] = [];
  const expansions = new Map<string, QueryExpansion>();
  for (const term of terms) {
    const pattern = term.phrase ? phrasePattern(term.text) : wordPattern(term.text);
    if (!isSearchable(pattern)) continue;
    const normalised = searchText(term.text);
    const expanded =
      term.phrase || synonyms === undefined ? { alternatives: [], used: [] } : expandTerm(normalised, synonyms);
    for (const used of expanded.used) expansions.set(used.term, used);
    (term.negated ? exclude : include).push({
      text: normalised,
      phrase: term.phrase,
      pattern,
      expansions: expanded.alternatives,
    });
  }
  if (problems.length === 0 && include.length === 0) {
    if (exclude.length > 0) {
      problems.push('only exclusions: a search needs at least one word or phrase that must match');
    } else if (text.trim() !== '') {
      problems.push('nothing to search for: words need letters, digits or Chinese characters');
    }
  }
  return { include, exclude, expansions: [...expansions.values()], problems };
}

function highlightTerms(include: QueryTerm[]): HighlightTerm[] {
  return include.flatMap(({ pattern, expansions }) =>
    [pattern, ...expansions].flatMap((matched) => [
      ...matched.words.map((text) => ({ text, literal: false })),
      ...matched.literals.map((text) => ({ text, literal: true })),
    ]),
  );
}

/** See ParsedSearch.run. Terms are joined by a space, which searchText drops between Han characters only. */
function runOf(include: QueryTerm[]): string | null {
  const pieces = include.reduce((sum, { pattern }) => sum + pattern.words.length + pattern.literals.length, 0);
  if (pieces < 2) return null;
  return searchText(include.map((term) => term.text).join(' '));
}

/** See ParsedSearch.identifier. */
function identifierOf(
  text: string,
  include: QueryTerm[],
  exclude: QueryTerm[],
  synonyms: SynonymTable | undefined,
): ParsedSearch['identifier'] {
  if (include.length !== 1 || exclude.length > 0) return null;
  const trimmed = text.normalize('NFKC').trim();
  // A quoted identifier is the same identifier.
  const identifier = include[0]!.phrase ? trimmed.replace(/^["“](.*)["”]$/su, '$1').trim() : trimmed;
  const expansions = synonyms === undefined || include[0]!.phrase ? [] : expansionsOfWhole(identifier, synonyms);
  return { text: identifier, names: [identifier, ...expansions] };
}

const sorted = (values: readonly string[] | null | undefined) => [...new Set(values ?? [])].sort();

function normaliseFilters(filters: z.output<typeof filtersSchema> | null | undefined): NormalisedFilters {
  const subjects = sorted(filters?.subjects).map((path) =>
    path
      .split(SUBJECT_SEPARATOR)
      .map((segment) => segment.trim())
      .join(SUBJECT_SEPARATOR),
  );
  const range = (r: { from?: string | null; to?: string | null } | null | undefined) => ({
    ...(r?.from ? { from: r.from } : {}),
    ...(r?.to ? { to: r.to } : {}),
  });
  const statuses = sorted(filters?.statuses) as Status[];
  return {
    siteIds: sorted(filters?.siteIds),
    columns: sorted(filters?.columns).map((text) => {
      const [siteId = '', columnId = ''] = text.split('/');
      return { siteId, columnId };
    }),
    subjectTops: subjects.filter((path) => !path.includes(SUBJECT_SEPARATOR)),
    subjectPaths: subjects.filter((path) => path.includes(SUBJECT_SEPARATOR)),
    genres: sorted(filters?.genres),
    publishers: sorted(filters?.publishers),
    resourceTypes: sorted(filters?.resourceTypes),
    validity: sorted(filters?.validity),
    publishedAt: range(filters?.publishedAt),
    writtenAt: range(filters?.writtenAt),
    statuses: statuses.length === 0 ? ['published'] : statuses,
  };
}

/**
 * Validates and parses a search. The default sort is relevance when there is text and newest first when there is
 * none (relevance without text would be the order of resource ids). Empty filter lists mean no filter.
 */
export function parseSearchQuery(query: unknown, synonyms?: SynonymTable): ParsedSearch {
  const result = querySchema.safeParse(query ?? {});
  if (!result.success) throw new InvalidSearchQuery(zodProblems(result.error));
  const input = result.data;
  const problems: Problem[] = [];

  const { include, exclude, expansions, problems: textProblems } = parseText(input.text ?? '', synonyms);
  for (const message of textProblems) problems.push({ path: 'text', message });

  const filters = normaliseFilters(input.filters);
  const sort = input.sort ?? (include.length > 0 ? 'relevance' : 'newest');
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({ include: include.map((t) => t.pattern), exclude: exclude.map((t) => t.pattern), filters, sort }),
    )
    .digest('base64url')
    .slice(0, 22);

  let cursor: SearchCursor | null = null;
  if (input.after) {
    cursor = decodeCursor(input.after);
    if (cursor === null) {
      problems.push({ path: 'after', message: 'is not a cursor of this search: pass a page endCursor unchanged' });
    } else if (cursor.f !== fingerprint) {
      problems.push({
        path: 'after',
        message: 'belongs to another search: page with the text, filters and sort it came from',
      });
    }
  }
  if (problems.length > 0) throw new InvalidSearchQuery(problems);

  return {
    include,
    exclude,
    run: runOf(include),
    identifier: identifierOf(input.text ?? '', include, exclude, synonyms),
    expansions,
    highlightTerms: highlightTerms(include),
    filters,
    sort,
    first: input.first ?? DEFAULT_PAGE_SIZE,
    facets: [...new Set(input.facets ?? [])],
    cursor,
    fingerprint,
  };
}
