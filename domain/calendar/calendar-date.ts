/**
 * Plain calendar dates (`YYYY-MM-DD`) as Chinese offices read them: a date in China Standard Time, never an instant.
 * Arithmetic runs on UTC midnights so that neither the machine's time zone nor daylight saving can shift a day.
 */
import { DomainError, type FieldProblem } from '../shared/domain-error.js';

/** `YYYY-MM-DD`, a day in China Standard Time. */
export type CalendarDate = string;

const DAY_MS = 86_400_000;
// China has had one time zone without daylight saving since 1992, so an instant's local date is always UTC+8.
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant without an offset would be read in the machine's time zone, which is exactly the guess this module avoids.
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

export function invalidDate(value: unknown, path?: string): DomainError {
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  const details: FieldProblem[] = path === undefined ? [] : [{ path, message: `${shown} is not a YYYY-MM-DD date` }];
  return new DomainError(
    'BAD_USER_INPUT',
    'INVALID_DATE',
    `${shown} 不是有效日期，日期应写作 YYYY-MM-DD（例如 2025-10-01）`,
    `${shown} is not a valid date; write dates as YYYY-MM-DD (for example 2025-10-01)`,
    details,
  );
}

function dayNumberOrUndefined(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear rather than Date.UTC, because Date.UTC maps the years 0-99 to 1900-1999.
  const ms = new Date(0).setUTCFullYear(year, month - 1, day);
  const back = new Date(ms);
  // Date rolls 2025-02-30 over into March; a date that does not come back unchanged does not exist.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / DAY_MS;
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  return dayNumberOrUndefined(value) !== undefined;
}

/** Days since 1970-01-01; throws INVALID_DATE. `path` names the command field in the error's details. */
export function dayNumberOf(date: unknown, path?: string): number {
  const dayNumber = dayNumberOrUndefined(date);
  if (dayNumber === undefined) throw invalidDate(date, path);
  return dayNumber;
}

export function dateOfDayNumber(dayNumber: number): CalendarDate {
  const d = new Date(dayNumber * DAY_MS);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

export function yearOfDayNumber(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCFullYear();
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDayNumber(dayNumber: number): number {
  return new Date(dayNumber * DAY_MS).getUTCDay();
}

export function isWeekendDayNumber(dayNumber: number): boolean {
  const weekday = weekdayOfDayNumber(dayNumber);
  return weekday === 0 || weekday === 6;
}

/**
 * The date in China of an instant such as a command's `occurredAt` (`2025-09-26T21:30:00+08:00`). Deadlines count from
 * this date; taking `toISOString().slice(0, 10)` instead would give the UTC date, a day early for anything before 08:00.
 */
export function chinaDateOf(instant: string): CalendarDate {
  // V8 parses 2025-02-30T10:00Z as 2 March, so the date part is checked on its own first.
  const ms = INSTANT_PATTERN.test(instant) && isCalendarDate(instant.slice(0, 10)) ? Date.parse(instant) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_INSTANT',
      `"${instant}" 不是带时区的 ISO 8601 时间（例如 2025-09-26T21:30:00+08:00）`,
      `"${instant}" is not an ISO 8601 instant with an offset (for example 2025-09-26T21:30:00+08:00)`,
    );
  }
  return dateOfDayNumber(Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS));
}
