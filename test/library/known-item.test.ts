/**
 * Known-item search quality on the sample corpus, loaded through the real command path: for every regulation, a
 * query made of the distinctive part of its title must find it among the first three hits. Prints the share and the
 * mean reciprocal rank.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegulations } from '../../ingest/load-regulations.js';
import { mapRegulation, type RegulationItem } from '../../ingest/national-regulations.js';
import { corpus, type LibraryPlatform, libraryPlatform, REGULATION_MAPPING } from '../support/library-platform.js';

/** What every regulation's title shares with hundreds of others: the issuer, the genre and its qualifiers. */
function distinctivePart(title: string): string {
  return title
    .replace(/^中华人民共和国/, '')
    .replace(/^国务院关于/, '')
    .replace(/(暂行|实施|管理)*(条例|规定|办法|细则|决定|规则)$/, '')
    .trim();
}

describe('known-item search on the national regulations corpus', () => {
  let lib: LibraryPlatform;
  let items: RegulationItem[];

  beforeAll(async () => {
    lib = await libraryPlatform();
    items = corpus();
    const report = await loadRegulations(lib.platform, items, REGULATION_MAPPING, {
      siteId: 'jinan',
      columnId: 'notices',
      staff: { editor: 'wang', firstReviewer: 'zhao', reviewer: 'li', approver: 'chen' },
      concurrency: 16,
    });
    expect(report.failed).toEqual([]);
    expect(report.loaded).toBe(items.length);
    await lib.settle();
  }, 600_000);
  afterAll(async () => lib?.dispose());

  it('finds at least 95% of the regulations in the top 3 by a distinctive part of the title', async () => {
    let inTop3 = 0;
    let reciprocalRanks = 0;
    const misses: string[] = [];
    for (const item of items) {
      const { resourceId, metadata } = mapRegulation(item, REGULATION_MAPPING);
      const query = distinctivePart(metadata.title);
      const page = await lib.searchIndex.search({ text: query, first: 10 });
      const rank = page.hits.findIndex((h) => h.document.resourceId === resourceId) + 1;
      if (rank > 0) reciprocalRanks += 1 / rank;
      if (rank > 0 && rank <= 3) inTop3++;
      else misses.push(`${metadata.title} ← "${query}" (rank ${rank || '>10'})`);
    }
    const share = inTop3 / items.length;
    const mrr = reciprocalRanks / items.length;
    console.log(
      JSON.stringify(
        {
          knownItem: {
            items: items.length,
            top3Share: Number(share.toFixed(4)),
            meanReciprocalRank: Number(mrr.toFixed(4)),
            misses: misses.slice(0, 20),
          },
        },
        null,
        2,
      ),
    );
    expect(share).toBeGreaterThanOrEqual(0.95);
  }, 120_000);
});
