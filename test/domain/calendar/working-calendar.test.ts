import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { chinaDateOf, isCalendarDate, WorkingCalendar } from '../../../domain/calendar/index.js';
import { arrangement2030, domainErrorOf } from './support.js';

const calendar = WorkingCalendar.official();

describe('WorkingCalendar: days of covered years', () => {
  // Each case is checked against the package too, so a wrong expectation here cannot pass unnoticed.
  const cases: [date: string, working: boolean, why: string][] = [
    ['2024-02-04', true, 'Sunday, adjusted working day before the 2024 Spring Festival'],
    ['2024-02-10', false, '2024 Spring Festival (Saturday inside the break)'],
    ['2024-02-15', false, '2024 Spring Festival (Thursday)'],
    ['2024-02-18', true, 'Sunday, adjusted working day after the 2024 Spring Festival'],
    ['2024-09-29', true, 'Sunday, adjusted working day before National Day 2024'],
    ['2024-10-07', false, 'National Day 2024'],
    ['2024-10-12', true, 'Saturday, adjusted working day after National Day 2024'],
    ['2025-01-26', true, 'Sunday, adjusted working day before the 2025 Spring Festival'],
    ['2025-01-28', false, '2025 Spring Festival eve'],
    ['2025-02-04', false, 'last day of the 2025 Spring Festival'],
    ['2025-02-08', true, 'Saturday, adjusted working day after the 2025 Spring Festival'],
    ['2025-09-27', false, 'ordinary Saturday'],
    ['2025-09-28', true, 'Sunday, adjusted working day before National Day 2025'],
    ['2025-10-01', false, 'National Day 2025'],
    ['2025-10-06', false, 'Mid-Autumn Festival, merged into the National Day break 2025'],
    ['2025-10-08', false, 'last day of the eight-day break 2025'],
    ['2025-10-09', true, 'ordinary Thursday'],
    ['2025-10-11', true, 'Saturday, adjusted working day after National Day 2025'],
    ['2025-10-12', false, 'ordinary Sunday'],
    ['2026-01-02', false, 'New Year break 2026 (Friday)'],
    ['2026-01-04', true, 'Sunday, adjusted working day after New Year 2026'],
    ['2026-02-14', true, 'Saturday, adjusted working day before the 2026 Spring Festival'],
    ['2026-02-16', false, '2026 Spring Festival eve'],
    ['2026-02-23', false, 'last day of the nine-day 2026 Spring Festival (Monday)'],
    ['2026-02-24', true, 'ordinary Tuesday'],
    ['2026-02-28', true, 'Saturday, adjusted working day after the 2026 Spring Festival'],
    ['2026-09-20', true, 'Sunday, adjusted working day before National Day 2026'],
    ['2026-10-07', false, 'National Day 2026'],
    ['2026-10-10', true, 'Saturday, adjusted working day after National Day 2026'],
  ];

  it.each(cases)('%s is a working day: %s (%s)', (date, working) => {
    expect(chineseDays.isWorkday(date)).toBe(working);
    expect(calendar.isWorkingDay(date)).toBe(working);
  });
});

