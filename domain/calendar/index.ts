export { type CalendarDate, chinaDateOf, isCalendarDate } from './calendar-date.js';
export {
  CALENDAR_STREAM,
  type CalendarYearRecorded,
  calendarYearAggregate,
  calendarYearDataSchema,
  calendarYearDecider,
  calendarYearRecordedSchema,
  type RecordCalendarYear,
  type RecordedCalendarYears,
  recordCalendarYearSchema,
  workingCalendarOf,
} from './calendar-year.js';
export { chineseDaysArrangement, chineseDaysCoveredYears } from './chinese-days-source.js';
export {
  FIRST_RECORDABLE_YEAR,
  type HolidayArrangement,
  LAST_RECORDABLE_YEAR,
} from './holiday-arrangement.js';
export { WorkingCalendar } from './working-calendar.js';
