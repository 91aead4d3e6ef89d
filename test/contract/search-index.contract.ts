/**
 * The one contract every search index adapter passes (projections/library/search-index.ts). Each test opens a
 * fresh index (a temporary directory, or a random index prefix on a shared OpenSearch), fills a generation through
 * `apply` as the library projection would, and asserts the hits themselves, not only that nothing failed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SynonymTable } from '../../domain/search/synonym-table.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import {
  InvalidSearchQuery,
  type SearchIndex,
  type SearchPage,
  type SearchQuery,
} from '../../projections/library/search-index.js';
import {
  indexNumberOf,
  libraryDocument,
  numberedDocuments,
  PLATFORM_MEASURES,
  sampleLibrary,
} from '../support/library-documents.js';

export interface IndexUnderTest {
  index: SearchIndex;
  dispose(): Promise<void>;
}

export interface OpenOptions {
  /** The search synonyms the index applies, asked at every search. */
  synonyms?: () => SynonymTable;
}

const ids = (page: SearchPage) => page.hits.map((hit) => hit.document.resourceId);
const sorted = (values: string[]) => [...values].sort();
const upserts = (documents: LibraryDocument[]) => documents.map((document) => ({ kind: 'upsert' as const, document }));
const maxPosition = (documents: LibraryDocument[]) => Math.max(...documents.map((d) => d.position));

function unescapeHtml(html: string): string {
  return html
    .replace(/<\/?em>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

async function invalid(promise: Promise<unknown>): Promise<InvalidSearchQuery> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidSearchQuery);
  return error as InvalidSearchQuery;
}

