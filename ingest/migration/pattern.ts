/**
 * Regular expressions written in a migration's configuration. They are compiled with the `u` flag always, so that
 * `\p{Script=Han}` works and a pattern means the same for every character of Chinese text, and refused at load time
 * (with their line) when they do not compile.
 */
import { z } from 'zod';

const ALLOWED_FLAGS = /^[imsy]*$/;

export function compilePattern(pattern: string, flags = '', global = false): RegExp {
  return new RegExp(pattern, `${[...new Set(flags)].join('')}u${global ? 'g' : ''}`);
}

export const patternSchema = z.string().superRefine((pattern, ctx) => {
  try {
    compilePattern(pattern);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a regular expression: ${(error as Error).message}` });
  }
});

export const flagsSchema = z
  .string()
  .regex(ALLOWED_FLAGS, 'flags are any of i (ignore case), m (^ and $ at line ends), s (. matches newlines)')
  .optional();
