/**
 * Dates as legacy sites and documents write them, turned into ISO. A date that is not certain is flagged for a person,
 * never completed or corrected: a wrong 成文日期 on a published document is worse than an empty one.
 */
import { type Flagged, flag } from './flagged.js';
import { toHalfWidth } from './half-width.js';
import { EARLIEST_YEAR, isPlausibleYear, LATEST_YEAR } from './plausible-year.js';

export interface NormalisedDate {
  flagged: false;
  /** `YYYY-MM-DD`. */
  date: string;
  /** `HH:MM` or `HH:MM:SS`, as precise as the text was; fractions of a second are dropped. */
  time?: string;
  /**
   * `Z` or `±HH:MM` when the text carried one. The date and time are kept as written in that offset rather than
   * converted to Beijing time, so the result never says something the text did not.
   */
  offset?: string;
}

const CHINESE_DATE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*(.+))?$/;
// The same separator twice: `2021-12/16` is more likely a typo than a date.
const SEPARATED_DATE = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:(T|\s+)(.+))?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})(?:\s+(.+))?$/;
const TWO_DIGIT_YEAR = /^\d{2}(?:\s*年|([-/.])\d{1,2}\1\d{1,2}(?!\d))/;

const CLOCK_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const CHINESE_TIME = /^(\d{1,2})\s*[时點点]\s*(\d{1,2})\s*分(?:\s*(\d{1,2})\s*秒)?$/;

export function normaliseDate(text: string): NormalisedDate | Flagged {
  const value = toHalfWidth(text).trim();
  if (value === '') return flag('no date given');
  if (TWO_DIGIT_YEAR.test(value)) return flag(`"${value}" has a two-digit year; the century is not certain`);

  const parts = splitDate(value);
  if (parts === undefined) return flag(`"${value}" is not a date in a recognised form`);

  const [yearText, monthText, dayText, rest] = parts;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  if (!isPlausibleYear(year)) return flag(`year ${yearText} is outside ${EARLIEST_YEAR}..${LATEST_YEAR}`);
  if (month < 1 || month > 12) return flag(`month ${monthText} does not exist`);
  if (day < 1 || day > daysInMonth(year, month)) return flag(`${year}-${pad(month)} has no day ${dayText}`);
  const date = `${year}-${pad(month)}-${pad(day)}`;
  if (rest === undefined) return { flagged: false, date };

  const time = normaliseTime(rest);
  if (time === undefined) return flag(`"${rest}" after the date is not a time of day`);
  return { flagged: false, date, ...time };
}

/** True for a real calendar date already written as `YYYY-MM-DD`, the only form stored metadata accepts. */
export function isIsoDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

type DateParts = [year: string, month: string, day: string, rest: string | undefined];

function splitDate(value: string): DateParts | undefined {
  const chinese = CHINESE_DATE.exec(value);
  if (chinese) return [chinese[1]!, chinese[2]!, chinese[3]!, chinese[4]];
  const separated = SEPARATED_DATE.exec(value);
  // `T` before the time belongs to the ISO form only; after `2021/12/16` it is more likely garbage than a time.
  if (separated && (separated[5] !== 'T' || separated[2] === '-')) {
    return [separated[1]!, separated[3]!, separated[4]!, separated[6]];
  }
  const compact = COMPACT_DATE.exec(value);
  if (compact) return [compact[1]!, compact[2]!, compact[3]!, compact[4]];
  return undefined;
}

function normaliseTime(text: string): { time: string; offset?: string } | undefined {
  const clock = CLOCK_TIME.exec(text);
  const chinese = clock ? null : CHINESE_TIME.exec(text);
  const match = clock ?? chinese;
  if (!match) return undefined;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  const seconds = match[3] === undefined ? undefined : Number(match[3]);
  // 24:00 and leap seconds are legal in some standards but never appear in real records; they are typos here.
  if (hours > 23 || minutes > 59 || (seconds !== undefined && seconds > 59)) return undefined;
  const time = `${pad(hours)}:${pad(minutes)}${seconds === undefined ? '' : `:${pad(seconds)}`}`;
  const offsetText = clock?.[4];
  if (offsetText === undefined) return { time };
  if (offsetText.toUpperCase() === 'Z') return { time, offset: 'Z' };
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(offsetText)!;
  if (Number(offset[2]) > 14 || Number(offset[3]) > 59) return undefined;
  return { time, offset: `${offset[1]}${offset[2]}:${offset[3]}` };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
