/**
 * The production search index: OpenSearch through `@opensearch-project/opensearch`.
 *
 * - A generation is an index `<prefix>library-<generation>`; readers use the alias `<prefix>library`, which
 *   `promote` moves with one `updateAliases` call (remove and add together, so no search sees neither or both),
 *   then deletes the index it replaced.
 * - Writes use external versioning with the document's position as the version: a replayed or older upsert is a
 *   version conflict, which is success (nothing to do). A removal writes a tombstone document (status `removed`,
 *   version = position), never a delete, because OpenSearch forgets the versions of deleted documents after
 *   `index.gc_deletes` (60 s) and an old upsert replayed after that would bring the resource back.
 * - The checkpoint is a document of the same index (id `__checkpoint__`), written after the batch with version =
 *   checkpoint, so it never moves back and goes away with its generation.
 * - Refresh: the last bulk request of a batch asks for `refresh: true`, which makes the whole batch searchable
 *   before `apply` returns (what the projection and the contract suite expect), and the checkpoint is read back with
 *   a realtime GET. Not `wait_for`: that waits for the next periodic refresh (every second by default), so each
 *   live publication took half a second on average to become searchable, four times the embedded index's budget;
 *   one refresh per batch is cheap at the rate a library is written, even during a rebuild (500 events a batch).
 * - Highlights are made here from the hit's own document (shared/highlight.ts), as the embedded index makes them,
 *   not by OpenSearch's highlighter: its unified highlighter walks a sentence break iterator from every match, so a
 *   common word in a body of a million characters (20,000 matches) kept a search thread busy for minutes, long after
 *   the client had given up (and retried, twice). The document is in every hit already, so this costs one scan of
 *   its text up to the first match.
 * - Paging: the first page opens a point in time (5 minutes, renewed by each page) and pages continue with
 *   `search_after` on the sort key plus the resource id inside it, so later pages see the index exactly as the first
 *   did: nothing applied meanwhile is mixed in, and documents changed meanwhile keep their place and version. When
 *   no point in time can be opened (the cluster's `search.max_open_pit_context`, 300 by default) or it has expired,
 *   pages continue with `search_after` on the live alias, which is exact only while nothing is applied.
 */
import { type API, Client, errors } from '@opensearch-project/opensearch';
import type { Position } from '../../../domain/event-store/event.js';
import type { SynonymTable } from '../../../domain/search/synonym-table.js';
import type { LibraryChange, LibraryDocument } from '../../../projections/library/library-document.js';
import type {
  Facet,
  FacetCount,
  LibraryGeneration,
  SearchHit,
  SearchIndex,
  SearchPage,
  SearchQuery,
} from '../../../projections/library/search-index.js';
import { orderFacetCounts } from '../shared/facet-order.js';
import { documentHighlights, termMatcher } from '../shared/highlight.js';
import { encodeCursor } from '../shared/search-cursor.js';
import { docNumberKey } from '../shared/search-fields.js';
import { type ParsedSearch, parseSearchQuery } from '../shared/search-query.js';
import {
  CHECKPOINT_ID,
  GENERATION_INDEX,
  REMOVED,
  removedDocument,
  type StoredDocument,
  storedDocument,
} from './opensearch-mapping.js';
import { facetAggregations, searchQuery, searchSort } from './opensearch-query.js';

const GENERATION_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const KEEP_ALIVE = '5m';
/** Bulk requests stay well below OpenSearch's default 100 MB request limit even with bodies of a million characters. */
const BULK_DOCUMENTS = 200;
const LOOKUP_SIZE = 1000;

export interface OpenSearchSearchIndex extends SearchIndex {
  /** Deletes every index of this prefix (tests, and tearing down a deployment). */
  dropAll(): Promise<void>;
}

const statusOf = (error: unknown) => (error instanceof errors.ResponseError ? error.statusCode : undefined);

export interface OpenSearchOptions {
  /** The search synonyms in force, asked at every search (the composition reads them from their read model). */
  synonyms?: () => SynonymTable;
}

export async function openOpenSearchIndex(
  url: string,
  prefix = '',
  options: OpenSearchOptions = {},
): Promise<OpenSearchSearchIndex> {
  if (!/^[a-z0-9._-]*$/.test(prefix)) {
    throw new TypeError(
      `an index prefix is lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(prefix)})`,
    );
  }
  const client = new Client({ node: url });
  await client.ping();
  return new OpenSearchIndex(client, prefix, options.synonyms);
}

