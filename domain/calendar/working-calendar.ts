/**
 * Working days for the deadlines of R-SUP-2 (answers to public messages) and R-SUP-4 (rectification work orders).
 *
 * Counting. The start date (the day a message arrives or a work order is issued) is day 0, whatever the hour and
 * whether or not it is a working day; day 1 is the first working day after it. `addWorkingDays(start, 5)` is therefore
 * the last day on which an answer "within 5 working days" is on time, and it is late from the next day on. This follows
 * the usual Chinese reckoning of periods (《民法典》第二百零一条: 开始的当日不计入), and it means a message sent at 23:59 does not
 * use up a day. Example: a message arrives on Friday 26 September 2025, the evening before the National Day break.
 * Sunday 28 September is an adjusted working day (调休上班), so day 1 = Sun 28 Sep, 2 = Mon 29, 3 = Tue 30, then 1-8 October
 * are off, 4 = Thu 9 Oct, 5 = Fri 10 Oct: the answer is due by the end of 10 October.
 *
 * Coverage. A year is known from the chinese-days package or from an administrator's record (which replaces the
 * package's data for that year). Any question that needs a day of any other year is refused with
 * CALENDAR_YEAR_NOT_COVERED instead of being answered as ordinary weeks (R-SUP-2).
 */
import { DomainError } from '../shared/domain-error.js';
import {
  type CalendarDate,
  dateOfDayNumber,
  dayNumberOf,
  isWeekendDayNumber,
  yearOfDayNumber,
} from './calendar-date.js';
import { chineseDaysArrangement, chineseDaysCoveredYears } from './chinese-days-source.js';
import { checkHolidayArrangement, type HolidayArrangement } from './holiday-arrangement.js';

interface YearDays {
  readonly holidays: ReadonlySet<number>;
  readonly adjustedWorkdays: ReadonlySet<number>;
}

function yearDaysOf(arrangement: HolidayArrangement): YearDays {
  const checked = checkHolidayArrangement(arrangement);
  return {
    holidays: new Set(checked.holidays.map((date) => dayNumberOf(date))),
    adjustedWorkdays: new Set(checked.adjustedWorkdays.map((date) => dayNumberOf(date))),
  };
}

let packageYears: ReadonlyMap<number, YearDays> | undefined;
function packageYearDays(): ReadonlyMap<number, YearDays> {
  packageYears ??= new Map(
    chineseDaysCoveredYears().map((year) => [year, yearDaysOf(chineseDaysArrangement(year)!)] as const),
  );
  return packageYears;
}

function yearNotCovered(year: number): DomainError {
  return new DomainError(
    'CONFLICT',
    'CALENDAR_YEAR_NOT_COVERED',
    `尚无 ${year} 年的节假日安排，无法计算工作日；请平台管理员先录入国务院办公厅公布的 ${year} 年节假日安排`,
    `the holiday arrangement of ${year} is not known, so working days cannot be counted; a platform administrator must first record the arrangement the State Council announced for ${year}`,
    [],
    'R-SUP-2',
  );
}

export class WorkingCalendar {
  readonly #years: ReadonlyMap<number, YearDays>;

  private constructor(years: ReadonlyMap<number, YearDays>) {
    this.#years = years;
    Object.freeze(this);
  }

  /** The chinese-days years, each replaced by the administrator's record of that year where there is one. */
  static official(recordedYears: Iterable<HolidayArrangement> = []): WorkingCalendar {
    const years = new Map(packageYearDays());
    for (const [year, days] of WorkingCalendar.#checkedYears(recordedYears)) years.set(year, days);
    return new WorkingCalendar(years);
  }

  /** Exactly the given years, without the package. */
  static of(arrangements: Iterable<HolidayArrangement>): WorkingCalendar {
    return new WorkingCalendar(WorkingCalendar.#checkedYears(arrangements));
  }

  static #checkedYears(arrangements: Iterable<HolidayArrangement>): Map<number, YearDays> {
    const years = new Map<number, YearDays>();
    for (const arrangement of arrangements) {
      // Two arrangements of one year leave no way to tell which is meant; a correction replaces, it does not sit beside.
      if (years.has(arrangement.year)) {
        throw new DomainError(
          'BAD_USER_INPUT',
          'CALENDAR_YEAR_DUPLICATE',
          `${arrangement.year} 年的节假日安排出现了两次`,
          `the holiday arrangement of ${arrangement.year} is given twice`,
        );
      }
      years.set(arrangement.year, yearDaysOf(arrangement));
    }
    return years;
  }

  /** Ascending. */
  coveredYears(): number[] {
    return [...this.#years.keys()].sort((a, b) => a - b);
  }

  covers(year: number): boolean {
    return this.#years.has(year);
  }

  isWorkingDay(date: CalendarDate): boolean {
    return this.#isWorkingDayNumber(dayNumberOf(date));
  }

  /** The date that is `n` (at least 1) working days after `start`; see the counting rule at the top of this file. */
  addWorkingDays(start: CalendarDate, n: number): CalendarDate {
    let day = dayNumberOf(start);
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new DomainError(
        'BAD_USER_INPUT',
        'INVALID_WORKING_DAY_COUNT',
        `工作日数应为正整数，而不是 ${n}`,
        `a number of working days must be a positive integer, not ${n}`,
      );
    }
    // The start year is checked even though the start day itself is never counted: a question about a date of a year
    // nobody has recorded should not be answered at all.
    this.#yearDays(yearOfDayNumber(day));
    let counted = 0;
    while (counted < n) {
      day += 1;
      if (this.#isWorkingDayNumber(day)) counted += 1;
    }
    return dateOfDayNumber(day);
  }

  /**
   * The number of working days after `from` up to and including `to`, the same count as addWorkingDays:
   * `workingDaysBetween(a, addWorkingDays(a, n)) === n`. Negative when `to` is before `from`. To tell whether an answer
   * is late, compare its date with `addWorkingDays(received, 5)`: the count stays at 5 over the weekend after the
   * deadline although the deadline has passed.
   */
  workingDaysBetween(from: CalendarDate, to: CalendarDate): number {
    const first = dayNumberOf(from);
    const last = dayNumberOf(to);
    if (last < first) return -this.workingDaysBetween(to, from);
    for (let year = yearOfDayNumber(first); year <= yearOfDayNumber(last); year += 1) this.#yearDays(year);
    let count = 0;
    for (let day = first + 1; day <= last; day += 1) if (this.#isWorkingDayNumber(day)) count += 1;
    return count;
  }

  #yearDays(year: number): YearDays {
    const days = this.#years.get(year);
    if (!days) throw yearNotCovered(year);
    return days;
  }

  #isWorkingDayNumber(day: number): boolean {
    const { holidays, adjustedWorkdays } = this.#yearDays(yearOfDayNumber(day));
    if (adjustedWorkdays.has(day)) return true;
    if (holidays.has(day)) return false;
    return !isWeekendDayNumber(day);
  }
}