export function searchIndexContract(adapter: string, open: (options?: OpenOptions) => Promise<IndexUnderTest>): void {
  describe(`search index contract: ${adapter}`, () => {
    let subject: IndexUnderTest;
    let index: SearchIndex;

    beforeEach(async () => {
      subject = await open();
      index = subject.index;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    /** Fills a generation in one batch and makes it the active one. */
    async function library(documents: LibraryDocument[], generation = 'library-v1') {
      const target = await index.openGeneration(generation);
      await target.apply(upserts(documents), maxPosition(documents));
      await index.promote(generation);
      return target;
    }

    async function allPages(query: SearchQuery, between?: () => Promise<void>): Promise<string[][]> {
      const pages: string[][] = [];
      let after: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await index.search({ ...query, ...(after === undefined ? {} : { after }) });
        pages.push(ids(page));
        if (page.endCursor === null) return pages;
        after = page.endCursor;
        await between?.();
      }
      throw new Error('paging did not end');
    }

    describe('Chinese full-text search', () => {
      beforeEach(async () => {
        await library(sampleLibrary());
      });

      it('finds a document by a word of its body and by a word of its title', async () => {
        expect(ids(await index.search({ text: '水路货物运输' }))).toEqual(['res-shipping']);
        expect(ids(await index.search({ text: '应急预案' }))).toEqual(['res-flood']);
      });

      it('finds a word inside longer words: 集约 in 集约化, 市政府 in 六安市政府', async () => {
        expect(sorted(ids(await index.search({ text: '集约' })))).toEqual(['res-measures', 'res-opinion']);
        expect(ids(await index.search({ text: '市政府' }))).toEqual(['res-measures']);
      });

      it('matches the words of an unquoted term anywhere, a quoted phrase only as written', async () => {
        // The opinion says 集约化建设 … 统一技术平台: both words, never side by side.
        expect(sorted(ids(await index.search({ text: '集约化平台' })))).toEqual(['res-measures', 'res-opinion']);
        expect(sorted(ids(await index.search({ text: '集约化 平台' })))).toEqual(['res-measures', 'res-opinion']);
        expect(ids(await index.search({ text: '"集约化平台"' }))).toEqual(['res-measures']);
        expect(ids(await index.search({ text: '“集约化平台”' }))).toEqual(['res-measures']);
        expect(ids(await index.search({ text: '"平台集约化"' }))).toEqual([]);
      });

      it('finds single characters and keeps runs of characters together', async () => {
        expect(ids(await index.search({ text: '洪' }))).toEqual(['res-flood']);
        // 六政办 is no dictionary word: its characters must stand together, as in the document number 六政办秘〔2021〕148号.
        expect(sorted(ids(await index.search({ text: '六政办' })))).toEqual(['res-measures', 'res-report']);
        expect(ids(await index.search({ text: '政六办' }))).toEqual([]);
      });

      it('finds Latin letters and digits, in any case and width', async () => {
        expect(ids(await index.search({ text: '9704' }))).toEqual(['res-report']);
        expect(ids(await index.search({ text: 'gb/t' }))).toEqual(['res-report']);
        expect(ids(await index.search({ text: 'ＧＢ' }))).toEqual(['res-report']);
        expect(ids(await index.search({ text: '"GB/T 9704-2012"' }))).toEqual(['res-report']);
      });

      it('leaves out documents that match an exclusion, a word or a phrase', async () => {
        expect(ids(await index.search({ text: '集约化 -国务院' }))).toEqual(['res-measures']);
        expect(ids(await index.search({ text: '集约化 -"集约化平台"' }))).toEqual(['res-opinion']);
        expect(ids(await index.search({ text: '集约化 -“统一技术平台”' }))).toEqual(['res-measures']);
      });

      it('searches summary, document number and publisher too, and skips archived documents unless asked', async () => {
        expect(ids(await index.search({ text: '规范航运交易所' }))).toEqual(['res-shipping']);
        expect(ids(await index.search({ text: '霍山县人民政府办公室' }))).toEqual(['res-flood']);
        expect(ids(await index.search({ text: '粮食' }))).toEqual([]);
        expect(ids(await index.search({ text: '粮食', filters: { statuses: ['archived'] } }))).toEqual([
          'res-statistics',
        ]);
      });

      it('lists everything that passes the filters when there is no text, newest first', async () => {
        const page = await index.search({});
        expect(ids(page)).toEqual(['res-report', 'res-flood', 'res-measures', 'res-shipping', 'res-opinion']);
        expect(page.total).toBe(5);
        expect(page.endCursor).toBeNull();
      });
    });

    describe('filters', () => {
      beforeEach(async () => {
        await library(sampleLibrary());
      });

      // Each filter with and without text, since relevance and listing may take different paths in an adapter.
      const cases: Array<[string, SearchQuery['filters'], string[]]> = [
        ['siteIds', { siteIds: ['site-jinan'] }, ['res-opinion', 'res-report']],
        ['columns', { columns: ['site-city/tzgg', 'site-huoshan/yjgl'] }, ['res-flood', 'res-report']],
        [
          'subjects (a first level)',
          { subjects: ['综合政务'] },
          ['res-flood', 'res-measures', 'res-opinion', 'res-report'],
        ],
        ['subjects (a path)', { subjects: ['综合政务/政务公开'] }, ['res-measures', 'res-report']],
        ['genres', { genres: ['通知', '规定'] }, ['res-flood', 'res-measures', 'res-shipping']],
        ['publishers', { publishers: ['国务院办公厅'] }, ['res-opinion']],
        ['resourceTypes', { resourceTypes: ['notice', 'article'] }, ['res-flood', 'res-report']],
        ['validity', { validity: ['已修订'] }, ['res-shipping']],
        [
          'publishedAt',
          { publishedAt: { from: '2019-05-10', to: '2022-06-01' } },
          ['res-flood', 'res-measures', 'res-shipping'],
        ],
        ['publishedAt from only', { publishedAt: { from: '2022-01-01' } }, ['res-flood', 'res-report']],
        ['writtenAt', { writtenAt: { to: '2014-12-31' } }, ['res-opinion', 'res-shipping']],
        [
          'statuses',
          { statuses: ['published', 'archived'] },
          ['res-flood', 'res-measures', 'res-opinion', 'res-report', 'res-shipping', 'res-statistics'],
        ],
        [
          'several at once',
          { siteIds: ['site-city'], genres: ['通报', '规定'], publishedAt: { from: '2020-01-01' } },
          ['res-report'],
        ],
      ];

      for (const [name, filters, expected] of cases) {
        it(`${name}: without text`, async () => {
          const page = await index.search({ filters });
          expect(sorted(ids(page))).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });

        it(`${name}: with text, by relevance`, async () => {
          // 的 is in every sample document's body, so the text keeps all of them and the filter decides.
          const page = await index.search({ text: '的', filters, sort: 'relevance' });
          expect(sorted(ids(page))).toEqual(expected);
          expect(page.total).toBe(expected.length);
        });
      }

      it('takes publishedAt days in Beijing time, whatever offset the timestamp has', async () => {
        const late = libraryDocument({
          resourceId: 'res-late',
          publishedAt: '2024-01-31T17:00:00Z', // 2024-02-01 01:00 in Beijing
          position: 50,
          metadata: { title: '跨日发布的通知', summary: undefined, body: '<p>跨日发布。</p>' },
        });
        const target = await index.openGeneration('library-v1');
        await target.apply(upserts([late]), 50);
        expect(ids(await index.search({ filters: { publishedAt: { from: '2024-02-01', to: '2024-02-01' } } }))).toEqual(
          ['res-late'],
        );
        expect(ids(await index.search({ filters: { publishedAt: { to: '2024-01-31' } }, first: 1 }))).not.toContain(
          'res-late',
        );
      });
    });

    describe('facets', () => {
      it('counts subject (first levels and paths), genre, site and year over every hit, not only the page', async () => {
        await library(sampleLibrary());
        const page = await index.search({ first: 1, facets: ['subject', 'genre', 'site', 'year'] });
        expect(page.hits).toHaveLength(1);
        expect(page.total).toBe(5);
        expect(page.facets.subject).toEqual([
          { value: '综合政务', count: 4 },
          { value: '综合政务/政务公开', count: 2 },
          { value: '工业、交通', count: 1 },
          { value: '工业、交通/交通', count: 1 },
          { value: '综合政务/应急管理', count: 1 },
          { value: '综合政务/电子政务', count: 1 },
        ]);
        expect(page.facets.genre).toEqual([
          { value: '通知', count: 2 },
          { value: '意见', count: 1 },
          { value: '规定', count: 1 },
          { value: '通报', count: 1 },
        ]);
        expect(page.facets.site).toEqual([
          { value: 'site-city', count: 3 },
          { value: 'site-jinan', count: 2 },
          { value: 'site-huoshan', count: 1 },
        ]);
        expect(page.facets.year).toEqual([
          { value: '2014', count: 1 },
          { value: '2019', count: 1 },
          { value: '2021', count: 1 },
          { value: '2022', count: 1 },
          { value: '2023', count: 1 },
        ]);
      });

      it('counts only what the text and filters keep, and only the facets asked for', async () => {
        await library(sampleLibrary());
        const page = await index.search({
          text: '集约化',
          filters: { siteIds: ['site-city', 'site-jinan'] },
          facets: ['genre', 'site'],
        });
        expect(page.total).toBe(2);
        expect(page.facets.genre).toEqual([
          { value: '意见', count: 1 },
          { value: '通知', count: 1 },
        ]);
        expect(page.facets.site).toEqual([
          { value: 'site-city', count: 1 },
          { value: 'site-jinan', count: 1 },
        ]);
        expect(page.facets.subject).toBeUndefined();
        expect(page.facets.year).toBeUndefined();
      });
    });

    describe('sorting', () => {
      it('orders newest and oldest by firstPublishedAt, so a correction keeps its place', async () => {
        const documents = sampleLibrary();
        // A correction of the 2014 opinion, published now: still the oldest by first publication.
        const opinion = documents[1]!;
        documents[1] = {
          ...opinion,
          version: 2,
          publishedAt: '2024-05-01T09:00:00+08:00',
          versions: [
            ...opinion.versions,
            { version: 2, publishedAt: '2024-05-01T09:00:00+08:00', title: opinion.metadata.title },
          ],
        };
        await library(documents);
        expect(ids(await index.search({ sort: 'newest' }))).toEqual([
          'res-report',
          'res-flood',
          'res-measures',
          'res-shipping',
          'res-opinion',
        ]);
        expect(ids(await index.search({ sort: 'oldest' }))).toEqual([
          'res-opinion',
          'res-shipping',
          'res-measures',
          'res-flood',
          'res-report',
        ]);
        expect(ids(await index.search({ text: '的', sort: 'oldest' }))[0]).toBe('res-opinion');
      });

      it('ranks by relevance: a match in the title before one in the body only, scores descending', async () => {
        const documents = [
          libraryDocument({
            resourceId: 'res-body',
            position: 1,
            metadata: {
              title: '关于开展网站普查的通知',
              summary: undefined,
              docNumber: undefined,
              body: '<p>各单位要按期完成网站普查，并报送防汛值班安排。</p>',
            },
          }),
          libraryDocument({
            resourceId: 'res-title',
            position: 2,
            metadata: {
              title: '关于做好防汛值班工作的通知',
              summary: undefined,
              docNumber: undefined,
              body: '<p>各单位要落实值班制度。</p>',
            },
          }),
          libraryDocument({
            resourceId: 'res-none',
            position: 3,
            metadata: {
              title: '关于开展爱国卫生运动的通知',
              summary: undefined,
              docNumber: undefined,
              body: '<p>各单位要做好环境整治。</p>',
            },
          }),
        ];
        await library(documents);
        const page = await index.search({ text: '防汛' });
        expect(ids(page)).toEqual(['res-title', 'res-body']);
        expect(page.hits[0]!.score).toBeGreaterThan(page.hits[1]!.score);
      });

      it('breaks ties in relevance by resource id', async () => {
        const twin = (resourceId: string, position: number) =>
          libraryDocument({
            resourceId,
            position,
            metadata: {
              title: '关于做好防汛值班工作的通知',
              summary: undefined,
              docNumber: undefined,
              body: '<p>落实防汛值班制度。</p>',
            },
          });
        await library([twin('res-c', 1), twin('res-a', 2), twin('res-b', 3)]);
        expect(ids(await index.search({ text: '防汛', sort: 'relevance' }))).toEqual(['res-a', 'res-b', 'res-c']);
      });
    });

    describe('relevance: what people remember of a document', () => {
      const doc = (resourceId: string, position: number, title: string, body: string, extra = {}) =>
        libraryDocument({
          resourceId,
          position,
          indexNumber: indexNumberOf(position, 2024),
          metadata: { title, summary: undefined, docNumber: undefined, body: `<p>${body}</p>`, ...extra },
        });

      it('ranks a document with the words of the text as one run, in order, above those with them scattered', async () => {
        // The scattered ones repeat every word many times, so that word counts alone would rank them first.
        const scattered = (resourceId: string, position: number) =>
          doc(
            resourceId,
            position,
            '关于表彰先进集体的通知',
            '建设工程的行政审批由主管部门负责；对成绩突出的，给予通报表彰。'.repeat(8),
          );
        await library([
          scattered('res-a-scattered', 1),
          doc('res-b-run', 2, '关于城市管理工作的通知', '对作出显著成绩的单位，由建设行政主管部门给予表彰和奖励。'),
          scattered('res-c-scattered', 3),
        ]);
        for (const text of ['建设行政主管部门给予表彰', '建设 行政 主管部门 给予 表彰', '主管部门给予表彰']) {
          const page = await index.search({ text });
          expect(ids(page)[0], text).toBe('res-b-run');
          expect(page.total, text).toBe(3);
        }
      });

      it('ranks a title match clearly above body matches, however often a body repeats the word', async () => {
        await library([
          doc(
            'res-a-body',
            1,
            '关于做好汛期值班工作的通知',
            '防汛工作要落实责任，防汛物资要到位，防汛队伍要集结。'.repeat(20),
          ),
          doc('res-b-title', 2, '霍山县防汛应急预案', '为做好全县工作，制定本预案。'),
          doc('res-c-body', 3, '关于加强安全生产的通知', '汛期要做好防汛。'),
        ]);
        expect(ids(await index.search({ text: '防汛' }))).toEqual(['res-b-title', 'res-a-body', 'res-c-body']);
      });

      it('ranks a title with every word of the text above a body with the text as one run', async () => {
        await library([
          doc('res-a-body-run', 1, '关于印发工作要点的通知', '要学习北京生产安全工作的经验。'),
          doc('res-b-title', 2, '北京市安全生产条例', '为了加强安全生产工作，制定本条例。北京市行政区域内适用本条例。'),
        ]);
        expect(ids(await index.search({ text: '北京 生产 安全' }))).toEqual(['res-b-title', 'res-a-body-run']);
      });

      it('ranks a title with the text as one run above a title with its words apart', async () => {
        await library([
          doc('res-a-apart', 1, '关于集约化建设政府网站的意见', '推进网站建设。'),
          doc('res-b-run', 2, '政府网站集约化平台管理办法', '规范平台管理。'),
        ]);
        expect(ids(await index.search({ text: '网站 集约化' }))).toEqual(['res-b-run', 'res-a-apart']);
      });

      it('ranks the document whose whole title the text is first, above longer titles that repeat it', async () => {
        // The longer titles hold the shorter whole, and their bodies name it again and again.
        const amending = '本决定对《安全生产许可证条例》作如下修改。安全生产许可证条例自公布之日起施行。'.repeat(6);
        await library([
          doc('res-a-amendment', 1, '国务院关于修改《安全生产许可证条例》的决定', amending),
          doc('res-b-exact', 2, '安全生产许可证条例', '为了严格规范安全生产条件，制定本条例。'),
          doc('res-c-second', 3, '安全生产许可证条例（二）', amending),
        ]);
        for (const text of ['安全生产许可证条例', '《安全生产许可证条例》', '安全生产许可证条例 ']) {
          expect(ids(await index.search({ text }))[0], text).toBe('res-b-exact');
        }
      });

      it('finds a document by its index number, or its document number in any bracket variant, as the whole text', async () => {
        await library(sampleLibrary());
        const shipping = sampleLibrary()[2]!;
        // The index number is in no text field: only the exact match finds it.
        expect(ids(await index.search({ text: shipping.indexNumber }))).toEqual(['res-shipping']);
        expect(ids(await index.search({ text: shipping.indexNumber.toLowerCase() }))).toEqual(['res-shipping']);
        for (const variant of ['六政办秘〔2021〕148号', '六政办秘[2021]148号', '“六政办秘（2021）148号”']) {
          expect(ids(await index.search({ text: variant }))[0], variant).toBe('res-measures');
        }
        // Not when the text has more to it than the number.
        expect(ids(await index.search({ text: `${shipping.indexNumber} 通知` }))).toEqual([]);
      });

      it('ranks the documents of a publisher named exactly by the text first', async () => {
        await library([
          ...sampleLibrary(),
          doc('res-mentions', 20, '关于转发文件的通知', '现将霍山县人民政府办公室的文件转发给你们。'),
        ]);
        const page = await index.search({ text: '霍山县人民政府办公室' });
        expect(ids(page)).toEqual(['res-flood', 'res-mentions']);
      });
    });

    describe('search synonyms', () => {
      const synonyms = SynonymTable.fromEntries([
        { term: '发改委', expansions: ['发展和改革委员会', '发展改革委'] },
        { term: '国办', expansions: ['国务院办公厅'] },
      ]);
      const documents = () => [
        libraryDocument({
          resourceId: 'res-full-name',
          position: 1,
          indexNumber: indexNumberOf(1, 2024),
          metadata: {
            title: '六安市发展和改革委员会关于调整部分商品价格的通知',
            summary: undefined,
            docNumber: undefined,
            body: '<p>经研究，决定调整部分商品价格。</p>',
          },
        }),
        libraryDocument({
          resourceId: 'res-abbreviated',
          position: 2,
          indexNumber: indexNumberOf(2, 2024),
          metadata: {
            title: '关于开展价格检查的通知',
            summary: undefined,
            docNumber: undefined,
            body: '<p>市发改委将开展价格检查。</p>',
          },
        }),
        libraryDocument({
          resourceId: 'res-unrelated',
          position: 3,
          indexNumber: indexNumberOf(3, 2024),
          metadata: {
            title: '关于做好价格监测工作的通知',
            summary: undefined,
            docNumber: undefined,
            body: '<p>各单位要做好价格监测。</p>',
          },
        }),
      ];

      async function withSynonyms(source: () => SynonymTable, list: LibraryDocument[] = documents()) {
        await subject.dispose();
        subject = await open({ synonyms: source });
        index = subject.index;
        await library(list);
      }

      it('finds the full names of an abbreviation, says which expansion it used, and marks it', async () => {
        await withSynonyms(() => synonyms);
        const page = await index.search({ text: '发改委 价格' });
        expect(sorted(ids(page))).toEqual(['res-abbreviated', 'res-full-name']);
        expect(page.expansions).toEqual([{ term: '发改委', expansions: ['发展和改革委员会', '发展改革委'] }]);
        const full = page.hits.find((hit) => hit.document.resourceId === 'res-full-name')!;
        expect(full.highlights.title).toBe('六安市<em>发展和改革委员会</em>关于调整部分商品<em>价格</em>的通知');
        expect((await index.search({ text: '价格' })).expansions).toEqual([]);
      });

      it('matches a quoted abbreviation only as written, and excludes an abbreviation however it is written', async () => {
        await withSynonyms(() => synonyms);
        expect(ids(await index.search({ text: '"发改委" 价格' }))).toEqual(['res-abbreviated']);
        expect(ids(await index.search({ text: '价格 -发改委' }))).toEqual(['res-unrelated']);
      });

      it('applies the table as it stands at each search', async () => {
        let table = SynonymTable.fromEntries([]);
        await withSynonyms(() => table);
        expect(ids(await index.search({ text: '发改委 价格' }))).toEqual(['res-abbreviated']);
        table = synonyms;
        expect(sorted(ids(await index.search({ text: '发改委 价格' })))).toEqual(['res-abbreviated', 'res-full-name']);
      });

      it('matches a publisher by the full name of the abbreviation that is the whole text', async () => {
        await withSynonyms(() => synonyms, sampleLibrary());
        const page = await index.search({ text: '国办' });
        expect(ids(page)[0]).toBe('res-opinion');
        expect(page.expansions).toEqual([{ term: '国办', expansions: ['国务院办公厅'] }]);
      });

      it('finds nothing more without a table', async () => {
        await library(documents());
        const page = await index.search({ text: '发改委 价格' });
        expect(ids(page)).toEqual(['res-abbreviated']);
        expect(page.expansions).toEqual([]);
      });
    });

    describe('paging', () => {
      const word = '垃圾分类';
      const expected = numberedDocuments(25, word).map((d) => d.resourceId);

      for (const sort of ['relevance', 'newest', 'oldest'] as const) {
        it(`returns every hit exactly once over several pages (${sort})`, async () => {
          await library(numberedDocuments(25, word));
          const pages = await allPages({ text: word, sort, first: 10 });
          expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
          expect(sorted(pages.flat())).toEqual(expected);
        });

        it(`stays exactly once while new documents arrive between pages (${sort})`, async () => {
          const target = await library(numberedDocuments(25, word));
          let batch = 0;
          const between = async () => {
            batch++;
            // Newer and older than everything served, and more relevant (the word in the title twice).
            const arrivals = [
              ...numberedDocuments(3, `${word}${word}`, `res-new${batch}`, Date.UTC(2030, 0, batch)),
              ...numberedDocuments(3, `${word}${word}`, `res-old${batch}`, Date.UTC(2001, 0, batch)),
            ].map((document, i) => ({ ...document, position: 1000 * batch + i }));
            await target.apply(upserts(arrivals), 1000 * batch + 10);
          };
          const pages = await allPages({ text: word, sort, first: 10 }, between);
          const served = pages.flat();
          expect(served).toHaveLength(25);
          expect(sorted(served)).toEqual(expected);
          // A new search sees the arrivals.
          expect((await index.search({ text: word })).total).toBe(25 + 6 * batch);
        });
      }

      it('pages through a listing without text, newest first', async () => {
        await library(numberedDocuments(25, word));
        const pages = await allPages({ first: 7 });
        expect(pages.flat()).toEqual([...expected].reverse());
      });

      it('refuses a cursor with another query', async () => {
        await library(numberedDocuments(25, word));
        const page = await index.search({ text: word, first: 10 });
        expect(page.endCursor).not.toBeNull();
        const error = await invalid(index.search({ text: '通知', first: 10, after: page.endCursor! }));
        expect(error.problems.map((p) => p.path)).toEqual(['after']);
      });
    });

    describe('highlights', () => {
      it('marks the match in the title and a body fragment, with no segmentation spaces', async () => {
        await library(sampleLibrary());
        const [hit] = (await index.search({ text: '"集约化平台"' })).hits;
        expect(hit!.highlights.title).toBe(
          '六安市人民政府办公室关于印发六安市政府网站<em>集约化平台</em>管理暂行办法的通知',
        );
        expect(hit!.highlights.body).toContain('<em>集约化平台</em>');
        const fragment = unescapeHtml(hit!.highlights.body);
        expect(fragment.length).toBeLessThanOrEqual(160);
        expect(fragment).toContain('《六安市政府网站集约化平台管理暂行办法》已经市政府同意');
        // Where jieba cuts (六安市|政府|网站|集约化|平台|管理|暂行|办法) the text must not have gained spaces.
        expect(fragment).not.toMatch(/六安市 政府|政府 网站|网站 集约化|集约化 平台|平台 管理|暂行 办法/);
        const bodyText = PLATFORM_MEASURES.body.replace(/<[^>]+>/g, '').replace(/\s+/g, '');
        expect(bodyText).toContain(fragment.replace(/\s+/g, ''));
      });

      it('marks each word of an unquoted term, and shows the start of the body when only the title matched', async () => {
        await library(sampleLibrary());
        const page = await index.search({ text: '集约化平台' });
        const opinion = page.hits.find((hit) => hit.document.resourceId === 'res-opinion')!;
        expect(opinion.highlights.body).toContain('推进<em>集约化</em>建设');
        expect(opinion.highlights.body).toContain('统一技术<em>平台</em>');
        const flood = (await index.search({ text: '应急' })).hits[0]!;
        expect(flood.highlights.title).toBe('霍山县防汛抗旱<em>应急</em>预案');
        expect(unescapeHtml(flood.highlights.body).startsWith('为做好全县防汛抗旱工作')).toBe(true);
      });

      it('escapes the text around the marks', async () => {
        await library([
          libraryDocument({
            resourceId: 'res-markup',
            position: 1,
            metadata: {
              title: '关于<script>防汛</script>&值班的通知',
              summary: undefined,
              body: '<p>值班电话 &lt;0564&gt; &amp; 防汛 "值守"</p>',
            },
          }),
        ]);
        const [hit] = (await index.search({ text: '防汛' })).hits;
        expect(hit!.highlights.title).toBe('关于&lt;script&gt;<em>防汛</em>&lt;/script&gt;&amp;值班的通知');
        expect(hit!.highlights.body).toBe('值班电话 &lt;0564&gt; &amp; <em>防汛</em> &quot;值守&quot;');
      });
    });

    describe('lookups', () => {
      beforeEach(async () => {
        await library(sampleLibrary());
      });

      it('gets a document by resource id and by index number', async () => {
        const documents = sampleLibrary();
        expect(await index.get('res-shipping')).toEqual(documents[2]);
        expect(await index.byIndexNumber(documents[2]!.indexNumber)).toEqual(documents[2]);
        expect(await index.get('res-missing')).toBeNull();
        expect(await index.byIndexNumber('11341500003089416J/2099-00001')).toBeNull();
      });

      it('finds a document by its document number in any bracket variant', async () => {
        for (const variant of [
          '六政办秘〔2021〕148号',
          '六政办秘[2021]148号',
          '六政办秘（2021）148号',
          ' 六政办秘［2021］148号 ',
          '六政办秘〔2021〕148',
        ]) {
          expect((await index.byDocNumber(variant)).map((d) => d.resourceId)).toEqual(['res-measures']);
        }
        expect(await index.byDocNumber('六政办秘〔2021〕149号')).toEqual([]);
        expect(await index.byDocNumber('not a document number')).toEqual([]);
      });

      it('finds documents by placement in a generation', async () => {
        const generation = await index.openGeneration('library-v1');
        expect(
          sorted((await generation.findByPlacement('site-city', ['tzgg', 'fgwj'])).map((d) => d.resourceId)),
        ).toEqual(['res-report', 'res-shipping']);
        expect(await generation.findByPlacement('site-city', [])).toEqual([]);
        expect((await generation.get('res-flood'))?.metadata.title).toBe('霍山县防汛抗旱应急预案');
      });
    });

    describe('apply', () => {
      it('stores the checkpoint with the batch, never moving it back', async () => {
        const generation = await index.openGeneration('library-v1');
        expect(await generation.checkpoint()).toBeNull();
        const documents = sampleLibrary();
        await generation.apply(upserts(documents.slice(0, 3)), 12);
        expect(await generation.checkpoint()).toBe(12);
        await generation.apply(upserts(documents.slice(3)), 20);
        expect(await generation.checkpoint()).toBe(20);
        await generation.apply(upserts(documents.slice(0, 3)), 12);
        expect(await generation.checkpoint()).toBe(20);
        await generation.apply([], 25);
        expect(await generation.checkpoint()).toBe(25);
      });

      it('is idempotent: replaying a batch changes nothing', async () => {
        const generation = await library(sampleLibrary());
        const before = await index.search({ text: '的', facets: ['genre', 'site'] });
        await generation.apply(upserts(sampleLibrary()), 15);
        const after = await index.search({ text: '的', facets: ['genre', 'site'] });
        expect(ids(after)).toEqual(ids(before));
        expect(after.total).toBe(before.total);
        expect(after.facets).toEqual(before.facets);
      });

      it('ignores an upsert or a removal older than what it holds, applies newer ones', async () => {
        const generation = await library(sampleLibrary());
        const measures = sampleLibrary()[0]!;
        expect(ids(await index.search({ text: '"关于印发"' }))).toEqual(['res-measures']);
        const stale = { ...measures, position: 5, metadata: { ...measures.metadata, title: '过时的标题' } };
        await generation.apply(upserts([stale]), 16);
        expect((await index.get('res-measures'))?.metadata.title).toBe(PLATFORM_MEASURES.title);
        expect(ids(await index.search({ text: '过时' }))).toEqual([]);

        await generation.apply([{ kind: 'remove', resourceId: 'res-measures', position: 9 }], 17);
        expect(await index.get('res-measures')).not.toBeNull();

        const corrected = {
          ...measures,
          version: 2,
          position: 20,
          metadata: { ...measures.metadata, title: '更正后的集约化平台管理办法' },
        };
        await generation.apply(upserts([corrected]), 20);
        expect((await index.get('res-measures'))?.metadata.title).toBe('更正后的集约化平台管理办法');
        expect(ids(await index.search({ text: '更正' }))).toEqual(['res-measures']);
        expect(ids(await index.search({ text: '"关于印发"' }))).toEqual([]);
      });

      it('removes a document from search and lookups, and an older upsert cannot bring it back', async () => {
        const generation = await library(sampleLibrary());
        await generation.apply([{ kind: 'remove', resourceId: 'res-flood', position: 30 }], 30);
        expect(ids(await index.search({ text: '防汛' }))).toEqual([]);
        expect(await index.get('res-flood')).toBeNull();
        expect(await index.byIndexNumber(sampleLibrary()[3]!.indexNumber)).toBeNull();
        expect((await index.search({ facets: ['site'] })).facets.site).not.toContainEqual(
          expect.objectContaining({ value: 'site-huoshan' }),
        );
        await generation.apply(upserts(sampleLibrary()), 30);
        expect(await index.get('res-flood')).toBeNull();
        const republished = { ...sampleLibrary()[3]!, position: 31 };
        await generation.apply(upserts([republished]), 31);
        expect(ids(await index.search({ text: '防汛' }))).toEqual(['res-flood']);
      });
    });

    describe('generations', () => {
      it('answers nothing before the first promotion', async () => {
        expect(await index.activeGeneration()).toBeNull();
        const generation = await index.openGeneration('library-v1');
        await generation.apply(upserts(sampleLibrary()), 15);
        expect(await index.activeGeneration()).toBeNull();
        const page = await index.search({ text: '集约化', facets: ['genre'] });
        expect(page).toEqual({ hits: [], total: 0, endCursor: null, facets: { genre: [] }, expansions: [] });
        expect(await index.get('res-measures')).toBeNull();
      });

      it('keeps a generation being filled invisible until promote, then switches at once', async () => {
        await library(sampleLibrary(), 'library-v1');
        const rebuilt = sampleLibrary().map((document) => ({
          ...document,
          metadata: { ...document.metadata, title: `${document.metadata.title}（重建）` },
        }));
        const next = await index.openGeneration('library-v2');
        await next.apply(upserts(rebuilt), 15);
        expect(await index.activeGeneration()).toBe('library-v1');
        expect(ids(await index.search({ text: '重建' }))).toEqual([]);
        expect((await index.get('res-measures'))?.metadata.title).toBe(PLATFORM_MEASURES.title);

        // Searches racing the promotion see one generation or the other, never a mixture or nothing.
        const racing = Array.from({ length: 10 }, () => index.search({ text: '的' }));
        await Promise.all([index.promote('library-v2'), ...racing]);
        for (const page of await Promise.all(racing)) {
          const titles = page.hits.map((hit) => hit.document.metadata.title.endsWith('（重建）'));
          expect(page.total).toBe(5);
          expect(new Set(titles).size).toBe(1);
        }
        expect(await index.activeGeneration()).toBe('library-v2');
        expect((await index.search({ text: '重建' })).total).toBe(5);
        expect((await index.get('res-measures'))?.metadata.title).toBe(`${PLATFORM_MEASURES.title}（重建）`);
      });

      it('keeps the checkpoint of each generation apart', async () => {
        const first = await library(sampleLibrary(), 'library-v1');
        const second = await index.openGeneration('library-v2');
        expect(await second.checkpoint()).toBeNull();
        await second.apply(upserts(sampleLibrary().slice(0, 2)), 11);
        expect(await first.checkpoint()).toBe(15);
        expect(await second.checkpoint()).toBe(11);
      });
    });

    describe('malformed queries', () => {
      beforeEach(async () => {
        await library(numberedDocuments(3, '垃圾分类'));
      });

      const cases: Array<[string, unknown, string]> = [
        ['an unknown filter', { filters: { siteId: ['site-city'] } }, 'filters.siteId'],
        ['an unknown search field', { text: '通知', limit: 5 }, 'limit'],
        [
          'a date that does not exist',
          { filters: { publishedAt: { from: '2021-02-30' } } },
          'filters.publishedAt.from',
        ],
        ['a date in another form', { filters: { writtenAt: { to: '2021年12月16日' } } }, 'filters.writtenAt.to'],
        [
          'a range that ends before it starts',
          { filters: { publishedAt: { from: '2022-01-01', to: '2021-01-01' } } },
          'filters.publishedAt',
        ],
        ['first over 100', { first: 101 }, 'first'],
        ['first of 0', { first: 0 }, 'first'],
        ['first not a whole number', { first: 2.5 }, 'first'],
        ['a cursor that is not one', { after: 'bm90IGEgY3Vyc29y' }, 'after'],
        ['a cursor with characters base64url lacks', { after: '{"v":1}' }, 'after'],
        ['unbalanced ASCII quotes', { text: '"集约化平台' }, 'text'],
        ['an unclosed Chinese quote', { text: '“集约化平台' }, 'text'],
        ['a closing quote with no opening', { text: '集约化平台”' }, 'text'],
        ['only exclusions', { text: '-集约化 -"平台"' }, 'text'],
        ['nothing but punctuation', { text: '，。！' }, 'text'],
        ['an empty phrase', { text: '通知 ""' }, 'text'],
        ['text over 500 characters', { text: '通知'.repeat(251) }, 'text'],
        ['text that is not a string', { text: 42 }, 'text'],
        ['an unknown genre', { filters: { genres: ['报告书'] } }, 'filters.genres[0]'],
        ['an unknown status', { filters: { statuses: ['withdrawn'] } }, 'filters.statuses[0]'],
        ['a column without its site', { filters: { columns: ['zcwj'] } }, 'filters.columns[0]'],
        ['an unknown sort', { sort: 'popular' }, 'sort'],
        ['an unknown facet', { facets: ['publisher'] }, 'facets[0]'],
        ['a query that is not an object', 'text', 'query'],
      ];

      for (const [name, query, path] of cases) {
        it(`refuses ${name}`, async () => {
          const error = await invalid(index.search(query as SearchQuery));
          expect(error.code).toBe('INVALID_SEARCH_QUERY');
          expect(error.problems.map((p) => p.path)).toContain(path);
        });
      }

      it('reports every problem at once', async () => {
        const error = await invalid(
          index.search({ first: 500, sort: 'popular', filters: { foo: 1, genres: ['x'] } } as unknown as SearchQuery),
        );
        expect(error.problems.map((p) => p.path).sort()).toEqual(['filters.foo', 'filters.genres[0]', 'first', 'sort']);
      });

      it('still answers well-formed queries after refusing malformed ones', async () => {
        await invalid(index.search({ text: '"' }));
        expect((await index.search({ text: '垃圾分类' })).total).toBe(3);
      });
    });

    it('finds a phrase that begins or ends beside a number, and only where it is written', async () => {
      const numbered = libraryDocument({
        resourceId: 'res-numbered',
        metadata: {
          title: '关于鲜度测试0号的通知',
          summary: undefined,
          docNumber: undefined,
          body: '<p>按照GB32100标准赋码，第5条另有规定，自2021年度起施行。</p>',
        },
      });
      await library([numbered]);
      const found = async (text: string) => (await index.search({ text })).total;
      for (const phrase of [
        '"试0号"',
        '"测试0号"',
        '"0号的"',
        '"gb32100标准"',
        '"第5条"',
        '"2021年"',
        '"第5条另有规定"',
      ]) {
        expect(await found(phrase), phrase).toBe(1);
      }
      for (const phrase of ['"试1号"', '"测0号"', '"试0的"', '"4条"', '"号的通知书"', '"2020年"']) {
        expect(await found(phrase), phrase).toBe(0);
      }
    });

    it('indexes and searches a document with a body of a million characters', async () => {
      const paragraph = '<p>各县区要加强政府网站集约化平台建设管理，提升政务服务能力。</p>';
      const body = `${paragraph.repeat(Math.floor(990_000 / paragraph.length))}<p>附件：独一无二的结尾标记词。</p>`;
      const big = libraryDocument({ resourceId: 'res-big', position: 1, metadata: { body, summary: undefined } });
      await library([big, ...sampleLibrary().slice(1, 3)]);
      const page = await index.search({ text: '"独一无二的结尾标记词"' });
      expect(ids(page)).toEqual(['res-big']);
      expect(page.hits[0]!.highlights.body).toContain('<em>独一无二的结尾标记词</em>');
      expect((await index.get('res-big'))?.metadata.body).toBe(body);
      expect(sorted(ids(await index.search({ text: '集约化平台' })))).toEqual(['res-big', 'res-opinion']);
    });
  });
}