class OpenSearchIndex implements OpenSearchSearchIndex {
  readonly alias: string;

  constructor(
    readonly client: Client,
    prefix: string,
    private readonly synonyms: (() => SynonymTable) | undefined,
  ) {
    this.alias = `${prefix}library`;
  }

  indexOf(generation: string): string {
    return `${this.alias}-${generation}`;
  }

  async activeGeneration(): Promise<string | null> {
    const index = await this.#activeIndex();
    return index === null ? null : index.slice(this.alias.length + 1);
  }

  async #activeIndex(): Promise<string | null> {
    try {
      const { body } = await this.client.indices.getAlias({ name: this.alias });
      return Object.keys(body)[0] ?? null;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async openGeneration(generation: string): Promise<LibraryGeneration> {
    if (!GENERATION_NAME.test(generation)) {
      throw new TypeError(
        `generation names are 1-100 lower-case letters, digits, '.', '_' or '-' (got ${JSON.stringify(generation)})`,
      );
    }
    const index = this.indexOf(generation);
    const { body: exists } = await this.client.indices.exists({ index });
    if (!exists) {
      try {
        await this.client.indices.create({ index, body: GENERATION_INDEX });
      } catch (error) {
        // Another process created it first: the same mappings, so nothing is lost.
        if (
          !(error instanceof errors.ResponseError && error.body?.error?.type === 'resource_already_exists_exception')
        ) {
          throw error;
        }
      }
    }
    return new OpenSearchGeneration(this, generation, index);
  }

  async promote(generation: string): Promise<void> {
    const index = this.indexOf(generation);
    const { body: exists } = await this.client.indices.exists({ index });
    if (!exists) throw new Error(`cannot promote ${generation}: no such generation (open it first)`);
    const active = await this.#activeIndex();
    if (active === index) return;
    const actions: API.Indices_UpdateAliases_RequestBody['actions'] = [
      ...(active === null ? [] : [{ remove: { index: active, alias: this.alias } }]),
      { add: { index, alias: this.alias } },
    ];
    await this.client.indices.updateAliases({ body: { actions } });
    if (active !== null) await this.client.indices.delete({ index: active });
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const parsed = parseSearchQuery(query, this.synonyms?.());
    const empty: SearchPage = {
      hits: [],
      total: 0,
      endCursor: null,
      facets: Object.fromEntries(parsed.facets.map((facet) => [facet, []])),
      expansions: parsed.expansions,
    };
    const cursor = parsed.cursor;
    let pit: string | undefined;
    let response: API.Search_ResponseBody;
    try {
      pit = cursor === null ? await this.#openPointInTime() : cursor.p;
      response = await this.#search(parsed, pit);
    } catch (error) {
      if (!(error instanceof errors.ResponseError)) throw error;
      // No alias yet: nothing was promoted, so there is nothing to find.
      if (pit === undefined) {
        if (error.statusCode === 404) return empty;
        throw error;
      }
      // The point in time expired, or a promotion deleted its index: search the live alias instead.
      pit = undefined;
      try {
        response = await this.#search(parsed, pit);
      } catch (retryError) {
        if (statusOf(retryError) === 404) return empty;
        throw retryError;
      }
    }
    pit = response.pit_id ?? pit;
    const found = response.hits.hits;
    const hasMore = found.length > parsed.first;
    const matcher = termMatcher(parsed.highlightTerms);
    const hits: SearchHit[] = found.slice(0, parsed.first).flatMap((hit) => {
      const document = (hit._source as StoredDocument | undefined)?.document;
      if (document === undefined) return [];
      return [
        {
          document,
          score: parsed.sort === 'relevance' && parsed.include.length > 0 ? (hit._score ?? 0) : 0,
          highlights: documentHighlights(document, matcher),
        },
      ];
    });
    const last = found[parsed.first - 1];
    const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
    let endCursor: string | null = null;
    if (hasMore && last?.sort !== undefined) {
      endCursor = encodeCursor({
        v: 1,
        f: parsed.fingerprint,
        g: last._index ?? this.alias,
        s: 0,
        o: (cursor?.o ?? 0) + parsed.first,
        k: last.sort.filter(
          (value): value is string | number => typeof value === 'string' || typeof value === 'number',
        ),
        ...(pit === undefined ? {} : { p: pit }),
      });
    } else if (pit !== undefined) {
      await this.client.deletePit({ body: { pit_id: [pit] } }).catch(() => undefined);
    }
    return {
      hits,
      total,
      endCursor,
      facets: facetCounts(parsed, response.aggregations),
      expansions: parsed.expansions,
    };
  }

  async #openPointInTime(): Promise<string | undefined> {
    try {
      const { body } = await this.client.createPit({ index: [this.alias], keep_alive: KEEP_ALIVE });
      return body.pit_id;
    } catch (error) {
      // Too many open points in time (or none supported): page on the live alias instead of refusing to search.
      if (statusOf(error) === 429 || statusOf(error) === 400) return undefined;
      throw error;
    }
  }

