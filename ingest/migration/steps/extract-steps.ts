/**
 * Steps that find a value inside what the source gives: a regular expression's group, every match as a list of
 * records, a field of a record, the first or last item of a list, the items that pass a test. Finding is not
 * changing, so these never count a value as normalised.
 */
import { z } from 'zod';
import { normaliseDate } from '../../../domain/metadata/index.js';
import { compilePattern, flagsSchema, patternSchema } from '../pattern.js';
import { isMissing, isRecord, typeName, type Value, valueAt } from '../values.js';
import type { StepDefinition } from './step.js';

const onNoMatch = z.enum(['missing', 'keep', 'flag']).default('missing');

const matchOptions = z.union([
  patternSchema,
  z.strictObject({
    pattern: patternSchema,
    flags: flagsSchema,
    /** A group number or name; the first group when the pattern has one, else the whole match. */
    group: z.union([z.int().min(0), z.string().min(1)]).optional(),
    /** What a text without a match gives: nothing (missing), the text itself, or a flag for a person. */
    else: onNoMatch,
  }),
]);
type MatchOptions = z.infer<typeof matchOptions>;

export const matchStep: StepDefinition<MatchOptions> = {
  name: 'match',
  summary: 'takes a group of the first match of a regular expression',
  kind: 'extract',
  options: matchOptions,
  compile: (raw) => {
    const options = typeof raw === 'string' ? { pattern: raw, else: 'missing' as const } : raw;
    const pattern = compilePattern(options.pattern, 'flags' in options ? options.flags : undefined);
    const group = 'group' in options ? options.group : undefined;
    return (value) => {
      if (typeof value !== 'string') return { flagged: `match expects text, got ${typeName(value)}` };
      const found = pattern.exec(value);
      if (found === null) {
        if (options.else === 'keep') return { value };
        const why = `no match for /${options.pattern}/`;
        return options.else === 'flag' ? { flagged: why } : { missing: why };
      }
      const taken =
        typeof group === 'string' ? found.groups?.[group] : group !== undefined ? found[group] : (found[1] ?? found[0]);
      return taken === undefined ? { missing: `/${options.pattern}/ matched without that group` } : { value: taken };
    };
  },
};

const matchAllOptions = z.union([patternSchema, z.strictObject({ pattern: patternSchema, flags: flagsSchema })]);
export const matchAllStep: StepDefinition<z.infer<typeof matchAllOptions>> = {
  name: 'matchAll',
  summary: 'every match of a regular expression: records of its named groups, else the first group or whole match',
  kind: 'extract',
  options: matchAllOptions,
  compile: (raw) => {
    const options = typeof raw === 'string' ? { pattern: raw } : raw;
    const pattern = compilePattern(options.pattern, 'flags' in options ? options.flags : undefined, true);
    return (value) => {
      if (typeof value !== 'string') return { flagged: `matchAll expects text, got ${typeName(value)}` };
      const found: Value[] = [...value.matchAll(pattern)].map((m) =>
        m.groups !== undefined ? { ...m.groups } : (m[1] ?? m[0]),
      );
      return { value: found };
    };
  },
};

export const getStep: StepDefinition<string> = {
  name: 'get',
  summary: 'a field of a record (dotted path), or of each record of a list',
  kind: 'extract',
  options: z.string().min(1),
  compile: (path) => (value) => {
    if (Array.isArray(value)) return { value: value.map((item) => valueAt(item, path)) };
    if (!isRecord(value)) return { flagged: `get expects a record, got ${typeName(value)}` };
    return { value: valueAt(value, path) };
  },
};

const listEnd = (name: 'first' | 'last'): StepDefinition<undefined> => ({
  name,
  summary: `the ${name} item of a list that has a value`,
  kind: 'extract',
  options: z.undefined(),
  compile: () => (value) => {
    if (!Array.isArray(value)) return { value };
    const present = value.filter((item) => !isMissing(item));
    const item = name === 'first' ? present[0] : present.at(-1);
    return item === undefined ? { missing: 'the list is empty' } : { value: item };
  },
});
export const firstStep = listEnd('first');
export const lastStep = listEnd('last');

const whereOptions = z
  .strictObject({
    /** The field of each record to test; omitted for a list of texts. */
    field: z.string().min(1).optional(),
    matches: patternSchema.optional(),
    flags: flagsSchema,
    /** `date`: the value reads as a date with the domain's normaliser. */
    is: z.enum(['date', 'present']).optional(),
  })
  .refine((o) => o.matches !== undefined || o.is !== undefined, 'give `matches` or `is` (or both)');
export const whereStep: StepDefinition<z.infer<typeof whereOptions>> = {
  name: 'where',
  summary: 'keeps the items of a list that match a pattern or read as a date',
  kind: 'extract',
  options: whereOptions,
  compile: (options) => {
    const pattern = options.matches === undefined ? undefined : compilePattern(options.matches, options.flags);
    const passes = (item: Value): boolean => {
      const tested = options.field === undefined ? item : valueAt(item, options.field);
      if (isMissing(tested)) return false;
      const text = typeof tested === 'string' ? tested : JSON.stringify(tested);
      if (pattern !== undefined && !pattern.test(text)) return false;
      if (options.is === 'date' && normaliseDate(text).flagged) return false;
      return true;
    };
    return (value) => {
      if (!Array.isArray(value)) return { flagged: `where expects a list, got ${typeName(value)}` };
      return { value: value.filter(passes) };
    };
  },
};