describe('WorkingCalendar: deadlines in working days (R-SUP-2, R-SUP-4)', () => {
  it('R-SUP-2: a message on the Friday evening before National Day 2025 is due 5 working days later, on 10 October', () => {
    const received = chinaDateOf('2025-09-26T21:30:00+08:00');
    expect(received).toBe('2025-09-26');
    // Day 1 is Sunday 28 September, an adjusted working day; 1-8 October are off.
    expect(calendar.addWorkingDays(received, 1)).toBe('2025-09-28');
    expect(calendar.addWorkingDays(received, 5)).toBe('2025-10-10');
    expect(calendar.addWorkingDays(received, 10)).toBe('2025-10-16');
  });

  it('R-SUP-2: the day of receipt is not counted, whether or not it is a working day', () => {
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-10-03', 1)).toBe('2025-10-09');
    expect(calendar.addWorkingDays('2025-09-30', 5)).toBe('2025-10-14');
  });

  it('R-SUP-2: a deadline across the 2026 Spring Festival', () => {
    // Friday 13 February; Saturday 14 is a working day, 15-23 are off, Saturday 28 is a working day.
    expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(calendar.addWorkingDays('2026-02-13', 5)).toBe('2026-02-27');
    expect(calendar.addWorkingDays('2026-02-13', 10)).toBe('2026-03-05');
    expect(calendar.workingDaysBetween('2026-02-13', '2026-02-27')).toBe(5);
  });

  it('R-SUP-2: deadlines across the 2024 and 2025 Spring Festivals', () => {
    expect(calendar.addWorkingDays('2024-02-08', 5)).toBe('2024-02-21');
    expect(calendar.addWorkingDays('2025-01-27', 5)).toBe('2025-02-10');
    expect(calendar.addWorkingDays('2025-01-27', 10)).toBe('2025-02-17');
  });

  it('R-SUP-4: a work order issued on a Thursday with 1 working day to fix is due on the Friday', () => {
    expect(calendar.addWorkingDays('2025-11-13', 1)).toBe('2025-11-14');
  });

  it('counts between two dates the way addWorkingDays counts', () => {
    expect(calendar.workingDaysBetween('2025-09-26', '2025-10-10')).toBe(5);
    expect(calendar.workingDaysBetween('2025-10-10', '2025-09-26')).toBe(-5);
    expect(calendar.workingDaysBetween('2025-10-01', '2025-10-01')).toBe(0);
    // Friday 7 November + 5 is Friday 14 November; the weekend after it adds nothing, although the answer is late then.
    expect(calendar.addWorkingDays('2025-11-07', 5)).toBe('2025-11-14');
    expect(calendar.workingDaysBetween('2025-11-07', '2025-11-16')).toBe(5);
    // Across National Day 2025 the Saturday after the deadline is an adjusted working day, so it does count.
    expect(calendar.workingDaysBetween('2025-09-26', '2025-10-12')).toBe(6);
  });

  it('matches a day-by-day count with the package, and its own inverse, for any start and count', () => {
    const start = Date.UTC(2004, 0, 1);
    const end = Date.UTC(2026, 10, 30);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: (end - start) / 86_400_000 }),
        fc.integer({ min: 1, max: 20 }),
        (offset, n) => {
          const from = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
          const due = calendar.addWorkingDays(from, n);
          expect(due).toBe(chineseDays.findWorkday(n, from));
          expect(calendar.workingDaysBetween(from, due)).toBe(n);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a count of working days that is not a positive integer', () => {
    for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(domainErrorOf(() => calendar.addWorkingDays('2025-09-26', n)).code).toBe('INVALID_WORKING_DAY_COUNT');
    }
  });
});

describe('WorkingCalendar: years nobody covers (R-SUP-2)', () => {
  it('R-SUP-2: a question about an uncovered year is refused, naming the year', () => {
    const error = domainErrorOf(() => calendar.isWorkingDay('2030-10-01'));
    expect(error.code).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(error.rule).toBe('R-SUP-2');
    expect(error.message).toContain('2030');
    expect(error.messageZh).toContain('2030');
    expect(domainErrorOf(() => calendar.addWorkingDays('2030-03-01', 5)).code).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(domainErrorOf(() => calendar.isWorkingDay('2003-12-31')).message).toContain('2003');
  });

  it('R-SUP-2: a deadline that runs past the last covered year is refused, naming the first uncovered year', () => {
    // 25 December 2026 is day 1 and Thursday 31 December day 5: that deadline still lies inside 2026.
    expect(calendar.addWorkingDays('2026-12-24', 5)).toBe('2026-12-31');
    const error = domainErrorOf(() => calendar.addWorkingDays('2026-12-24', 6));
    expect(error.code).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(error.message).toContain('2027');
    expect(domainErrorOf(() => calendar.workingDaysBetween('2026-12-01', '2028-01-10')).message).toContain('2027');
    expect(domainErrorOf(() => calendar.workingDaysBetween('2028-01-10', '2026-12-01')).message).toContain('2027');
  });

  it('R-SUP-2: once the year is recorded, the same questions are answered', () => {
    const recorded = WorkingCalendar.official([arrangement2030]);
    expect(recorded.isWorkingDay('2030-10-01')).toBe(false);
    expect(recorded.isWorkingDay('2030-09-29')).toBe(true);
    // Friday 27 September: Sunday 29 is a working day, 1-7 October are off.
    expect(recorded.addWorkingDays('2030-09-27', 3)).toBe('2030-10-08');
    expect(recorded.coveredYears()).toEqual([...calendar.coveredYears(), 2030]);
    // The years between 2026 and 2030 are still unknown.
    expect(domainErrorOf(() => recorded.workingDaysBetween('2026-12-01', '2030-01-10')).message).toContain('2027');
  });
});

