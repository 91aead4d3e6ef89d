/**
 * One year's official holiday arrangement, as the State Council General Office announces it each autumn for the next
 * year (《国务院办公厅关于XXXX年部分节假日安排的通知》). Both sources of the working calendar, the chinese-days package and the
 * platform administrator's records, are turned into this one shape and pass the same checks.
 */
import { DomainError, type ErrorCategory, type FieldProblem } from '../shared/domain-error.js';
import {
  type CalendarDate,
  dateOfDayNumber,
  dayNumberOf,
  isWeekendDayNumber,
  yearOfDayNumber,
} from './calendar-date.js';

export interface HolidayArrangement {
  readonly year: number;
  /**
   * Days off (放假). Weekend days inside a break may be listed as well, because the notices and chinese-days list whole
   * breaks ("1月28日至2月4日放假调休，共8天"); they change nothing, since a weekend is off anyway.
   */
  readonly holidays: readonly CalendarDate[];
  /** Saturdays and Sundays that are working days (调休上班). */
  readonly adjustedWorkdays: readonly CalendarDate[];
}

// The platform has no content before 2000, and a record beyond 2100 can only be a typing error.
export const FIRST_RECORDABLE_YEAR = 2000;
export const LAST_RECORDABLE_YEAR = 2100;

type ListName = 'holidays' | 'adjustedWorkdays';

function refuse(
  category: ErrorCategory,
  code: string,
  messageZh: string,
  messageEn: string,
  details: FieldProblem[],
  rule?: string,
): never {
  throw new DomainError(category, code, messageZh, messageEn, details, rule);
}

/**
 * Throws a DomainError for the first kind of problem it finds, listing every field with that problem, and otherwise
 * returns the arrangement with its dates sorted, so that two records of the same days compare equal.
 */
export function checkHolidayArrangement(arrangement: HolidayArrangement): HolidayArrangement {
  const { year } = arrangement;
  if (!Number.isInteger(year) || year < FIRST_RECORDABLE_YEAR || year > LAST_RECORDABLE_YEAR) {
    refuse(
      'BAD_USER_INPUT',
      'CALENDAR_YEAR_OUT_OF_RANGE',
      `年份 ${year} 不在 ${FIRST_RECORDABLE_YEAR}-${LAST_RECORDABLE_YEAR} 之间`,
      `year ${year} is not between ${FIRST_RECORDABLE_YEAR} and ${LAST_RECORDABLE_YEAR}`,
      [{ path: 'year', message: `must be an integer from ${FIRST_RECORDABLE_YEAR} to ${LAST_RECORDABLE_YEAR}` }],
    );
  }

  const lists: Record<ListName, readonly unknown[]> = {
    holidays: arrangement.holidays,
    adjustedWorkdays: arrangement.adjustedWorkdays,
  };
  const days: Record<ListName, number[]> = { holidays: [], adjustedWorkdays: [] };
  const invalid: FieldProblem[] = [];
  for (const name of ['holidays', 'adjustedWorkdays'] as const) {
    lists[name].forEach((value, i) => {
      try {
        days[name].push(dayNumberOf(value, `${name}.${i}`));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        invalid.push(...error.details);
        days[name].push(Number.NaN);
      }
    });
  }
  if (invalid.length > 0) {
    refuse(
      'BAD_USER_INPUT',
      'INVALID_DATE',
      '日期无效，应写作 YYYY-MM-DD',
      'invalid dates; write dates as YYYY-MM-DD',
      invalid,
    );
  }

  const problems = (check: (day: number, name: ListName) => string | undefined): FieldProblem[] =>
    (['holidays', 'adjustedWorkdays'] as const).flatMap((name) =>
      days[name].flatMap((day, i) => {
        const message = check(day, name);
        return message === undefined ? [] : [{ path: `${name}.${i}`, message }];
      }),
    );

  const outside = problems((day) =>
    yearOfDayNumber(day) === year ? undefined : `${dateOfDayNumber(day)} is not in ${year}`,
  );
  if (outside.length > 0) {
    refuse(
      'BAD_USER_INPUT',
      'CALENDAR_DATE_OUTSIDE_YEAR',
      `所列日期不在 ${year} 年内`,
      `listed dates are not in ${year}`,
      outside,
    );
  }

  const duplicates = (['holidays', 'adjustedWorkdays'] as const).flatMap((name) => {
    const seen = new Set<number>();
    return days[name].flatMap((day, i) => {
      if (!seen.has(day)) {
        seen.add(day);
        return [];
      }
      return [{ path: `${name}.${i}`, message: `${dateOfDayNumber(day)} is listed twice` }];
    });
  });
  if (duplicates.length > 0) {
    refuse('BAD_USER_INPUT', 'CALENDAR_DATE_DUPLICATE', '同一日期重复列出', 'a date is listed twice', duplicates);
  }

  const holidaySet = new Set(days.holidays);
  const both = problems((day, name) =>
    name === 'adjustedWorkdays' && holidaySet.has(day)
      ? `${dateOfDayNumber(day)} is listed as a holiday too`
      : undefined,
  );
  if (both.length > 0) {
    refuse(
      'BAD_USER_INPUT',
      'CALENDAR_DATE_BOTH_HOLIDAY_AND_WORKDAY',
      '同一日期不能既是放假日又是调休上班日',
      'a date cannot be both a holiday and an adjusted working day',
      both,
    );
  }

  const notWeekend = problems((day, name) =>
    name === 'adjustedWorkdays' && !isWeekendDayNumber(day)
      ? `${dateOfDayNumber(day)} is a weekday, and weekdays are working days anyway`
      : undefined,
  );
  if (notWeekend.length > 0) {
    refuse(
      'BAD_USER_INPUT',
      'ADJUSTED_WORKDAY_NOT_WEEKEND',
      '调休上班日必须是星期六或星期日',
      'an adjusted working day must be a Saturday or a Sunday',
      notWeekend,
    );
  }

  // Every year has statutory holidays (元旦 at least); a year recorded without any would be counted as ordinary weeks,
  // the silent guess R-SUP-2 deadlines must never rest on.
  if (days.holidays.length === 0) {
    refuse(
      'BAD_USER_INPUT',
      'CALENDAR_YEAR_WITHOUT_HOLIDAYS',
      `${year} 年未列出任何放假日`,
      `no holidays are listed for ${year}`,
      [{ path: 'holidays', message: 'must list the days off of the year' }],
      'R-SUP-2',
    );
  }

  const sorted = (list: number[]) => [...list].sort((a, b) => a - b).map(dateOfDayNumber);
  return { year, holidays: sorted(days.holidays), adjustedWorkdays: sorted(days.adjustedWorkdays) };
}
