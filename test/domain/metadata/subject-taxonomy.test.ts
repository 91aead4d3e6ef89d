import { describe, expect, it } from 'vitest';
import { SubjectTaxonomy } from '../../../domain/metadata/index.js';
import { DomainError } from '../../../domain/shared/domain-error.js';

const TOP_LEVELS = [
  '国务院组织机构',
  '综合政务',
  '国民经济管理、国有资产监管',
  '财政、金融、审计',
  '国土资源、能源',
  '农业、林业、水利',
  '工业、交通',
  '商贸、海关、旅游',
  '市场监管、安全生产监管',
  '城乡建设、环境保护',
  '科技、教育',
  '文化、广电、新闻出版',
  '卫生、体育',
  '人口与计划生育、妇女儿童工作',
  '劳动、人事、监察',
  '公安、安全、司法',
  '民政、扶贫、救灾',
  '民族、宗教',
  '对外事务',
  '港澳台侨工作',
  '国防',
  '其他',
];

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('SubjectTaxonomy', () => {
  const base = SubjectTaxonomy.base();

  it('R-LIB-2: holds the 22 top-level categories of the State Council policy library, in order', () => {
    expect(base.list().map((c) => c.name)).toEqual(TOP_LEVELS);
  });

  it('gives every category an 其他 catch-all as its last entry, except 其他 itself, which has no second level', () => {
    for (const category of base.list()) {
      if (category.name === '其他') expect(category.secondLevels).toEqual([]);
      else expect(category.secondLevels.at(-1)).toBe('其他');
    }
  });

  it('carries the second levels the spec lists for 综合政务 and 国民经济管理、国有资产监管, under their published names', () => {
    const secondLevels = (name: string) => base.list().find((c) => c.name === name)?.secondLevels;
    expect(secondLevels('综合政务')).toEqual([
      '政务公开',
      '政务督查',
      '应急管理',
      '电子政务',
      '文秘工作',
      '保密工作',
      '信访',
      '参事、文史',
      '其他',
    ]);
    expect(secondLevels('国民经济管理、国有资产监管')).toEqual([
      '宏观经济',
      '经济体制改革',
      '统计',
      '物价',
      '国有资产监管',
      '重大建设项目',
      '其他',
    ]);
  });

  it.each([
    ['综合政务/政务公开', true],
    ['财政、金融、审计/货币（含外汇）', true],
    ['国防/其他', true],
    ['其他', true],
    ['综合政务', false],
    ['综合政务/', false],
    ['综合政务/不存在', false],
    ['不存在/政务公开', false],
    ['综合政务/政务公开/更多', false],
    ['其他/其他', false],
    ['', false],
  ])('has(%j) is %s', (path, expected) => {
    expect(base.has(path)).toBe(expected);
  });

  it('is extended by administrators with a second level, returning a new taxonomy and leaving the old one as it was', () => {
    const extended = base.withSecondLevel('综合政务', '政务服务');
    expect(extended.has('综合政务/政务服务')).toBe(true);
    expect(base.has('综合政务/政务服务')).toBe(false);
    expect(
      extended
        .list()
        .find((c) => c.name === '综合政务')
        ?.secondLevels.slice(-2),
    ).toEqual(['政务服务', '其他']);
    expect(base.list().find((c) => c.name === '综合政务')?.secondLevels).not.toContain('政务服务');
  });

  it('rebuilds the same taxonomy by folding the extension events in order', () => {
    const events = [
      { top: '综合政务', second: '政务服务' },
      { top: '城乡建设、环境保护', second: '乡村振兴' },
      { top: '其他', second: '历史资料' },
    ];
    const taxonomy = events.reduce((t, e) => t.withSecondLevel(e.top, e.second), base);
    expect(taxonomy.has('综合政务/政务服务')).toBe(true);
    expect(taxonomy.has('城乡建设、环境保护/乡村振兴')).toBe(true);
    expect(taxonomy.has('其他/历史资料')).toBe(true);
    // A subject stored as the bare top level 其他 stays valid after 其他 gains a second level.
    expect(taxonomy.has('其他')).toBe(true);
  });

  it('trims the names it is given', () => {
    expect(base.withSecondLevel(' 综合政务 ', ' 政务服务 ').has('综合政务/政务服务')).toBe(true);
  });

  it('refuses to extend an unknown top level (UNKNOWN_SUBJECT)', () => {
    const error = refusal(() => base.withSecondLevel('不存在', '政务服务'));
    expect(error.code).toBe('UNKNOWN_SUBJECT');
    expect(error.details.map((d) => d.path)).toEqual(['top']);
  });

  it('refuses a second level that exists (SUBJECT_EXISTS), the catch-all and earlier extensions included', () => {
    expect(refusal(() => base.withSecondLevel('综合政务', '政务公开')).code).toBe('SUBJECT_EXISTS');
    expect(refusal(() => base.withSecondLevel('综合政务', '其他')).code).toBe('SUBJECT_EXISTS');
    const extended = base.withSecondLevel('综合政务', '政务服务');
    expect(refusal(() => extended.withSecondLevel('综合政务', '政务服务')).code).toBe('SUBJECT_EXISTS');
  });

  it.each([[''], ['   '], ['政务/服务'], ['政务\u0000服务'], ['长'.repeat(51)]])(
    'refuses the second-level name %j (INVALID_SUBJECT)',
    (name) => {
      expect(refusal(() => base.withSecondLevel('综合政务', name)).code).toBe('INVALID_SUBJECT');
    },
  );

  it('cannot be changed through what it hands out', () => {
    const list = base.list();
    expect(Object.isFrozen(list)).toBe(true);
    const secondLevels = list[1]!.secondLevels as string[];
    expect(Object.isFrozen(secondLevels)).toBe(true);
    expect(() => secondLevels.push('偷偷加的')).toThrow(TypeError);
    expect(SubjectTaxonomy.base().has('综合政务/偷偷加的')).toBe(false);
  });

  it('refuses malformed data', () => {
    expect(() => SubjectTaxonomy.fromData({ categories: [] })).toThrow(/malformed/);
    expect(() =>
      SubjectTaxonomy.fromData({
        categories: [
          { name: '甲', secondLevels: ['一'] },
          { name: '甲', secondLevels: ['二'] },
        ],
      }),
    ).toThrow(/malformed/);
    expect(() => SubjectTaxonomy.fromData({ categories: [{ name: '甲', secondLevels: ['一', '一'] }] })).toThrow(
      /malformed/,
    );
  });
});
