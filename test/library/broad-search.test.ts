/**
 * The embedded index ranks a search whose text matches more than `broadMatches` documents by relevance class and
 * date instead of bm25 (infra/search/sqlite/sqlite-search-page.ts): the hits with the text in their title first, then
 * the others, each newest first. The contract suite runs with every search broad as well; these tests pin the order
 * itself, and that a result list keeps the ranking its first page chose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import type { SearchIndex, SearchPage, SearchQuery } from '../../projections/library/search-index.js';
import { indexNumberOf, libraryDocument } from '../support/library-documents.js';
import { tempDir } from '../support/temp-dir.js';

const WORD = '防汛';

/** A document published on day `day` of 2024, with the word in its title `inTitle` times and once in its body. */
function document(resourceId: string, day: number, inTitle: number, position: number): LibraryDocument {
  const publishedAt = new Date(Date.UTC(2024, 0, day)).toISOString();
  return libraryDocument({
    resourceId,
    position,
    publishedAt,
    indexNumber: indexNumberOf(position, 2024),
    metadata: {
      title: `关于做好${WORD.repeat(inTitle)}值班工作的第${day}号通知`,
      summary: undefined,
      docNumber: undefined,
      body: `<p>各单位要落实${WORD}值班制度，第${day}天。</p>`,
    },
  });
}

const ids = (page: SearchPage) => page.hits.map((hit) => hit.document.resourceId);

describe('broad searches (embedded index)', () => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  const indexes: SearchIndex[] = [];
  afterEach(async () => {
    for (const index of indexes.splice(0)) await index.close();
    for (const dir of dirs.splice(0)) dir.remove();
  });

  async function library(documents: LibraryDocument[], broadMatches?: number) {
    const dir = tempDir('broad-search');
    dirs.push(dir);
    const index = openSqliteSearchIndex(dir.path, broadMatches === undefined ? {} : { broadMatches });
    indexes.push(index);
    const generation = await index.openGeneration('v1');
    await generation.apply(
      documents.map((d) => ({ kind: 'upsert', document: d })),
      Math.max(...documents.map((d) => d.position)),
    );
    await index.promote('v1');
    return { index, generation };
  }

  async function allPages(index: SearchIndex, query: SearchQuery, between?: () => Promise<void>) {
    const served: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const page = await index.search({ ...query, ...(after === undefined ? {} : { after }) });
      served.push(...ids(page));
      if (page.endCursor === null) return served;
      after = page.endCursor;
      await between?.();
    }
    throw new Error('paging did not end');
  }

  // Title hits: the word twice in an old one, once in two newer ones; body-only hits, newer still and older.
  const documents = () => [
    document('title-twice-old', 1, 2, 1),
    document('title-once-mid', 10, 1, 2),
    document('title-once-new', 20, 1, 3),
    document('body-newest', 30, 0, 4),
    document('body-oldest', 2, 0, 5),
  ];

  it('ranks a broad search title hits first, each group newest first; a narrow one by bm25', async () => {
    const { index: broad } = await library(documents(), 4);
    const page = await broad.search({ text: WORD });
    expect(ids(page)).toEqual(['title-once-new', 'title-once-mid', 'title-twice-old', 'body-newest', 'body-oldest']);
    // A score is the relevance class plus one: a title hit of a one-word text has every bit but the identifier's.
    expect(page.hits.map((hit) => hit.score)).toEqual([8, 8, 8, 2, 2]);
    expect(page.total).toBe(5);

    // The same library with the default threshold: bm25 puts the title with the word twice first.
    const { index: narrow } = await library(documents());
    expect(ids(await narrow.search({ text: WORD }))[0]).toBe('title-twice-old');
  });

  it('applies filters and exclusions to a broad search, and counts only what passes', async () => {
    const { index } = await library(
      [...documents(), { ...document('elsewhere', 25, 1, 6), siteId: 'site-county' }].map((d) => ({
        ...d,
        placements: [{ siteId: d.siteId, columnId: 'zcwj' }],
      })),
      4,
    );
    const page = await index.search({ text: `${WORD} -第10号`, filters: { siteIds: ['site-city'] } });
    expect(ids(page)).toEqual(['title-once-new', 'title-twice-old', 'body-newest', 'body-oldest']);
    expect(page.total).toBe(4);
  });

  it('pages a broad search across the two groups, each hit once, while newer title hits arrive', async () => {
    const many = Array.from({ length: 24 }, (_, i) =>
      document(`doc-${String(i).padStart(2, '0')}`, i + 1, i % 3, i + 1),
    );
    const { index, generation } = await library(many, 10);
    const expected = [
      ...many.filter((_, i) => i % 3 !== 0).reverse(),
      ...many.filter((_, i) => i % 3 === 0).reverse(),
    ].map((d) => d.resourceId);
    let arrivals = 0;
    const served = await allPages(index, { text: WORD, first: 5 }, async () => {
      arrivals++;
      await generation.apply(
        [{ kind: 'upsert', document: document(`new-${arrivals}`, 100 + arrivals, 1, 100 + arrivals) }],
        100 + arrivals,
      );
    });
    expect(served).toEqual(expected);
    expect((await index.search({ text: WORD })).total).toBe(24 + arrivals);
  });

  it('keeps the ranking its first page chose when removals make the search narrow', async () => {
    const { index, generation } = await library(documents(), 4);
    const first = await index.search({ text: WORD, first: 2 });
    expect(ids(first)).toEqual(['title-once-new', 'title-once-mid']);
    // Two left: the text now matches 3 documents, under the threshold, but the list goes on in its own order.
    await generation.apply([{ kind: 'remove', resourceId: 'body-newest', position: 10 }], 10);
    await generation.apply([{ kind: 'remove', resourceId: 'title-once-mid', position: 11 }], 11);
    const rest = await allPages(index, { text: WORD, first: 2, after: first.endCursor! });
    expect(rest).toEqual(['title-twice-old', 'body-oldest']);
    // A new search is narrow again, and bm25 ranks it.
    expect(ids(await index.search({ text: WORD }))).toEqual(['title-twice-old', 'title-once-new', 'body-oldest']);
  });
});
