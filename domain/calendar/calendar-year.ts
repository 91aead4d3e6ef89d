/**
 * The platform administrator's record of a year's holiday arrangement, for years chinese-days does not cover yet (the
 * State Council announces the next year in the autumn; the package follows some time later) and for corrections of
 * years it does cover. All records live in one stream, so the state is every recorded year.
 *
 * Only a platform administrator (or the platform itself) records a year; who it was travels in the event metadata,
 * not in the event.
 */
import { z } from 'zod';
import { type Actor, requirePlatformRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { checkHolidayArrangement, type HolidayArrangement } from './holiday-arrangement.js';
import { WorkingCalendar } from './working-calendar.js';

// Shape only; whether the dates exist, fall in the year and make sense together is decide's business, where each
// problem gets its own stable code.
export const calendarYearDataSchema = z.strictObject({
  year: z.int(),
  holidays: z.array(z.string()).max(366),
  adjustedWorkdays: z.array(z.string()).max(366),
  /** Why it is recorded, e.g. the notice: 国办发明电〔2026〕N号. */
  reason: z.string().trim().min(1).max(1000),
});

export const recordCalendarYearSchema = z.strictObject({
  type: z.literal('RecordCalendarYear'),
  data: calendarYearDataSchema,
});
export type RecordCalendarYear = z.infer<typeof recordCalendarYearSchema> & { actor: Actor };

export const calendarYearRecordedSchema = z.strictObject({
  type: z.literal('CalendarYearRecorded'),
  data: calendarYearDataSchema,
});
export type CalendarYearRecorded = z.infer<typeof calendarYearRecordedSchema>;

export interface RecordedCalendarYears {
  /** The latest record of each year. */
  readonly years: ReadonlyMap<number, HolidayArrangement>;
}

export const calendarYearDecider: Decider<RecordedCalendarYears, RecordCalendarYear, CalendarYearRecorded> = {
  initialState: () => ({ years: new Map() }),

  // Recording a year that is already recorded is a correction: it produces the event again, and the latest wins.
  decide: (command) => {
    const role = requirePlatformRole(command.actor, 'platform_admin');
    const { year, holidays, adjustedWorkdays } = checkHolidayArrangement(command.data);
    return decided(role, {
      type: 'CalendarYearRecorded',
      data: {
        year,
        holidays: [...holidays],
        adjustedWorkdays: [...adjustedWorkdays],
        reason: command.data.reason.trim(),
      },
    });
  },

  evolve: (state, event) => {
    const { year, holidays, adjustedWorkdays } = event.data;
    const years = new Map(state.years);
    years.set(year, { year, holidays: [...holidays], adjustedWorkdays: [...adjustedWorkdays] });
    return { years };
  },
};

/** The calendar deadlines are counted with: chinese-days, with the recorded years replacing or extending it. */
export function workingCalendarOf(state: RecordedCalendarYears): WorkingCalendar {
  return WorkingCalendar.official(state.years.values());
}

/** Holiday arrangements recorded by administrators for years the calendar package lacks or gets wrong. */
export const CALENDAR_STREAM = 'calendar-years';

export const calendarYearAggregate: Aggregate<RecordedCalendarYears, RecordCalendarYear, CalendarYearRecorded> = {
  decider: calendarYearDecider,
  eventSchemas: { CalendarYearRecorded: calendarYearRecordedSchema.shape.data },
};
