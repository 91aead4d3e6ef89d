import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkOrganisationCode,
  organisationCodeCheckCharacter,
  usccCheckCharacter,
} from '../../../domain/metadata/index.js';

const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

describe('unified social credit codes (GB 32100-2015)', () => {
  it.each([
    // Codes published by real organisations: a township government in Anhui (from its disclosure catalogue), a
    // company, and the example commonly used to explain the standard.
    ['113417030032499282'],
    ['914403001922038216'],
    ['91350100M000100Y43'],
  ])('accepts %s, whose check character is right', (code) => {
    expect(checkOrganisationCode(code)).toEqual({ valid: true, kind: 'unified-social-credit-code' });
  });

  it('R-LIB-2: reports that the spec’s example 11341500003089416N has a wrong check character (it should be J)', () => {
    // Weighted sum of the first 17 characters is 881; 881 mod 31 = 13; 31 - 13 = 18, the value of J. The organisation
    // code inside it (00308941-6) fails its own GB 11714 check too (it calls for 8), so the example looks mistyped.
    expect(checkOrganisationCode('11341500003089416N')).toEqual({
      valid: false,
      kind: 'unified-social-credit-code',
      reason: 'check character is N but the code calls for J (GB 32100-2015)',
      expectedCheckCharacter: 'J',
    });
    expect(usccCheckCharacter('11341500003089416')).toBe('J');
    expect(checkOrganisationCode('11341500003089416J')).toEqual({ valid: true, kind: 'unified-social-credit-code' });
    expect(organisationCodeCheckCharacter('00308941')).toBe('8');
  });

  it.each([
    ['11341500003089416', 'got 17 characters'],
    ['11341500003089416NN', 'got 19 characters'],
    ['1134150000308941IN', 'without I, O, S, V, Z'],
    ['11341500003O89416N', 'without I, O, S, V, Z'],
    ['113415000030894l6N', 'without I, O, S, V, Z'],
    ['11341500003089416n', 'upper case'],
    ['1134A500003089416N', 'digits in positions 3-8'],
  ])('refuses the malformed code %s', (code, why) => {
    const result = checkOrganisationCode(code);
    expect(result.valid).toBe(false);
    expect(result).toHaveProperty('reason', expect.stringContaining(why));
  });

  // 31 is prime and no weight is a multiple of it, so any single substitution changes the sum modulo 31.
  it('detects every change of a single character', () => {
    const code = '113417030032499282';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 17 }), fc.constantFrom(...USCC_CHARACTERS), (position, replacement) => {
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(checkOrganisationCode(changed).valid).toBe(false);
      }),
    );
  });
});

describe('organisation codes (GB 11714)', () => {
  it.each([['003110926'], ['192203821'], ['003249928'], ['M000100Y4']])(
    'accepts %s, whose check digit is right',
    (code) => {
      expect(checkOrganisationCode(code)).toEqual({ valid: true, kind: 'organisation-code' });
    },
  );

  it('writes a remainder of 10 as X and of 11 as 0', () => {
    // 00000000: sum 0, 11 - 0 = 11 → 0. 00000001: sum 2 → 9. 00000006: sum 12, 12 mod 11 = 1, 11 - 1 = 10 → X.
    expect(organisationCodeCheckCharacter('00000001')).toBe('9');
    expect(organisationCodeCheckCharacter('00000000')).toBe('0');
    expect(organisationCodeCheckCharacter('00000006')).toBe('X');
    expect(checkOrganisationCode('00000006X')).toEqual({ valid: true, kind: 'organisation-code' });
  });

  it.each([
    ['003110927', 'calls for 6'],
    ['00311092-6', 'got 10 characters'],
    ['0031109a6', 'capital letters'],
    ['00311092Y', 'check digit or X'],
  ])('refuses %s', (code, why) => {
    expect(checkOrganisationCode(code)).toHaveProperty('reason', expect.stringContaining(why));
  });
});
