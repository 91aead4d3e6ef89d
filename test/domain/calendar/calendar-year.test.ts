import { describe, expect, it } from 'vitest';
import {
  type CalendarYearRecorded,
  calendarYearDataSchema,
  calendarYearDecider,
  calendarYearRecordedSchema,
  type RecordCalendarYear,
  workingCalendarOf,
} from '../../../domain/calendar/index.js';
import { parseInput } from '../../../domain/shared/command-module.js';
import { fold } from '../../../domain/shared/decider.js';
import { actor } from '../../support/decider-spec.js';
import { arrangement2030, domainErrorOf } from './support.js';

/** given(events).when(command).thenEmits(events) / .thenRefuses(code), in the Emmett style. */
function given(...events: CalendarYearRecorded[]) {
  return {
    when(command: RecordCalendarYear) {
      const decide = () => calendarYearDecider.decide(command, fold(calendarYearDecider, events));
      return {
        thenEmits(expected: CalendarYearRecorded[]) {
          expect(decide().events).toEqual(expected);
        },
        thenRefuses(code: string) {
          const error = domainErrorOf(decide);
          expect(error.code).toBe(code);
          return error;
        },
      };
    },
  };
}

const admin = actor('admin', { platform: ['platform_admin'] });

function record(data: Partial<RecordCalendarYear['data']> = {}, by = admin): RecordCalendarYear {
  return {
    type: 'RecordCalendarYear',
    actor: by,
    data: {
      year: arrangement2030.year,
      holidays: [...arrangement2030.holidays],
      adjustedWorkdays: [...arrangement2030.adjustedWorkdays],
      reason: '国办发明电〔2029〕N号 (illustrative)',
      ...data,
    },
  };
}

function recorded(data: Partial<CalendarYearRecorded['data']> = {}): CalendarYearRecorded {
  return { type: 'CalendarYearRecorded', data: { ...record().data, ...data } };
}

function parseRecordCalendarYear(data: unknown) {
  return parseInput(calendarYearDataSchema, data);
}

