/**
 * Steps that shape text without knowing what it means: trimming, the domain's white-space normalisation (full-width
 * spaces, `&nbsp;`, blank lines), replacements, cutting to a length, and splitting into or joining lists.
 */
import { z } from 'zod';
import { normaliseWhitespace } from '../../../domain/metadata/index.js';
import { compilePattern, flagsSchema, patternSchema } from '../pattern.js';
import { isMissing, typeName, type Value } from '../values.js';
import type { StepDefinition, StepResult } from './step.js';

const noOptions = z.undefined();

/** Applies a text function to a string, or to each string of a list, and refuses other shapes. */
function onText(value: Value, step: string, apply: (text: string) => string): StepResult {
  if (typeof value === 'string') return { value: apply(value) };
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return { value: value.map((item) => apply(item as string)).filter((item) => item !== '') };
  }
  return { flagged: `${step} expects text, got ${typeName(value)}` };
}

export const trimStep: StepDefinition<undefined> = {
  name: 'trim',
  summary: 'removes white space at both ends',
  kind: 'cleanse',
  options: noOptions,
  compile: () => (value) => onText(value, 'trim', (text) => text.trim()),
};

export const whitespaceStep: StepDefinition<undefined> = {
  name: 'whitespace',
  summary: 'normalises full-width spaces, &nbsp;, invisible characters and blank lines (the domain rule)',
  kind: 'cleanse',
  options: noOptions,
  compile: () => (value) => onText(value, 'whitespace', normaliseWhitespace),
};

const replaceOptions = z.strictObject({ pattern: patternSchema, with: z.string(), flags: flagsSchema });
export const replaceStep: StepDefinition<z.infer<typeof replaceOptions>> = {
  name: 'replace',
  summary: 'replaces every match of a regular expression ($1 refers to a group)',
  kind: 'cleanse',
  options: replaceOptions,
  compile: (options) => {
    const pattern = compilePattern(options.pattern, options.flags, true);
    return (value) => onText(value, 'replace', (text) => text.replace(pattern, options.with));
  },
};

const truncateOptions = z.strictObject({
  max: z.int().min(1),
  ellipsis: z.string().default('…'),
});
export const truncateStep: StepDefinition<z.infer<typeof truncateOptions>> = {
  name: 'truncate',
  summary: 'cuts text to at most `max` characters (as people count them), ending with the ellipsis',
  kind: 'cleanse',
  options: truncateOptions,
  compile:
    ({ max, ellipsis }) =>
    (value) => {
      if (typeof value !== 'string') return { flagged: `truncate expects text, got ${typeName(value)}` };
      const characters = [...value];
      if (characters.length <= max) return { value, changed: false };
      const kept = characters.slice(0, max - [...ellipsis].length).join('');
      return { value: `${kept}${ellipsis}`, note: `cut from ${characters.length} to ${max} characters` };
    },
};

const splitOptions = z.union([
  z.string().min(1),
  z.strictObject({ separator: z.string().min(1).optional(), pattern: patternSchema.optional() }),
]);
export const splitStep: StepDefinition<z.infer<typeof splitOptions>> = {
  name: 'split',
  summary: 'splits text into a list at a separator (or a regular expression), dropping blank pieces',
  kind: 'extract',
  options: splitOptions,
  compile: (options) => {
    const separator: string | RegExp =
      typeof options === 'string'
        ? options
        : options.pattern !== undefined
          ? compilePattern(options.pattern)
          : (options.separator ?? /\s+/u);
    return (value) => {
      if (typeof value !== 'string') return { flagged: `split expects text, got ${typeName(value)}` };
      return {
        value: value
          .split(separator)
          .map((piece) => piece.trim())
          .filter((piece) => piece !== ''),
      };
    };
  },
};

export const joinStep: StepDefinition<string> = {
  name: 'join',
  summary: 'joins a list of texts with a separator',
  kind: 'extract',
  options: z.string(),
  compile: (separator) => (value) => {
    if (!Array.isArray(value)) return { value };
    return { value: value.filter((item) => !isMissing(item)).join(separator) };
  },
};

export const uniqueStep: StepDefinition<undefined> = {
  name: 'unique',
  summary: 'drops repeated items of a list, keeping the first of each',
  kind: 'cleanse',
  options: noOptions,
  compile: () => (value) => {
    if (!Array.isArray(value)) return { flagged: `unique expects a list, got ${typeName(value)}` };
    const seen = new Set<string>();
    const kept = value.filter((item) => {
      const key = JSON.stringify(item);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return kept.length === value.length
      ? { value, changed: false }
      : { value: kept, note: `${value.length - kept.length} repeated item(s) dropped` };
  },
};
