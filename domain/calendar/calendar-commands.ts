/** R-SUP-2: administrators record a year's holiday arrangement for years the calendar package lacks or gets wrong. */
import { streamCommand } from '../shared/command-module.js';
import { CALENDAR_STREAM, calendarYearAggregate, calendarYearDataSchema } from './calendar-year.js';

export const calendarCommands = {
  RecordCalendarYear: streamCommand({
    input: calendarYearDataSchema,
    aggregate: calendarYearAggregate,
    stream: () => CALENDAR_STREAM,
    command: (data, actor) => ({ type: 'RecordCalendarYear' as const, data, actor }),
    siteId: () => null,
  }),
};
