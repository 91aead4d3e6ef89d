/**
 * Codes that identify a publishing organisation: the 18-character unified social credit code (统一社会信用代码,
 * GB 32100-2015) and the older 9-character organisation code (组织机构代码, GB 11714). Both end in a check character,
 * which catches most typing mistakes, so it is verified rather than only the shape.
 */

export type OrganisationCodeKind = 'unified-social-credit-code' | 'organisation-code';

export type OrganisationCodeCheck =
  | { valid: true; kind: OrganisationCodeKind }
  | {
      valid: false;
      /** Known when the shape is right and only the check character is wrong. */
      kind?: OrganisationCodeKind;
      reason: string;
      /** The check character the rest of the code calls for, when the shape is right. */
      expectedCheckCharacter?: string;
    };

// GB 32100 leaves out I, O, Z, S and V, which are too easily read as 1, 0, 2, 5 and U; the value of a character
// is its position in this string, which is what the check sum weighs.
const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// Registration authority and kind (2), administrative division code (6 digits), organisation code (9), check (1).
const USCC_SHAPE = /^[0-9A-HJ-NP-RT-UW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RT-UW-Y]{10}$/;
// GB 32100-2015, 4.3: the weight of position i (from 0) is 3^i mod 31.
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

// GB 11714-1997: eight body characters (digits or capital letters, A = 10 … Z = 35), then a check digit or X.
const ORGANISATION_CODE_SHAPE = /^[0-9A-Z]{8}[0-9X]$/;
const ORGANISATION_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARACTERS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARACTERS[(31 - (sum % 31)) % 31]!;
}

export function organisationCodeCheckCharacter(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i]!, 36) * ORGANISATION_CODE_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

export function checkOrganisationCode(code: string): OrganisationCodeCheck {
  if (code.length === 18) {
    if (!USCC_SHAPE.test(code)) {
      return {
        valid: false,
        reason:
          'a unified social credit code is 18 characters from 0-9 and A-Y without I, O, S, V, Z (upper case), with digits in positions 3-8',
      };
    }
    const expected = usccCheckCharacter(code.slice(0, 17));
    return expected === code[17]
      ? { valid: true, kind: 'unified-social-credit-code' }
      : {
          valid: false,
          kind: 'unified-social-credit-code',
          reason: `check character is ${code[17]} but the code calls for ${expected} (GB 32100-2015)`,
          expectedCheckCharacter: expected,
        };
  }
  if (code.length === 9) {
    if (!ORGANISATION_CODE_SHAPE.test(code)) {
      return {
        valid: false,
        reason: 'an organisation code is 8 digits or capital letters followed by a check digit or X, without a hyphen',
      };
    }
    const expected = organisationCodeCheckCharacter(code.slice(0, 8));
    return expected === code[8]
      ? { valid: true, kind: 'organisation-code' }
      : {
          valid: false,
          kind: 'organisation-code',
          reason: `check character is ${code[8]} but the code calls for ${expected} (GB 11714)`,
          expectedCheckCharacter: expected,
        };
  }
  return {
    valid: false,
    reason: `expected an 18-character unified social credit code or a 9-character organisation code, got ${code.length} characters`,
  };
}
