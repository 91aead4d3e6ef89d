/**
 * The index number (索引号) of the government information disclosure catalogue: `<organisation code>/<YYYY>-<NNNNN>`,
 * e.g. `11341500003089416N/2021-00148`. The library assigns it when a resource is first published and never changes it.
 */
import { DomainError } from '../shared/domain-error.js';
import { type Flagged, flag } from './flagged.js';
import { checkOrganisationCode, type OrganisationCodeKind } from './organisation-code.js';
import { EARLIEST_YEAR, isPlausibleYear, LATEST_YEAR } from './plausible-year.js';

export const MAX_INDEX_SEQUENCE = 99_999;

export interface ParsedIndexNumber {
  flagged: false;
  /** The index number as given, trimmed. */
  value: string;
  orgCode: string;
  orgCodeKind: OrganisationCodeKind;
  /**
   * Whether the organisation code's check character is right. Parsing does not refuse a wrong one: an index number is
   * a permanent identifier, and numbers other systems issued long ago must stay referable even when their code is
   * mistyped (the spec's own example is). Only issuing a new number insists on a valid code.
   */
  orgCodeCheckValid: boolean;
  year: number;
  sequence: number;
}

const INDEX_NUMBER_SHAPE = /^([0-9A-Z]{18}|[0-9A-Z]{9})\/(\d{4})-(\d{5})$/;

export function formatIndexNumber(orgCode: string, year: number, sequence: number): string {
  const problems: { path: string; message: string }[] = [];
  const check = checkOrganisationCode(orgCode);
  if (!check.valid) problems.push({ path: 'orgCode', message: check.reason });
  if (!isPlausibleYear(year)) {
    problems.push({ path: 'year', message: `year must be an integer from ${EARLIEST_YEAR} to ${LATEST_YEAR}` });
  }
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_INDEX_SEQUENCE) {
    problems.push({
      path: 'sequence',
      message: `sequence must be an integer from 1 to ${MAX_INDEX_SEQUENCE}; the five-digit format has no room for more in one year`,
    });
  }
  if (problems.length > 0) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_INDEX_NUMBER',
      '无法生成索引号',
      'cannot form an index number',
      problems,
    );
  }
  return `${orgCode}/${year}-${String(sequence).padStart(5, '0')}`;
}

export function parseIndexNumber(text: string): ParsedIndexNumber | Flagged {
  const value = text.trim();
  const match = INDEX_NUMBER_SHAPE.exec(value);
  if (!match) {
    return flag(`"${value}" is not an index number of the form <organisation code>/<YYYY>-<NNNNN>`);
  }
  const [, orgCode = '', yearText = '', sequenceText = ''] = match;
  const check = checkOrganisationCode(orgCode);
  // A wrong check character is reported, not refused (see orgCodeCheckValid); a wrong shape is refused.
  if (!check.valid && check.kind === undefined) return flag(`organisation code ${orgCode}: ${check.reason}`);
  const year = Number(yearText);
  if (!isPlausibleYear(year)) return flag(`year ${yearText} is outside ${EARLIEST_YEAR}..${LATEST_YEAR}`);
  const sequence = Number(sequenceText);
  if (sequence === 0) return flag('sequence 00000 is never issued; sequences start at 00001');
  return { flagged: false, value, orgCode, orgCodeKind: check.kind!, orgCodeCheckValid: check.valid, year, sequence };
}
