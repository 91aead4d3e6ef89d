import { describe, expect, it } from 'vitest';
import { formatIndexNumber, MAX_INDEX_SEQUENCE, parseIndexNumber } from '../../../domain/metadata/index.js';
import { DomainError } from '../../../domain/shared/domain-error.js';

const CODE = '113417030032499282';

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('formatIndexNumber', () => {
  it('R-LIB-2: writes <organisation code>/<YYYY>-<NNNNN> with the sequence padded to five digits', () => {
    expect(formatIndexNumber(CODE, 2021, 148)).toBe('113417030032499282/2021-00148');
    expect(formatIndexNumber(CODE, 2021, 1)).toBe('113417030032499282/2021-00001');
    expect(formatIndexNumber(CODE, 2021, MAX_INDEX_SEQUENCE)).toBe('113417030032499282/2021-99999');
    expect(formatIndexNumber('003110926', 2015, 216)).toBe('003110926/2015-00216');
  });

  it('refuses a sequence past 99999, which five digits cannot hold', () => {
    const error = refusal(() => formatIndexNumber(CODE, 2021, 100_000));
    expect(error.code).toBe('INVALID_INDEX_NUMBER');
    expect(error.details).toEqual([{ path: 'sequence', message: expect.stringContaining('1 to 99999') }]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the sequence %s', (sequence) => {
    expect(refusal(() => formatIndexNumber(CODE, 2021, sequence)).details.map((d) => d.path)).toEqual(['sequence']);
  });

  it('refuses to issue a number under an organisation code whose check character is wrong, the spec’s example included', () => {
    const error = refusal(() => formatIndexNumber('11341500003089416N', 2021, 148));
    expect(error.code).toBe('INVALID_INDEX_NUMBER');
    expect(error.details).toEqual([{ path: 'orgCode', message: expect.stringContaining('calls for J') }]);
  });

  it('reports every bad argument at once', () => {
    const error = refusal(() => formatIndexNumber('1134', 21, 0));
    expect(error.details.map((d) => d.path)).toEqual(['orgCode', 'year', 'sequence']);
  });
});

describe('parseIndexNumber', () => {
  it('R-LIB-2: reads the parts of an index number', () => {
    expect(parseIndexNumber('113417030032499282/2021-00148')).toEqual({
      flagged: false,
      value: '113417030032499282/2021-00148',
      orgCode: CODE,
      orgCodeKind: 'unified-social-credit-code',
      orgCodeCheckValid: true,
      year: 2021,
      sequence: 148,
    });
    expect(parseIndexNumber(' 003110926/2015-00216 ')).toMatchObject({
      flagged: false,
      value: '003110926/2015-00216',
      orgCodeKind: 'organisation-code',
      orgCodeCheckValid: true,
      year: 2015,
      sequence: 216,
    });
  });

  it('reads the spec’s example 11341500003089416N/2021-00148 but reports its wrong check character', () => {
    // An issued index number never changes, so one carrying a mistyped code stays referable; only issuing insists.
    expect(parseIndexNumber('11341500003089416N/2021-00148')).toMatchObject({
      flagged: false,
      orgCode: '11341500003089416N',
      orgCodeCheckValid: false,
      year: 2021,
      sequence: 148,
    });
  });

  it('reads back every number it formats', () => {
    for (const [code, year, sequence] of [
      [CODE, 1949, 1],
      [CODE, 2100, 99_999],
      ['003110926', 2024, 10_000],
    ] as const) {
      expect(parseIndexNumber(formatIndexNumber(code, year, sequence))).toMatchObject({
        flagged: false,
        orgCode: code,
        year,
        sequence,
      });
    }
  });

  it.each([
    ['', 'is not an index number'],
    ['113417030032499282/2021-148', 'is not an index number'],
    ['113417030032499282/2021-000148', 'is not an index number'],
    ['113417030032499282/21-00148', 'is not an index number'],
    // Some Anhui sites write the month into the year part; that is not the form of the spec.
    ['113417030032499282/202011-00140', 'is not an index number'],
    ['113417030032499282-2021-00148', 'is not an index number'],
    ['113417030032499282/2021-00148/1', 'is not an index number'],
    ['113417030032499282 / 2021-00148', 'is not an index number'],
    ['113417030032499282/2021-00000', 'sequences start at 00001'],
    ['113417030032499282/1900-00001', 'outside'],
    ['11341703003249928I/2021-00001', 'without I, O, S, V, Z'],
    ['1134170300324992/2021-00001', 'is not an index number'],
  ])('flags %j', (text, why) => {
    const result = parseIndexNumber(text);
    expect(result.flagged).toBe(true);
    expect(result).toHaveProperty('reason', expect.stringContaining(why));
  });
});
