/**
 * Facet values as both adapters report them. The subject facet lists first levels and full paths together (综合政务
 * and 综合政务/政务公开, told apart by the separator), because the subject filter accepts both: a client can show the
 * tree and filter on either level. A document counts once under its first level and once under its path. `site`
 * counts documents placed in a site (in any of its columns), `year` the year of `publishedAt` in Beijing time.
 */
import type { FacetCount } from '../../../projections/library/search-index.js';

/** Most frequent first, then by value, so that equal counts come in the same order from either adapter. */
export function orderFacetCounts(counts: Iterable<FacetCount>): FacetCount[] {
  return [...counts]
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}
