/**
 * Text the platform stores is well-formed: what a command brings is checked, field by field, before its schema sees
 * it, so the rule holds for every command and every caller (API, CLI, migration) alike. Refused, with the field named:
 *
 * - control characters other than tab, line feed and carriage return (NUL among them): no text means them, and
 *   they break the systems downstream (C strings, XML, the provincial feed);
 * - lone surrogates: half a character, which no encoding can write out;
 * - the bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): invisible, they make a
 *   title read differently from what it holds, which a government page must never do.
 *
 * Every string is stored in Unicode normalisation form C, so that one text has one spelling: a letter and its
 * combining accent become the accented letter, and a CJK compatibility ideograph becomes its unified ideograph
 * (U+F900 豈 becomes U+8C48), as search and comparison need. The letter marks LRM and RLM stay: they occur in mixed
 * text legitimately and change no character's order.
 */
import type { FieldProblem } from './domain-error.js';

// With the `u` flag a surrogate pair is one code point, so the surrogate range matches lone surrogates only.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this expression is for.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

const NAMES: Record<number, string> = {
  0: 'NUL',
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
};

function describe(unit: number): string {
  const code = `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  if (unit >= 0xd800 && unit <= 0xdfff) return `a lone surrogate (${code}), half of a character`;
  if (unit >= 0x202a && unit <= 0x2069)
    return `${code} (${NAMES[unit]}), a bidirectional control that can disguise text`;
  return `${code}${NAMES[unit] ? ` (${NAMES[unit]})` : ''}, a control character`;
}

/** What is wrong with one string, or null when it is well-formed. */
export function textProblem(text: string): string | null {
  const match = FORBIDDEN.exec(text);
  if (!match) return null;
  const unit = match[0].charCodeAt(0);
  return `contains ${describe(unit)}, at position ${match.index + 1}; remove it`;
}

/**
 * The value with every string in it NFC-normalised, and the problems of its strings, each with its dotted path
 * (`metadata.title`, `metadata.keywords.1`). Objects and arrays are followed; other values are kept as they are.
 */
export function wellFormedText(value: unknown, path = ''): { value: unknown; problems: FieldProblem[] } {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    return problem
      ? { value, problems: [{ path, message: problem }] }
      : { value: value.normalize('NFC'), problems: [] };
  }
  const at = (key: string | number) => (path === '' ? String(key) : `${path}.${key}`);
  if (Array.isArray(value)) {
    const items = value.map((item, index) => wellFormedText(item, at(index)));
    return { value: items.map((i) => i.value), problems: items.flatMap((i) => i.problems) };
  }
  const prototype = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (prototype === Object.prototype || prototype === null) {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => [key, wellFormedText(item, at(key))] as const,
    );
    return {
      value: Object.fromEntries(entries.map(([key, checked]) => [key, checked.value])),
      problems: entries.flatMap(([, checked]) => checked.problems),
    };
  }
  return { value, problems: [] };
}
