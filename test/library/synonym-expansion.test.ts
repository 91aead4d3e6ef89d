/**
 * The search synonyms as both adapters apply them to a query (infra/search/shared/synonym-expansion.ts): where a
 * table term stands in an unquoted term at word boundaries, the term also matches with it replaced by each of its
 * expansions, written out; the search says which table terms it used.
 */
import { describe, expect, it } from 'vitest';
import { SynonymTable } from '../../domain/search/synonym-table.js';
import { parseSearchQuery } from '../../infra/search/shared/search-query.js';
import { MAX_ALTERNATIVES } from '../../infra/search/shared/synonym-expansion.js';

const table = SynonymTable.fromEntries([
  { term: '发改委', expansions: ['发展和改革委员会', '发展改革委'] },
  { term: '国办', expansions: ['国务院办公厅'] },
  { term: '人社局', expansions: ['人力资源和社会保障局'] },
  { term: '12345热线', expansions: ['政务服务便民热线'] },
]);
const parse = (text: string) => parseSearchQuery({ text }, table);

describe('search synonyms applied to a query', () => {
  it('searches a table term as itself or any of its expansions, each written out, and says so', () => {
    const parsed = parse('发改委 价格');
    const [term, price] = parsed.include;
    expect(term!.pattern).toEqual({ words: ['发改委'], literals: [] });
    expect(term!.expansions).toEqual([
      { words: [], literals: ['发展和改革委员会'] },
      { words: [], literals: ['发展改革委'] },
    ]);
    expect(price!.expansions).toEqual([]);
    expect(parsed.expansions).toEqual([{ term: '发改委', expansions: ['发展和改革委员会', '发展改革委'] }]);
  });

  it('replaces a table term inside a longer term, keeping the rest as typed', () => {
    const [term] = parse('市人社局').include;
    expect(term!.pattern).toEqual({ words: [], literals: ['市人社局'] });
    expect(term!.expansions).toEqual([{ words: ['市'], literals: ['人力资源和社会保障局'] }]);
  });

  it('finds a table term only at word boundaries: 国办 is not in 全国办理', () => {
    expect(parse('全国办理').expansions).toEqual([]);
    expect(parse('全国办理').include[0]!.expansions).toEqual([]);
  });

  it('leaves quoted phrases as written, and terms with digits unless they are table terms themselves', () => {
    expect(parse('"发改委"').expansions).toEqual([]);
    expect(parse('国办发〔2021〕15号').expansions).toEqual([]);
    expect(parse('12345热线').include[0]!.expansions).toEqual([{ words: [], literals: ['政务服务便民热线'] }]);
  });

  it('expands exclusions too, so that an excluded name is excluded however it is written', () => {
    const parsed = parse('价格 -发改委');
    expect(parsed.exclude[0]!.expansions.map((p) => p.literals)).toEqual([['发展和改革委员会'], ['发展改革委']]);
  });

  it('matches the publisher by the full name when the whole text is a table term', () => {
    expect(parse('国办').identifier).toEqual({ text: '国办', names: ['国办', '国务院办公厅'] });
    expect(parse('"国办"').identifier).toEqual({ text: '国办', names: ['国办'] });
  });

  it('marks the expansions in highlights as well as the term', () => {
    expect(parse('国办').highlightTerms).toEqual([
      { text: '国办', literal: false },
      { text: '国务院办公厅', literal: true },
    ]);
  });

  it(`searches one term with at most ${MAX_ALTERNATIVES} alternatives, however many table terms it holds`, () => {
    const [term] = parse('发改委国办发改委国办发改委国办').include;
    expect(term!.expansions.length).toBe(MAX_ALTERNATIVES - 1);
  });

  it('keeps the cursor of a search whose table changed: the fingerprint is of the text as typed', () => {
    const without = parseSearchQuery({ text: '发改委 价格' });
    expect(parse('发改委 价格').fingerprint).toBe(without.fingerprint);
  });

  it('searches without synonyms when no table is given', () => {
    expect(parseSearchQuery({ text: '发改委' }).include[0]!.expansions).toEqual([]);
  });
});
