/**
 * The holiday arrangements the chinese-days package ships. Its data file is read directly rather than through its
 * functions: `isWorkday` answers for any year, treating a year it has no data for as ordinary weeks, and it reads dates
 * in the machine's time zone. The data file is a documented part of the package (its README offers it to non-JS
 * projects), and the package has no `exports` map, so the path is reachable.
 */
import packageData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { z } from 'zod';
import type { CalendarDate } from './calendar-date.js';
import type { HolidayArrangement } from './holiday-arrangement.js';

// The values ("National Day,国庆节,3") are labels we do not need; checking the shape turns a changed data format in a
// future version into an error at start-up instead of an empty calendar.
const packageDataSchema = z.object({
  holidays: z.record(z.string(), z.string()),
  workdays: z.record(z.string(), z.string()),
});

function arrangementsOf(data: z.infer<typeof packageDataSchema>): ReadonlyMap<number, HolidayArrangement> {
  const byYear = new Map<number, { holidays: CalendarDate[]; adjustedWorkdays: CalendarDate[] }>();
  const entry = (date: CalendarDate) => {
    const year = Number(date.slice(0, 4));
    let found = byYear.get(year);
    if (!found) {
      found = { holidays: [], adjustedWorkdays: [] };
      byYear.set(year, found);
    }
    return found;
  };
  // A date is filed under its own calendar year, even when the notice of the next year announced it (the 2012 notice
  // made Saturday 2011-12-31 a working day), because a question about a date only ever needs that date's year.
  for (const date of Object.keys(data.holidays)) entry(date).holidays.push(date);
  for (const date of Object.keys(data.workdays)) entry(date).adjustedWorkdays.push(date);
  return new Map([...byYear].sort(([a], [b]) => a - b).map(([year, lists]) => [year, { year, ...lists }]));
}

const arrangements = arrangementsOf(packageDataSchema.parse(packageData));

/**
 * The years chinese-days has data for, derived from its data (2004-2026 in version 1.5.7). A year counts as covered
 * when the package lists at least one date in it: every real year has holidays, and the package adds a year as a
 * whole once the State Council has announced it.
 */
export function chineseDaysCoveredYears(): number[] {
  return [...arrangements.keys()];
}

/**
 * The package's arrangement of one year, or undefined for a year it does not cover. Useful to prefill an
 * administrator's correction of a covered year, since a recorded year replaces the package's data for that year.
 */
export function chineseDaysArrangement(year: number): HolidayArrangement | undefined {
  const found = arrangements.get(year);
  return found && { year, holidays: [...found.holidays], adjustedWorkdays: [...found.adjustedWorkdays] };
}
