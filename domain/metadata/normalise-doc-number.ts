/**
 * Document numbers (发文字号) in the form GB/T 9704-2012 prescribes, `<代字>〔YYYY〕N号`, and decree numbers in the form
 * the State Council and its departments use, `<机关>令第N号`. Legacy pages type the brackets every which way and text
 * extraction loses characters (the seed shows `六政办秘〔2021148` for `六政办秘〔2021〕148号`); what can be repaired with
 * only one possible reading is repaired, the rest is flagged for a person.
 */
import type { Flagged } from './flagged.js';
import { toHalfWidth } from './half-width.js';
import { EARLIEST_YEAR, isPlausibleYear, LATEST_YEAR } from './plausible-year.js';

export interface NormalisedDocNumber {
  flagged: false;
  value: string;
  /**
   * What was restored rather than merely rewritten (a lost bracket, a missing 号), so that the ingest can show a
   * person what the library inferred. Empty when the text only needed its brackets, digits or spaces normalised.
   */
  repairs: string[];
}

export interface FlaggedDocNumber extends Flagged {
  original: string;
}

// Every bracket pair seen standing in for 〔〕 on legacy pages, and mixed pairs of them: which one was typed carries
// no meaning. ﹝﹞ (small tortoise shell) is the most common look-alike on government sites.
const OPENING = /[[［(（【〖｛{﹝〘]/gu;
const CLOSING = /[\]］)）】〗｝}﹞〙]/gu;
const WHITE_SPACE = /[\s\u00A0\u3000]+/gu;

// The issuing body of a decree may be several bodies joined with 、 (国务院、中央军委令第689号).
const DECREE = /^([\p{Script=Han}、]+令)第(\d+)(号?)$/u;
// 代字 is Chinese only; then the year and the serial with or without their brackets; 第 before the serial is not part of
// the GB/T 9704 form but some offices type it.
const DOC_NUMBER = /^(\p{Script=Han}+?)(〔?)(\d+)(〕?)(第?)(\d*)(号?)$/u;

export function normaliseDocNumber(text: string): NormalisedDocNumber | FlaggedDocNumber {
  const flagged = (reason: string): FlaggedDocNumber => ({ flagged: true, reason, original: text });
  const compact = toHalfWidth(text).replace(WHITE_SPACE, '').replace(OPENING, '〔').replace(CLOSING, '〕');
  if (compact === '') return flagged('no document number given');

  const decree = DECREE.exec(compact);
  if (decree) {
    const [, body = '', serialText = '', hao = ''] = decree;
    const serial = stripZeros(serialText);
    if (serial === undefined) return flagged('decree number 0 does not exist');
    return { flagged: false, value: `${body}第${serial}号`, repairs: hao === '' ? ['号 added'] : [] };
  }

  const match = DOC_NUMBER.exec(compact);
  if (!match) {
    return flagged(`"${text}" is not of the form <代字>〔YYYY〕N号 or <机关>令第N号, and no single repair makes it so`);
  }
  const [, agency = '', open = '', digits = '', close = '', di = '', serialDigits = '', hao = ''] = match;
  // A 代字 ending in 第 or 令 means a decree number or a serial that lost its place, not a 代字.
  if (/[第令号]$/u.test(agency)) return flagged(`"${text}" has no recognisable 代字 before the year`);

  const repairs: string[] = [];
  let yearText: string;
  let serialText: string;
  if (close === '〕') {
    yearText = digits;
    serialText = serialDigits;
    if (open === '') repairs.push('opening bracket 〔 restored');
  } else {
    if (di !== '' || serialDigits !== '') return flagged(`"${text}" has no closing bracket where the year ends`);
    if (digits.length < 5) {
      return flagged(`"${text}" has a bracket missing and too few digits to tell the year from the serial`);
    }
    // GB/T 9704 puts the four-digit year first, so with the bracket lost the first four digits are the only reading.
    // Two-digit years (〔98〕) predate that form and would make a second reading; they fail the plausibility check below.
    yearText = digits.slice(0, 4);
    serialText = digits.slice(4);
    repairs.push(open === '' ? 'brackets 〔〕 restored around the year' : 'closing bracket 〕 restored');
  }
  if (yearText.length !== 4) return flagged(`year "${yearText}" is not four digits; the century is not certain`);
  const year = Number(yearText);
  if (!isPlausibleYear(year)) {
    return flagged(
      `year ${yearText} is outside ${EARLIEST_YEAR}..${LATEST_YEAR}, so the number cannot be read with confidence`,
    );
  }
  if (serialText === '') return flagged(`"${text}" has no serial number after the year`);
  const serial = stripZeros(serialText);
  if (serial === undefined) return flagged('serial number 0 does not exist');
  // Every document number ends in 号 and text extraction is what loses it, so its absence says nothing about the number.
  if (hao === '') repairs.push('号 added');
  return { flagged: false, value: `${agency}〔${yearText}〕${serial}号`, repairs };
}

// GB/T 9704-2012 7.2.4: 发文顺序号不加"第"字，不编虚位 (no leading zeros).
function stripZeros(digits: string): string | undefined {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? undefined : stripped;
}
