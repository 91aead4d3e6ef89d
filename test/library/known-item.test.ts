/**
 * Known-item search quality on the sample corpus, loaded through the real command path: for every regulation, three
 * queries people make of a document they remember (known-item-queries.ts): a fragment of its title, its title's
 * words in another order, and a passage of 10 to 14 characters of its body pasted without quotes. Each kind must find
 * the document in the top 3 for at least 98 % of the regulations, with a mean reciprocal rank of at least 0.95.
 * Prints the figures and the misses (every query whose document is not first) for the embedded index and, when
 * `OPENSEARCH_URL` is set, for OpenSearch fed by the same log in the same run, with the queries the two rank
 * differently.
 *
 * A rank is the document's own, strictly: where the corpus holds two versions of one regulation under one title (33
 * titles do), a title query cannot tell them apart and one of them is second. The misses say which.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegulations } from '../../ingest/load-regulations.js';
import { mapRegulation, type RegulationItem } from '../../ingest/national-regulations.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import { corpus, type LibraryPlatform, libraryPlatform, REGULATION_MAPPING } from '../support/library-platform.js';
import { MRR_TARGET, quality, type Ranked, ranks, TOP3_TARGET } from './known-item-quality.js';
import { type KnownItem, knownItems, QUERY_KINDS, type QueryKind } from './known-item-queries.js';

const openSearchUrl = process.env.OPENSEARCH_URL;

describe('known-item search on the national regulations corpus', () => {
  let lib: LibraryPlatform;
  let items: KnownItem[];
  /** Ranks by adapter and kind, filled by the embedded tests. */
  const embeddedRanks = new Map<QueryKind, Ranked[]>();
  const ofKind = (kind: QueryKind) => items.filter((item) => item.kind === kind);

  beforeAll(async () => {
    lib = await libraryPlatform({ openSearchUrl });
    const regulations: RegulationItem[] = corpus();
    const report = await loadRegulations(lib.platform, regulations, REGULATION_MAPPING, {
      siteId: 'jinan',
      columnId: 'notices',
      staff: { editor: 'wang', firstReviewer: 'zhao', reviewer: 'li', approver: 'chen' },
      concurrency: 16,
    });
    expect(report.failed).toEqual([]);
    expect(report.loaded).toBe(regulations.length);
    await lib.settle();
    const documents: LibraryDocument[] = [];
    for (const regulation of regulations) {
      const { resourceId } = mapRegulation(regulation, REGULATION_MAPPING);
      const document = await lib.searchIndex.get(resourceId);
      if (document === null) throw new Error(`${resourceId} is not in the library`);
      documents.push(document);
    }
    const made = knownItems(documents);
    items = made.items;
    console.log(
      JSON.stringify({
        regulations: documents.length,
        queries: Object.fromEntries(QUERY_KINDS.map((kind) => [kind, ofKind(kind).length])),
        // A version whose whole text another version repeats has no passage of its own.
        withoutQuery: made.without,
      }),
    );
  }, 600_000);
  afterAll(async () => lib?.dispose(), 120_000);

  for (const kind of QUERY_KINDS) {
    it(`embedded: ${kind}: top 3 for at least ${TOP3_TARGET * 100} %, mean reciprocal rank at least ${MRR_TARGET}`, async () => {
      const found = await ranks(lib.searchIndex, ofKind(kind));
      embeddedRanks.set(kind, found);
      const result = quality(ofKind(kind), found);
      console.log(JSON.stringify({ knownItem: { adapter: 'embedded', kind, ...result } }));
      expect(result.top3Share).toBeGreaterThanOrEqual(TOP3_TARGET);
      expect(result.meanReciprocalRank).toBeGreaterThanOrEqual(MRR_TARGET);
    }, 120_000);
  }

  for (const kind of QUERY_KINDS) {
    it.skipIf(!openSearchUrl)(
      `OpenSearch: ${kind}: top 3 for at least ${TOP3_TARGET * 100} %, mean reciprocal rank at least ${MRR_TARGET}, on the same documents`,
      async () => {
        const openSearch = lib.indexes.find((projected) => projected.adapter === 'OpenSearch')!;
        const kindItems = ofKind(kind);
        const found = await ranks(openSearch.searchIndex, kindItems);
        const result = quality(kindItems, found);
        const embedded = embeddedRanks.get(kind) ?? (await ranks(lib.searchIndex, kindItems));
        // Regulations that share a query (two versions of one title) and swap places between the two are ties broken
        // differently, not a difference in ranking: only the others are listed.
        const ranksOf = (ranking: Ranked[], query: string) =>
          kindItems
            .flatMap((other, j) => (other.query === query ? [ranking[j]!.rank] : []))
            .sort()
            .join();
        const differently = kindItems.flatMap((item, i) =>
          found[i]!.rank === embedded[i]!.rank || ranksOf(found, item.query) === ranksOf(embedded, item.query)
            ? []
            : [
                `"${item.query}" → ${item.title}: embedded ${embedded[i]!.rank || '>10'}, OpenSearch ${found[i]!.rank || '>10'}`,
              ],
        );
        console.log(
          JSON.stringify({
            knownItem: { adapter: 'OpenSearch', kind, ...result },
            rankedDifferently: { kind, count: differently.length, items: differently },
          }),
        );
        expect(result.top3Share).toBeGreaterThanOrEqual(TOP3_TARGET);
        expect(result.meanReciprocalRank).toBeGreaterThanOrEqual(MRR_TARGET);
      },
      120_000,
    );
  }
});