  async #search(parsed: ParsedSearch, pit: string | undefined): Promise<API.Search_ResponseBody> {
    const after = parsed.cursor?.k;
    const body: API.Search_RequestBody = {
      query: searchQuery(parsed) as API.Search_RequestBody['query'],
      sort: searchSort(parsed),
      size: parsed.first + 1,
      track_total_hits: true,
      track_scores: true,
      aggregations: facetAggregations(parsed) as API.Search_RequestBody['aggregations'],
      _source: { includes: ['document'] },
      ...(after === undefined ? {} : { search_after: after }),
      ...(pit === undefined ? {} : { pit: { id: pit, keep_alive: KEEP_ALIVE } }),
    };
    const { body: response } = await this.client.search(pit === undefined ? { index: this.alias, body } : { body });
    return response;
  }

  async get(resourceId: string): Promise<LibraryDocument | null> {
    return this.getFrom(this.alias, resourceId);
  }

  async getFrom(index: string, resourceId: string): Promise<LibraryDocument | null> {
    if (typeof resourceId !== 'string' || resourceId === '' || resourceId === CHECKPOINT_ID) return null;
    try {
      const { body } = await this.client.get({ index, id: resourceId, _source_includes: ['document', 'status'] });
      const source = body._source as StoredDocument | undefined;
      return source === undefined || source.status === REMOVED ? null : (source.document ?? null);
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async lookup(
    index: string,
    filter: Record<string, unknown>[],
    sort: API.Search_RequestBody['sort'],
  ): Promise<LibraryDocument[]> {
    const documents: LibraryDocument[] = [];
    let after: API.Search_RequestBody['search_after'];
    for (;;) {
      let body: API.Search_ResponseBody;
      try {
        ({ body } = await this.client.search({
          index,
          ignore_unavailable: true,
          body: {
            query: {
              bool: { filter: [...filter, { terms: { status: ['published', 'archived'] } }] },
            } as API.Search_RequestBody['query'],
            sort,
            size: LOOKUP_SIZE,
            _source: { includes: ['document'] },
            ...(after === undefined ? {} : { search_after: after }),
          },
        }));
      } catch (error) {
        // No alias yet, or a generation index deleted meanwhile: there is nothing to look up.
        if (statusOf(error) === 404) return documents;
        throw error;
      }
      for (const hit of body.hits.hits) {
        const document = (hit._source as StoredDocument | undefined)?.document;
        if (document !== undefined) documents.push(document);
      }
      const last = body.hits.hits.at(-1);
      if (body.hits.hits.length < LOOKUP_SIZE || last?.sort === undefined) return documents;
      after = last.sort;
    }
  }

  async byIndexNumber(indexNumber: string): Promise<LibraryDocument | null> {
    if (typeof indexNumber !== 'string') return null;
    const [first] = await this.lookup(
      this.alias,
      [{ term: { index_number: indexNumber.trim() } }],
      [{ resource_id: { order: 'asc' } }],
    );
    return first ?? null;
  }

  async byDocNumber(docNumber: string): Promise<LibraryDocument[]> {
    const key = typeof docNumber === 'string' ? docNumberKey(docNumber) : null;
    if (key === null) return [];
    return this.lookup(
      this.alias,
      [{ term: { doc_number: key } }],
      [{ first_published_ms: { order: 'desc' } }, { resource_id: { order: 'asc' } }],
    );
  }

  async dropAll(): Promise<void> {
    const { body } = await this.client.indices.get({ index: `${this.alias}-*`, ignore_unavailable: true });
    const indices = Object.keys(body);
    if (indices.length > 0) await this.client.indices.delete({ index: indices.join(',') });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

function facetCounts(
  parsed: ParsedSearch,
  aggregations: API.Search_ResponseBody['aggregations'],
): Partial<Record<Facet, FacetCount[]>> {
  const buckets = (name: string): FacetCount[] => {
    const aggregate = aggregations?.[name] as
      | { buckets?: Array<{ key: string | number; doc_count: number }> }
      | undefined;
    return (aggregate?.buckets ?? []).map((bucket) => ({ value: String(bucket.key), count: bucket.doc_count }));
  };
  const facets: Partial<Record<Facet, FacetCount[]>> = {};
  for (const facet of parsed.facets) {
    facets[facet] =
      facet === 'subject'
        ? // A path equal to its first level (其他) is already counted there.
          orderFacetCounts([...buckets('subject_top'), ...buckets('subject').filter((b) => b.value.includes('/'))])
        : orderFacetCounts(buckets(facet));
  }
  return facets;
}

class OpenSearchGeneration implements LibraryGeneration {
  constructor(
    private readonly owner: OpenSearchIndex,
    readonly generation: string,
    private readonly index: string,
  ) {}

  async checkpoint(): Promise<Position | null> {
    try {
      const { body } = await this.owner.client.get({ index: this.index, id: CHECKPOINT_ID });
      const checkpoint = (body._source as { checkpoint?: number } | undefined)?.checkpoint;
      return typeof checkpoint === 'number' ? checkpoint : null;
    } catch (error) {
      if (statusOf(error) === 404) return null;
      throw error;
    }
  }

  async apply(changes: LibraryChange[], checkpoint: Position): Promise<void> {
    if (!Number.isSafeInteger(checkpoint) || checkpoint < 0) {
      throw new TypeError(`a checkpoint is a non-negative integer position (got ${checkpoint})`);
    }
    // Each bulk request is sent only after the one before it succeeded, and the next one's documents (jieba, the
    // costly part on this side) are prepared while the server indexes the one in flight.
    let inFlight: Promise<void> | undefined;
    for (let start = 0; start < changes.length; start += BULK_DOCUMENTS) {
      let operations: API.Bulk_RequestBody;
      try {
        operations = this.#operations(changes.slice(start, start + BULK_DOCUMENTS));
      } catch (error) {
        await inFlight?.catch(() => undefined);
        throw error;
      }
      await inFlight;
      inFlight = this.#write(operations, start + BULK_DOCUMENTS >= changes.length);
    }
    await inFlight;
    try {
      await this.owner.client.index({
        index: this.index,
        id: CHECKPOINT_ID,
        version: checkpoint,
        version_type: 'external',
        body: { kind: 'checkpoint', checkpoint },
      });
    } catch (error) {
      // An older or equal checkpoint (a replayed batch): the stored one stays.
      if (statusOf(error) !== 409) throw error;
    }
  }

  #operations(changes: LibraryChange[]): API.Bulk_RequestBody {
    const operations: API.Bulk_RequestBody = [];
    for (const change of changes) {
      if (change.kind === 'upsert') {
        const { document } = change;
        operations.push(
          {
            index: {
              _index: this.index,
              _id: document.resourceId,
              version: document.position,
              version_type: 'external',
            },
          },
          storedDocument(document),
        );
      } else {
        // external_gte: a removal at the position of the document it removes still applies.
        operations.push(
          {
            index: {
              _index: this.index,
              _id: change.resourceId,
              version: change.position,
              version_type: 'external_gte',
            },
          },
          removedDocument(change.resourceId),
        );
      }
    }
    return operations;
  }

  /** One bulk request; a version conflict (an older write replayed) is success, any other refusal fails the batch. */
  async #write(operations: API.Bulk_RequestBody, refresh: boolean): Promise<void> {
    const { body } = await this.owner.client.bulk({ body: operations, refresh });
    if (!body.errors) return;
    const failures = body.items
      .flatMap((item) => Object.values(item))
      .filter((result) => result?.error !== undefined && result.status !== 409);
    if (failures.length > 0) {
      const [first] = failures;
      throw new Error(
        `OpenSearch refused ${failures.length} of the batch's writes: ${first?.error?.type}: ${first?.error?.reason}`,
      );
    }
  }

  async get(resourceId: string): Promise<LibraryDocument | null> {
    return this.owner.getFrom(this.index, resourceId);
  }

  async findByPlacement(siteId: string, columnIds: string[]): Promise<LibraryDocument[]> {
    if (columnIds.length === 0) return [];
    return this.owner.lookup(
      this.index,
      [{ terms: { columns: columnIds.map((column) => `${siteId}/${column}`) } }],
      [{ resource_id: { order: 'asc' } }],
    );
  }
}
