/**
 * A parsed search as OpenSearch query DSL, matching what the embedded index matches (chinese-text.ts): a word is
 * found as a word in the `*_words` fields (jieba), a literal as a phrase of bigram tokens in the `*_pairs` fields;
 * both kinds of field also score (title boosted 10, meta 4, body 1). Filters are `filter` clauses, so they do not
 * score.
 *
 * Relevance follows the embedded index's classes (sqlite-search-page.ts, RELEVANCE): beside the match, constant
 * should-boosts for the text as the document's identifier, as one run in its title, every term in its title, and the
 * text as one run anywhere (a phrase of its bigram tokens: any character between two words removes the pair that
 * straddles them, so the run is matched as written, with no slop). The boosts are CLASS_BOOST apart, far above what
 * BM25 gives the match of a text of a few dozen characters, so they order the hits as the embedded classes do and
 * BM25 orders the hits within a class; scores are 32-bit floats, and at these magnitudes they still tell BM25 apart
 * to about a hundredth.
 */
import type { API } from '@opensearch-project/opensearch';
import { bigramTokens, type TermPattern } from '../shared/chinese-text.js';
import { docNumberKey, titleKey } from '../shared/search-fields.js';
import type { NormalisedFilters, ParsedSearch, QueryTerm } from '../shared/search-query.js';

type Query = Record<string, unknown>;

const WORD_FIELDS = ['title_words^10', 'meta_words^4', 'body_words'];
const PAIR_FIELDS = ['title_pairs^10', 'meta_pairs^4', 'body_pairs'];

/** Text in searchText form as the phrase of its bigram tokens, in any one of the pair fields. */
function pairPhrase(text: string): Query {
  return { multi_match: { query: bigramTokens(text).join(' '), fields: PAIR_FIELDS, type: 'phrase' } };
}

/** One class step of relevance (see above). */
export const CLASS_BOOST = 10_000;
const RELEVANCE = { identifier: 8, runInTitle: 4, allInTitle: 2, run: 1 } as const;

const boost = (filter: Query, bits: number): Query => ({ constant_score: { filter, boost: bits * CLASS_BOOST } });

/** A pattern matched in the title alone: its words in `title_words`, its literals as phrases in `title_pairs`. */
function titlePatternQuery(pattern: TermPattern): Query {
  return {
    bool: {
      must: [
        ...pattern.words.map((word) => ({ match: { title_words: { query: word, operator: 'and' } } })),
        ...pattern.literals.map((literal) => ({ match_phrase: { title_pairs: bigramTokens(literal).join(' ') } })),
      ],
    },
  };
}

/** The should-boosts of the relevance classes the text can reach. */
function classBoosts(parsed: ParsedSearch): Query[] {
  const allInTitle: Query = {
    bool: { must: parsed.include.map((term) => anyOf([term.pattern, ...term.expansions].map(titlePatternQuery))) },
  };
  if (parsed.run === null) return [boost(allInTitle, RELEVANCE.runInTitle + RELEVANCE.allInTitle)];
  const run = bigramTokens(parsed.run).join(' ');
  return [
    boost({ match_phrase: { title_pairs: run } }, RELEVANCE.runInTitle),
    boost(allInTitle, RELEVANCE.allInTitle),
    boost({ multi_match: { query: run, fields: PAIR_FIELDS, type: 'phrase' } }, RELEVANCE.run),
  ];
}

/** Documents whose index number, document number, publisher or title key is the text's (ParsedSearch.identifier). */
function identifierQuery({ text, names }: { text: string; names: string[] }): Query {
  const docNumber = docNumberKey(text);
  return {
    bool: {
      should: [
        { terms: { index_number: [...new Set([text, text.toUpperCase()])] } },
        ...(docNumber === null ? [] : [{ term: { doc_number: docNumber } }]),
        ...(titleKey(text) === '' ? [] : [{ term: { title_key: titleKey(text) } }]),
        { terms: { publisher: names } },
      ],
      minimum_should_match: 1,
    },
  };
}

