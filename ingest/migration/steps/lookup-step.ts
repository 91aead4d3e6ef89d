/**
 * Translation through a lookup table of the configuration: publisher abbreviations to full names and codes, old
 * classes to taxonomy paths, old columns to new ones. A value the table does not know is flagged by default: a
 * table is the migration owner's decision, and a value nobody decided on is for a person, not for the tool.
 */
import { z } from 'zod';
import { typeName, type Value } from '../values.js';
import type { StepDefinition } from './step.js';

const lookupOptions = z.strictObject({
  table: z.string().min(1),
  /** The field of a record entry to take (`name`, `code`); the whole entry when omitted. */
  column: z.string().min(1).optional(),
  /** How keys are compared with the value: whole value (default), or the value starts with, ends with, contains a key. */
  match: z.enum(['exact', 'prefix', 'suffix', 'contains']).default('exact'),
  /** A value the table lacks: flagged (default), left as it was, or missing (so that `default` or `classify` fill it). */
  else: z.enum(['flag', 'keep', 'missing']).default('flag'),
});

export const lookupStep: StepDefinition<z.infer<typeof lookupOptions>> = {
  name: 'lookup',
  summary: 'translates a value through a lookup table (publishers, subjects, columns, …)',
  kind: 'cleanse',
  options: lookupOptions,
  compile: (options, environment, problems) => {
    const table = environment.tables.get(options.table);
    if (table === undefined) {
      if (environment.declaredTables.has(options.table)) return () => ({ flagged: 'the table could not be loaded' });
      const known = [...environment.tables.keys()];
      problems.push({
        path: ['table'],
        message: `no lookup table "${options.table}" in \`tables\`${known.length > 0 ? ` (there are: ${known.join(', ')})` : ' (none are declared)'}`,
      });
      return () => ({ flagged: 'misconfigured' });
    }
    if (options.column !== undefined && !table.columns().has(options.column)) {
      problems.push({ path: ['column'], message: `no entry of table "${options.table}" has a "${options.column}"` });
    }
    return (value) => {
      if (typeof value !== 'string' && typeof value !== 'number') {
        return { flagged: `lookup expects text, got ${typeName(value)}` };
      }
      const found = table.find(String(value), options.match);
      if (found === undefined) {
        const why = `"${value}" is not in the table ${options.table}`;
        if (options.else === 'keep') return { value, changed: false };
        return options.else === 'missing' ? { missing: why } : { flagged: why };
      }
      let entry: Value = found.entry;
      if (options.column !== undefined) {
        entry =
          typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry[options.column] : undefined;
        if (entry === undefined || entry === null) {
          const why = `the entry "${found.key}" of table ${options.table} has no ${options.column}`;
          if (options.else === 'keep') return { value, changed: false };
          return options.else === 'missing' ? { missing: why } : { flagged: why };
        }
      }
      return { value: entry, changed: entry !== value };
    };
  },
};
