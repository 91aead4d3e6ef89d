/**
 * How well a search index finds known items: each item's rank among the first ten hits of its query, and per kind of
 * query the share found in the top 3, the mean reciprocal rank and the misses (every query whose document is not
 * first), with the targets both known-item tests hold the adapters to.
 */
import type { SearchIndex } from '../../projections/library/search-index.js';
import type { KnownItem } from './known-item-queries.js';

export const TOP3_TARGET = 0.98;
export const MRR_TARGET = 0.95;

export interface Ranked {
  rank: number;
  /** Title of the first hit, when it is not the item. */
  first?: string;
}

/** Each item's rank in the first ten hits of its query (0: not among them). */
export async function ranks(searchIndex: SearchIndex, items: KnownItem[]): Promise<Ranked[]> {
  const found: Ranked[] = [];
  for (const item of items) {
    const page = await searchIndex.search({ text: item.query, first: 10 });
    const rank = page.hits.findIndex((h) => h.document.resourceId === item.resourceId) + 1;
    found.push(rank === 1 ? { rank } : { rank, first: page.hits[0]?.document.metadata.title ?? '(nothing)' });
  }
  return found;
}

export function quality(items: KnownItem[], found: Ranked[]) {
  const inTop3 = found.filter(({ rank }) => rank > 0 && rank <= 3).length;
  const mrr = found.reduce((sum, { rank }) => sum + (rank > 0 ? 1 / rank : 0), 0) / items.length;
  return {
    items: items.length,
    top3Share: Number((inTop3 / items.length).toFixed(4)),
    meanReciprocalRank: Number(mrr.toFixed(4)),
    misses: items.flatMap((item, i) => {
      const { rank, first } = found[i]!;
      if (rank === 1) return [];
      const why = first === item.title ? 'another version of the same title first' : `first: ${first}`;
      return [`${item.title} ← "${item.query}" (rank ${rank || '>10'}; ${why})`];
    }),
  };
}