/** One query, or a disjunction of several (a term and its synonyms: the paths of its synonym graph). */
function anyOf(queries: Query[]): Query {
  return queries.length === 1 ? queries[0]! : { bool: { should: queries, minimum_should_match: 1 } };
}

/** A term as typed, or any of its expansions (synonym-expansion.ts). */
function termQuery(term: QueryTerm): Query {
  return anyOf([term.pattern, ...term.expansions].map(patternQuery));
}

function patternQuery(pattern: TermPattern): Query {
  const must: Query[] = [
    ...pattern.words.map((word) => ({
      multi_match: { query: word, fields: WORD_FIELDS, type: 'most_fields', operator: 'and' },
    })),
    ...pattern.literals.map((literal) => pairPhrase(literal)),
  ];
  // The same words as phrases of pairs: more score where the word stands in the text as typed.
  const should: Query[] = pattern.words.map((word) => pairPhrase(word));
  return { bool: { must, should } };
}

function filterClauses(filters: NormalisedFilters): Query[] {
  const clauses: Query[] = [{ terms: { status: filters.statuses } }];
  const terms = (field: string, values: string[]) => {
    if (values.length > 0) clauses.push({ terms: { [field]: values } });
  };
  terms('genre', filters.genres);
  terms('publisher', filters.publishers);
  terms('resource_type', filters.resourceTypes);
  terms('validity', filters.validity);
  terms('site_ids', filters.siteIds);
  terms(
    'columns',
    filters.columns.map((c) => `${c.siteId}/${c.columnId}`),
  );
  if (filters.subjectTops.length + filters.subjectPaths.length > 0) {
    clauses.push({
      bool: {
        should: [{ terms: { subject_top: filters.subjectTops } }, { terms: { subject: filters.subjectPaths } }],
        minimum_should_match: 1,
      },
    });
  }
  for (const [field, range] of [
    ['published_date', filters.publishedAt],
    ['written_at', filters.writtenAt],
  ] as const) {
    if (range.from === undefined && range.to === undefined) continue;
    clauses.push({
      range: { [field]: { ...(range.from ? { gte: range.from } : {}), ...(range.to ? { lte: range.to } : {}) } },
    });
  }
  return clauses;
}

export function searchQuery(parsed: ParsedSearch): Query {
  const filter = filterClauses(parsed.filters);
  // The checkpoint document has no status, so the status filter always leaves it out.
  if (parsed.include.length === 0) return { bool: { filter } };
  const text: Query = {
    bool: { must: parsed.include.map(termQuery), should: classBoosts(parsed) },
  };
  const must_not = parsed.exclude.map(termQuery);
  if (parsed.identifier === null) return { bool: { must: [text], must_not, filter } };
  return {
    bool: {
      should: [text, boost(identifierQuery(parsed.identifier), RELEVANCE.identifier)],
      minimum_should_match: 1,
      must_not,
      filter,
    },
  };
}

/** Sort keys end with the resource id, so every hit has a distinct key for search_after. */
export function searchSort(parsed: ParsedSearch): API.Search_RequestBody['sort'] {
  if (parsed.sort === 'relevance') {
    return parsed.include.length > 0
      ? [{ _score: { order: 'desc' } }, { resource_id: { order: 'asc' } }]
      : [{ resource_id: { order: 'asc' } }];
  }
  return [
    { first_published_ms: { order: parsed.sort === 'newest' ? 'desc' : 'asc' } },
    { resource_id: { order: 'asc' } },
  ];
}

/** Large enough for every value a facet can have in a city's library (sites, subjects, years, genres). */
const FACET_SIZE = 1000;

export function facetAggregations(parsed: ParsedSearch): Record<string, Query> {
  const aggregations: Record<string, Query> = {};
  for (const facet of parsed.facets) {
    if (facet === 'subject') {
      aggregations.subject_top = { terms: { field: 'subject_top', size: FACET_SIZE } };
      aggregations.subject = { terms: { field: 'subject', size: FACET_SIZE } };
    } else {
      const field = { genre: 'genre', site: 'site_ids', year: 'published_year' }[facet];
      aggregations[facet] = { terms: { field, size: FACET_SIZE } };
    }
  }
  return aggregations;
}
