/**
 * The search index port: the library read model with Chinese full-text search. Two adapters (embedded SQLite FTS5,
 * OpenSearch) pass one contract suite (test/contract/search-index.contract.ts).
 *
 * Writes come only from the library projection, as batches of changes together with the log position they reach
 * (the checkpoint): an adapter applies both atomically (SQLite: one transaction) or idempotently (OpenSearch:
 * external versioning by position), so replaying a batch changes nothing.
 *
 * A projection version lives in a generation of its own (`library-v3`…): a rebuild fills a fresh generation while
 * the active one keeps answering, and `promote` switches readers over atomically.
 */
import type { Position } from '../../domain/event-store/event.js';
import type { LibraryChange, LibraryDocument } from './library-document.js';

export const SORTS = ['relevance', 'newest', 'oldest'] as const;
export type Sort = (typeof SORTS)[number];
export const FACETS = ['subject', 'genre', 'site', 'year'] as const;
export type Facet = (typeof FACETS)[number];

export interface DateRange {
  /** Inclusive, `YYYY-MM-DD`. */
  from?: string;
  /** Inclusive, `YYYY-MM-DD`. */
  to?: string;
}

export interface SearchFilters {
  /** Sites where the resource is placed (any of them). */
  siteIds?: string[];
  /** Columns where the resource is placed (any of them), as `siteId/columnId`. */
  columns?: string[];
  /** Subject paths; a top level alone matches all of its second levels. */
  subjects?: string[];
  genres?: string[];
  publishers?: string[];
  resourceTypes?: string[];
  validity?: string[];
  publishedAt?: DateRange;
  writtenAt?: DateRange;
  /** Default: published only. */
  statuses?: Array<'published' | 'archived'>;
}

export interface SearchQuery {
  /**
   * Words (each must match), "quoted phrases" (must match as written) and -exclusions (must not match), in Chinese
   * or any other language; empty or absent lists everything that passes the filters.
   */
  text?: string;
  filters?: SearchFilters;
  sort?: Sort;
  /** At most 100; default 20. */
  first?: number;
  /** Opaque, from a previous page's `endCursor`: the next page of the same query, stable while resources arrive. */
  after?: string;
  facets?: Facet[];
}

export interface SearchHit {
  document: LibraryDocument;
  /** Higher is better; only meaningful within one result list. */
  score: number;
  /** Fragments of title and body with the matched terms marked `<em>…</em>` (text otherwise HTML-escaped). */
  highlights: { title: string; body: string };
}

export interface FacetCount {
  value: string;
  count: number;
}

/** A term of the text found in the search synonyms, and the expansions the search also matched it as. */
export interface SearchExpansion {
  term: string;
  expansions: string[];
}

export interface SearchPage {
  hits: SearchHit[];
  total: number;
  /** Present when more hits follow. */
  endCursor: string | null;
  facets: Partial<Record<Facet, FacetCount[]>>;
  /** The synonyms the text was searched with (empty when none of its terms is in the table). */
  expansions: SearchExpansion[];
}

/** A query the index cannot run: unbalanced quotes, only exclusions, a bad cursor, an unknown filter value… */
export class InvalidSearchQuery extends Error {
  readonly code = 'INVALID_SEARCH_QUERY';
  readonly category = 'BAD_USER_INPUT';
  constructor(readonly problems: Array<{ path: string; message: string }>) {
    super(`invalid search: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidSearchQuery';
  }
}

/** One generation of the library read model. */
export interface LibraryGeneration {
  readonly generation: string;
  /** Position of the last event applied, or null when nothing was. */
  checkpoint(): Promise<Position | null>;
  /** Applies the changes and records the checkpoint, atomically or idempotently (see above). */
  apply(changes: LibraryChange[], checkpoint: Position): Promise<void>;
  get(resourceId: string): Promise<LibraryDocument | null>;
  /** Documents placed in any of these columns of the site: a site's content migration moves them. */
  findByPlacement(siteId: string, columnIds: string[]): Promise<LibraryDocument[]>;
}

export interface SearchIndex {
  /** The generation readers use, or null before the first promotion. */
  activeGeneration(): Promise<string | null>;
  /** Opens (creating when new) a generation for writing. */
  openGeneration(generation: string): Promise<LibraryGeneration>;
  /** Makes `generation` the one readers see, atomically, and drops the generation it replaces. */
  promote(generation: string): Promise<void>;

  search(query: SearchQuery): Promise<SearchPage>;
  get(resourceId: string): Promise<LibraryDocument | null>;
  byIndexNumber(indexNumber: string): Promise<LibraryDocument | null>;
  /** Document numbers are normalised as the metadata model does, so any bracket variant finds the document. */
  byDocNumber(docNumber: string): Promise<LibraryDocument[]>;
  close(): Promise<void>;
}