describe('WorkingCalendar: recorded years', () => {
  it('a recorded year replaces the package’s year as a whole', () => {
    const corrected = WorkingCalendar.official([{ year: 2025, holidays: ['2025-01-01'], adjustedWorkdays: [] }]);
    expect(corrected.isWorkingDay('2025-10-01')).toBe(true);
    expect(corrected.isWorkingDay('2025-09-28')).toBe(false);
    expect(corrected.isWorkingDay('2024-10-01')).toBe(false);
  });

  it('a calendar of only the given years covers nothing else, and refuses a year given twice', () => {
    const only2030 = WorkingCalendar.of([arrangement2030]);
    expect(only2030.coveredYears()).toEqual([2030]);
    expect(only2030.covers(2025)).toBe(false);
    expect(domainErrorOf(() => only2030.isWorkingDay('2025-10-09')).code).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(domainErrorOf(() => WorkingCalendar.of([arrangement2030, arrangement2030])).code).toBe(
      'CALENDAR_YEAR_DUPLICATE',
    );
  });

  it('checks recorded years as the administrator’s command does', () => {
    const error = domainErrorOf(() =>
      WorkingCalendar.official([{ year: 2030, holidays: ['2030-01-01'], adjustedWorkdays: ['2030-01-02'] }]),
    );
    expect(error.code).toBe('ADJUSTED_WORKDAY_NOT_WEEKEND');
  });

  it('is immutable', () => {
    expect(Object.isFrozen(calendar)).toBe(true);
    const years = calendar.coveredYears();
    years.push(2030);
    expect(calendar.covers(2030)).toBe(false);
    const source = { ...arrangement2030, holidays: [...arrangement2030.holidays] };
    const recorded = WorkingCalendar.of([source]);
    source.holidays.length = 0;
    expect(recorded.isWorkingDay('2030-10-01')).toBe(false);
  });
});

describe('calendar dates', () => {
  it('refuses anything but an existing YYYY-MM-DD date', () => {
    for (const bad of [
      '2025-02-29',
      '2025-2-1',
      '2025-13-01',
      '2025-00-10',
      '2025-04-31',
      '',
      'today',
      '2025-09-28T00:00:00Z',
    ]) {
      const error = domainErrorOf(() => calendar.isWorkingDay(bad));
      expect(error.code).toBe('INVALID_DATE');
      expect(isCalendarDate(bad)).toBe(false);
    }
    expect(domainErrorOf(() => calendar.addWorkingDays('2025/09/26', 1)).code).toBe('INVALID_DATE');
    expect(domainErrorOf(() => calendar.workingDaysBetween('2025-09-26', '2025-09-31')).code).toBe('INVALID_DATE');
    expect(calendar.isWorkingDay('2024-02-29')).toBe(true);
    expect(isCalendarDate('0099-01-01')).toBe(true);
  });

  it('takes an instant’s date in China, not in UTC', () => {
    expect(chinaDateOf('2025-09-30T17:00:00Z')).toBe('2025-10-01');
    expect(chinaDateOf('2025-09-30T15:59:59.999Z')).toBe('2025-09-30');
    expect(chinaDateOf('2025-10-01T00:30:00+08:00')).toBe('2025-10-01');
    expect(chinaDateOf('2025-09-30T12:00:00-05:00')).toBe('2025-10-01');
    for (const bad of ['2025-09-30T10:00:00', '2025-09-30', '2025-02-30T10:00:00Z', 'now']) {
      expect(domainErrorOf(() => chinaDateOf(bad)).code).toBe('INVALID_INSTANT');
    }
  });

  describe('in another machine time zone', () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'Asia/Shanghai'])(
      'gives the same answers with TZ=%s',
      (tz) => {
        process.env.TZ = tz;
        expect(chinaDateOf('2025-09-26T21:30:00+08:00')).toBe('2025-09-26');
        expect(calendar.isWorkingDay('2025-09-28')).toBe(true);
        expect(calendar.addWorkingDays('2025-09-26', 5)).toBe('2025-10-10');
        expect(calendar.workingDaysBetween('2026-02-13', '2026-03-05')).toBe(10);
      },
    );
  });
});
