/**
 * Dates through the domain's normaliser (every variant of metadata.md; an impossible or uncertain date is flagged,
 * never corrected). `date` keeps the calendar date (成文日期 has no time); `datetime` keeps the time too and writes
 * the offset the text gave, else the one the configuration says the old site's clock ran on. `epochMillis` reads the
 * instants CMSs store and writes them in the site's offset, the wall clock its staff saw.
 */
import { z } from 'zod';
import { isPlausibleYear, normaliseDate } from '../../../domain/metadata/index.js';
import { typeName } from '../values.js';
import type { StepDefinition } from './step.js';

const offsetSchema = z
  .string()
  .regex(/^(Z|[+-](0\d|1[0-4]):[0-5]\d)$/, 'an offset is Z or ±HH:MM, e.g. +08:00 for Beijing time');

export const dateStep: StepDefinition<undefined> = {
  name: 'date',
  summary: 'a date in any variant of metadata.md → YYYY-MM-DD (a time after it is dropped); uncertain ones flagged',
  kind: 'cleanse',
  options: z.undefined(),
  compile: () => (value) => {
    if (typeof value !== 'string') return { flagged: `date expects text, got ${typeName(value)}` };
    const result = normaliseDate(value);
    if (result.flagged) return { flagged: result.reason };
    return { value: result.date, changed: result.date !== value.trim() };
  },
};

/**
 * The date at the start of a text in one of the forms normaliseDate reads, for `timeUnreadable: drop`: what is
 * after it may be garbage, but the date itself is then still read by the domain's own rules.
 */
const LEADING_DATE = /^\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}([-/.])\d{1,2}\2\d{1,2}|\d{8})(?!\d)/u;

const datetimeOptions = z.strictObject({
  /** The offset of the old site's clock, for times written without one. */
  assumeOffset: offsetSchema,
  /**
   * `flag` (default): a time the normaliser cannot read flags the whole value. `drop`: the date alone is kept, with a
   * note, when the date reads and only what follows it does not (`20161107T16:12:00+08:00` mixes ISO forms).
   */
  timeUnreadable: z.enum(['flag', 'drop']).default('flag'),
});

export const datetimeStep: StepDefinition<z.infer<typeof datetimeOptions>> = {
  name: 'datetime',
  summary: 'a date with its time → ISO date-time with offset (the date alone when the text has no time)',
  kind: 'cleanse',
  options: datetimeOptions,
  compile: (options) => (value) => {
    if (typeof value !== 'string') return { flagged: `datetime expects text, got ${typeName(value)}` };
    const result = normaliseDate(value);
    if (result.flagged) {
      const leading = options.timeUnreadable === 'drop' ? LEADING_DATE.exec(value)?.[1] : undefined;
      const dateOnly = leading === undefined ? undefined : normaliseDate(leading);
      if (dateOnly !== undefined && !dateOnly.flagged) {
        return {
          value: dateOnly.date,
          note: `the time in "${value.trim()}" could not be read (${result.reason}); the date alone is kept`,
        };
      }
      return { flagged: result.reason };
    }
    if (result.time === undefined) return { value: result.date, changed: result.date !== value.trim() };
    const time = result.time.length === 5 ? `${result.time}:00` : result.time;
    const iso = `${result.date}T${time}${result.offset ?? options.assumeOffset}`;
    return { value: iso, changed: iso !== value.trim() };
  },
};

const epochOptions = z.strictObject({
  /** The offset to write the instant in: the site's wall clock. */
  offset: offsetSchema,
  unit: z.enum(['milliseconds', 'seconds']).default('milliseconds'),
});

export const epochStep: StepDefinition<z.infer<typeof epochOptions>> = {
  name: 'epoch',
  summary: 'an instant as a number since 1970 → ISO date-time in the given offset',
  kind: 'cleanse',
  options: epochOptions,
  compile: (options) => {
    const sign = options.offset === 'Z' ? 0 : options.offset.startsWith('-') ? -1 : 1;
    const [hours = 0, minutes = 0] = options.offset === 'Z' ? [] : options.offset.slice(1).split(':').map(Number);
    const offsetMs = sign * (hours * 60 + minutes) * 60_000;
    return (value) => {
      const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number)) {
        return { flagged: `epoch expects a whole number, got ${typeName(value)}` };
      }
      const ms = options.unit === 'seconds' ? number * 1000 : number;
      // The wall clock of the offset is the UTC clock shifted by it; formatting that as UTC gives its fields.
      const wall = new Date(ms + offsetMs);
      if (!isPlausibleYear(wall.getUTCFullYear())) {
        return { flagged: `${value} is in the year ${wall.getUTCFullYear()}, not a plausible date of a record` };
      }
      const iso = `${wall.toISOString().slice(0, 19)}${options.offset}`;
      return { value: iso };
    };
  },
};
