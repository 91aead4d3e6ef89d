/**
 * The configuration's value for a field the source leaves empty (the catch-all subject, 主动公开, the language). It
 * fills only what is missing; a flagged value is never papered over, and the report counts every default.
 */
import { z } from 'zod';
import { isMissing, type Value } from '../values.js';
import type { StepDefinition } from './step.js';

const jsonValue: z.ZodType<Value> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const defaultStep: StepDefinition<Value> = {
  name: 'default',
  summary: 'a value for a field the source leaves empty (counted as defaulted)',
  kind: 'cleanse',
  runsOnMissing: true,
  options: jsonValue,
  compile: (fallback) => (value) =>
    isMissing(value) ? { value: fallback, defaulted: true } : { value, changed: false },
};
