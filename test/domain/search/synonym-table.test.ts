/**
 * The search synonyms: the published table of government abbreviations, and the changes administrators make through
 * events (given/when/then on the decider).
 */
import { describe, expect, it } from 'vitest';
import { GOVERNMENT_ABBREVIATIONS } from '../../../domain/search/government-abbreviations.js';
import { type SynonymEvent, searchSynonymsDecider } from '../../../domain/search/synonym-extension.js';
import { SynonymTable } from '../../../domain/search/synonym-table.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { actor, deciderSpec } from '../../support/decider-spec.js';

const admin = actor('admin', { platform: ['platform_admin'] });
const editor = actor('wang', { sites: { jinan: ['editor', 'site_admin'] } });
const spec = deciderSpec(searchSynonymsDecider);
const added = (term: string, expansions: string[], reason = '新增'): SynonymEvent => ({
  type: 'SearchSynonymAdded',
  data: { term, expansions, reason },
});

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('the published table of government abbreviations', () => {
  const base = SynonymTable.base();

  it('holds a few hundred terms, each listed once', () => {
    expect(base.size).toBeGreaterThanOrEqual(300);
    expect(base.size).toBe(GOVERNMENT_ABBREVIATIONS.length);
  });

  it.each([
    ['发改委', '发展和改革委员会'],
    ['人社局', '人力资源和社会保障局'],
    ['市监局', '市场监督管理局'],
    ['国办', '国务院办公厅'],
    ['皖政办', '安徽省人民政府办公厅'],
    ['六政办', '六安市人民政府办公室'],
    ['医保', '医疗保障'],
  ])('expands %s to %s', (term, expansion) => {
    expect(base.expansionsOf(term)).toContain(expansion);
  });

  it('never lists an expansion that contains its term (a search for the term finds it already)', () => {
    for (const { term, expansions } of base.entries()) {
      for (const expansion of expansions) expect(expansion.includes(term), `${term} → ${expansion}`).toBe(false);
    }
  });

  it('leaves out issuing-agency codes that are common words', () => {
    for (const word of ['内政', '新政', '国发']) expect(base.expansionsOf(word)).toEqual([]);
  });
});

describe('SynonymTable', () => {
  const table = SynonymTable.fromEntries([{ term: '发改委', expansions: ['发展和改革委员会'] }]);

  it('adds expansions to a term, and a new term, as new tables', () => {
    const more = table.withExpansions('发改委', ['发展改革委']).withExpansions('数据局', ['数据资源管理局']);
    expect(more.expansionsOf('发改委')).toEqual(['发展和改革委员会', '发展改革委']);
    expect(more.expansionsOf('数据局')).toEqual(['数据资源管理局']);
    expect(table.expansionsOf('发改委')).toEqual(['发展和改革委员会']);
  });

  it('takes terms and expansions in any width, trimmed', () => {
    expect(table.withExpansions(' ＡＢ局 ', ['ＡＢ管理局']).expansionsOf('AB局')).toEqual(['AB管理局']);
  });

  it('removes named expansions, or the whole term', () => {
    const two = table.withExpansions('发改委', ['发展改革委']);
    expect(two.withoutExpansions('发改委', ['发展改革委']).expansionsOf('发改委')).toEqual(['发展和改革委员会']);
    expect(two.withoutExpansions('发改委').expansionsOf('发改委')).toEqual([]);
    expect(two.withoutExpansions('发改委').size).toBe(0);
  });

  it.each([
    ['a term of one character', '委', ['委员会'], 'term'],
    ['a term with a space', '发 改委', ['发展和改革委员会'], 'term'],
    ['a term with quotes', '"发改委"', ['发展和改革委员会'], 'term'],
    ['a term starting with a minus', '-发改委', ['发展和改革委员会'], 'term'],
    ['a term of punctuation', '，。', ['发展和改革委员会'], 'term'],
    ['no expansion', '数据局', [], 'expansions'],
    ['an expansion with a space', '数据局', ['数据 资源管理局'], 'expansions'],
    ['an expansion equal to its term', '数据局', ['数据局'], 'expansions'],
    ['eleven expansions', '数据局', Array.from({ length: 11 }, (_, i) => `数据管理局${i}`), 'expansions'],
  ])('refuses %s, naming the field', (_name, term, expansions, path) => {
    const error = refusal(() => table.withExpansions(term, expansions));
    expect(error.code).toBe('INVALID_SYNONYM');
    expect(error.category).toBe('BAD_USER_INPUT');
    expect(error.details.map((d) => d.path)).toContain(path);
  });

  it('refuses a change that adds nothing, and a removal of what is not there', () => {
    expect(refusal(() => table.withExpansions('发改委', ['发展和改革委员会'])).code).toBe('SYNONYM_EXISTS');
    expect(refusal(() => table.withoutExpansions('人社局')).category).toBe('NOT_FOUND');
    const absent = refusal(() => table.withoutExpansions('发改委', ['发展改革委']));
    expect(absent.code).toBe('SYNONYM_NOT_FOUND');
    expect(absent.details).toEqual([{ path: 'expansions', message: '发展改革委 is not an expansion of the term' }]);
  });
});

describe('search synonyms changed through events', () => {
  it('a platform administrator adds expansions; the event holds only the new ones, as the table writes them', () => {
    spec([added('测试局', ['测试管理局'])])
      .when({
        type: 'AddSearchSynonym',
        data: { term: ' 测试局', expansions: ['测试管理局', '测试监督管理局'], reason: '常用简称' },
        actor: admin,
      })
      .then([added('测试局', ['测试监督管理局'], '常用简称')]);
  });

  it('records the platform administrator role the change was made in', () => {
    spec([])
      .when({
        type: 'AddSearchSynonym',
        data: { term: '测试局', expansions: ['测试管理局'], reason: 'r' },
        actor: admin,
      })
      .thenActsAs('platform_admin');
  });

  it('R-PEOPLE-1: refuses anyone but a platform administrator', () => {
    spec([])
      .when({
        type: 'AddSearchSynonym',
        data: { term: '测试局', expansions: ['测试管理局'], reason: 'r' },
        actor: editor,
      })
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
  });

  it('refuses to add what the published table already has', () => {
    spec([])
      .when({
        type: 'AddSearchSynonym',
        data: { term: '国办', expansions: ['国务院办公厅'], reason: 'r' },
        actor: admin,
      })
      .thenRefuses('SYNONYM_EXISTS');
  });

  it('removes a published entry, all its expansions named in the event', () => {
    spec([])
      .when({ type: 'RemoveSearchSynonym', data: { term: '人行', reason: '有歧义' }, actor: admin })
      .then([{ type: 'SearchSynonymRemoved', data: { term: '人行', expansions: ['人民银行'], reason: '有歧义' } }]);
  });

  it('refuses to remove a term the table does not have', () => {
    spec([])
      .when({ type: 'RemoveSearchSynonym', data: { term: '不存在局', reason: 'r' }, actor: admin })
      .thenRefuses('SYNONYM_NOT_FOUND');
  });

  it('folds an added entry that a later release put into the published table without refusing', () => {
    const table = [added('国办', ['国务院办公厅'])].reduce(
      searchSynonymsDecider.evolve,
      searchSynonymsDecider.initialState(),
    );
    expect(table.expansionsOf('国办')).toEqual(['国务院办公厅']);
  });
});
