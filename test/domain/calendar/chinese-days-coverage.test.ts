import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { chineseDaysArrangement, chineseDaysCoveredYears, WorkingCalendar } from '../../../domain/calendar/index.js';
import { domainErrorOf } from './support.js';

const DAY_MS = 86_400_000;

function* datesOf(year: number): Generator<string> {
  for (let ms = Date.UTC(year, 0, 1); ms < Date.UTC(year + 1, 0, 1); ms += DAY_MS) {
    yield new Date(ms).toISOString().slice(0, 10);
  }
}

describe('the chinese-days package as a source', () => {
  it('covers 2004-2026 (checked against chinese-days 1.5.7)', () => {
    // When this fails, the package now covers other years. Compare the new years with the State Council notices
    // (gov.cn), then update this expectation and the version named in domain/calendar/chinese-days-source.ts.
    const years = Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i);
    expect(chineseDaysCoveredYears()).toEqual(years);
    expect(WorkingCalendar.official().coveredYears()).toEqual(years);
  });

  it('agrees with the package on every day of every covered year', () => {
    const calendar = WorkingCalendar.official();
    const disagreements: string[] = [];
    for (const year of chineseDaysCoveredYears()) {
      for (const date of datesOf(year)) {
        if (calendar.isWorkingDay(date) !== chineseDays.isWorkday(date)) disagreements.push(date);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('lists New Year’s Day as a holiday in every covered year, so no covered year is a stub', () => {
    for (const year of chineseDaysCoveredYears()) {
      expect(chineseDaysArrangement(year)?.holidays).toContain(`${year}-01-01`);
    }
  });

  it('hands out copies, so a caller cannot change the package data', () => {
    const copy = chineseDaysArrangement(2025)!;
    (copy.holidays as string[]).length = 0;
    expect(chineseDaysArrangement(2025)?.holidays).toContain('2025-10-01');
    expect(chineseDaysArrangement(2030)).toBeUndefined();
  });

  it('R-SUP-2: where the package guesses ordinary weeks for an uncovered year, the calendar refuses', () => {
    // The package's own answers, kept here to show why its functions are not used directly.
    expect(chineseDays.isWorkday('2030-10-01')).toBe(true);
    expect(chineseDays.findWorkday(1, '2026-12-31')).toBe('2027-01-01');

    const calendar = WorkingCalendar.official();
    expect(domainErrorOf(() => calendar.isWorkingDay('2030-10-01')).code).toBe('CALENDAR_YEAR_NOT_COVERED');
    expect(domainErrorOf(() => calendar.addWorkingDays('2026-12-31', 1)).code).toBe('CALENDAR_YEAR_NOT_COVERED');
  });
});