describe('RecordCalendarYear', () => {
  it('records a year nobody covers', () => {
    given().when(record()).thenEmits([recorded()]);
  });

  it('R-PEOPLE-1: only a platform administrator records a year, and the decision says so', () => {
    expect(calendarYearDecider.decide(record(), calendarYearDecider.initialState()).role).toBe('platform_admin');
    given()
      .when(record({}, actor('li', { sites: { jinan: ['site_admin'] } })))
      .thenRefuses('FORBIDDEN');
  });

  it('sorts the dates and trims the reason, so equal records look equal', () => {
    given()
      .when(
        record({
          holidays: ['2030-10-02', '2030-01-01', '2030-10-01'],
          adjustedWorkdays: ['2030-10-12', '2030-09-29'],
          reason: '  correction  ',
        }),
      )
      .thenEmits([
        recorded({
          holidays: ['2030-01-01', '2030-10-01', '2030-10-02'],
          adjustedWorkdays: ['2030-09-29', '2030-10-12'],
          reason: 'correction',
        }),
      ]);
  });

  it('records a year already recorded again, as a correction; the state keeps the latest', () => {
    const correction = record({ holidays: ['2030-01-01'], adjustedWorkdays: [], reason: 'National Day was wrong' });
    given(recorded())
      .when(correction)
      .thenEmits([recorded({ holidays: ['2030-01-01'], adjustedWorkdays: [], reason: 'National Day was wrong' })]);

    const state = fold(calendarYearDecider, [
      recorded(),
      ...calendarYearDecider.decide(correction, fold(calendarYearDecider, [recorded()])).events,
    ]);
    expect([...state.years.keys()]).toEqual([2030]);
    expect(state.years.get(2030)?.holidays).toEqual(['2030-01-01']);
    expect(workingCalendarOf(state).isWorkingDay('2030-10-01')).toBe(true);
  });

  it('may correct a year the package covers', () => {
    const correction = record({ year: 2025, holidays: ['2025-01-01'], adjustedWorkdays: [] });
    given()
      .when(correction)
      .thenEmits([recorded({ year: 2025, holidays: ['2025-01-01'], adjustedWorkdays: [] })]);
  });

  it('accepts weekend days inside a break among the holidays, as the notices list them', () => {
    given()
      .when(record({ holidays: ['2030-01-01', '2030-10-05', '2030-10-06'] }))
      .thenEmits([recorded({ holidays: ['2030-01-01', '2030-10-05', '2030-10-06'] })]);
  });

  it('refuses a year outside 2000-2100', () => {
    for (const year of [1999, 2101, 2030.5]) {
      given()
        .when(record({ year, holidays: [], adjustedWorkdays: [] }))
        .thenRefuses('CALENDAR_YEAR_OUT_OF_RANGE');
    }
  });

  it('refuses dates that do not exist, naming each field', () => {
    const error = given()
      .when(record({ holidays: ['2030-01-01', '2030-02-30'], adjustedWorkdays: ['2030-9-29'] }))
      .thenRefuses('INVALID_DATE');
    expect(error.details.map((d) => d.path)).toEqual(['holidays.1', 'adjustedWorkdays.0']);
  });

  it('refuses dates outside the year', () => {
    const error = given()
      .when(record({ holidays: ['2029-12-31', '2030-01-01'], adjustedWorkdays: ['2031-01-04'] }))
      .thenRefuses('CALENDAR_DATE_OUTSIDE_YEAR');
    expect(error.details.map((d) => d.path)).toEqual(['holidays.0', 'adjustedWorkdays.0']);
  });

  it('refuses a date listed twice', () => {
    const error = given()
      .when(record({ holidays: ['2030-01-01', '2030-10-01', '2030-01-01'] }))
      .thenRefuses('CALENDAR_DATE_DUPLICATE');
    expect(error.details).toEqual([{ path: 'holidays.2', message: '2030-01-01 is listed twice' }]);
  });

  it('refuses a date that is both a holiday and an adjusted working day', () => {
    const error = given()
      .when(record({ holidays: ['2030-01-01', '2030-09-29'], adjustedWorkdays: ['2030-09-29'] }))
      .thenRefuses('CALENDAR_DATE_BOTH_HOLIDAY_AND_WORKDAY');
    expect(error.details.map((d) => d.path)).toEqual(['adjustedWorkdays.0']);
  });

  it('refuses an adjusted working day that is not a Saturday or Sunday', () => {
    const error = given()
      .when(record({ adjustedWorkdays: ['2030-09-29', '2030-09-30'] }))
      .thenRefuses('ADJUSTED_WORKDAY_NOT_WEEKEND');
    expect(error.details.map((d) => d.path)).toEqual(['adjustedWorkdays.1']);
  });

  it('R-SUP-2: refuses a year without holidays, which would count as ordinary weeks', () => {
    const error = given()
      .when(record({ holidays: [], adjustedWorkdays: [] }))
      .thenRefuses('CALENDAR_YEAR_WITHOUT_HOLIDAYS');
    expect(error.rule).toBe('R-SUP-2');
  });

  it('R-SUP-2: a 2030 deadline is refused until the year is recorded, then answered', () => {
    const before = workingCalendarOf(calendarYearDecider.initialState());
    expect(domainErrorOf(() => before.addWorkingDays('2030-09-27', 3)).code).toBe('CALENDAR_YEAR_NOT_COVERED');

    const { events } = calendarYearDecider.decide(record(), calendarYearDecider.initialState());
    const after = workingCalendarOf(fold(calendarYearDecider, events));
    expect(after.addWorkingDays('2030-09-27', 3)).toBe('2030-10-08');
    expect(after.isWorkingDay('2025-09-28')).toBe(true);
  });
});

describe('RecordCalendarYear and CalendarYearRecorded schemas', () => {
  it('parses a well-formed command', () => {
    expect(parseRecordCalendarYear(record().data)).toEqual(record().data);
  });

  it('refuses a malformed command with BAD_USER_INPUT, naming each field', () => {
    const error = domainErrorOf(() => parseRecordCalendarYear({ year: '2030', holidays: 'x', reason: '   ' }));
    expect(error.code).toBe('BAD_USER_INPUT');
    // Each field named as the client sends it.
    expect(error.details.map((d) => d.path).sort()).toEqual(['adjustedWorkdays', 'holidays', 'reason', 'year']);
  });

  it('keeps who recorded it out of the event: that is event metadata', () => {
    expect(calendarYearRecordedSchema.safeParse(recorded()).success).toBe(true);
    const withActor = { ...recorded(), data: { ...recorded().data, recordedBy: 'person-1' } };
    expect(calendarYearRecordedSchema.safeParse(withActor).success).toBe(false);
    expect(domainErrorOf(() => parseRecordCalendarYear({ ...record().data, recordedBy: 'x' })).code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('every event decide produces passes the event schema', () => {
    const [event] = calendarYearDecider.decide(record(), calendarYearDecider.initialState()).events;
    expect(calendarYearRecordedSchema.parse(event)).toEqual(event);
  });
});
