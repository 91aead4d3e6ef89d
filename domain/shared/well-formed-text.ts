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
// The same without the `u` flag, which matches code units, so any surrogate (paired or not): text with none of these
// (nearly all text) is well-formed, and this scan is three times faster than one that walks code points.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this expression is for.
const SUSPECT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/;

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

const BEYOND_ASCII = /[^\t\n\r\u0020-\u007E]/;

function describe(unit: number): string {
  const code = `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
  if (unit >= 0xd800 && unit <= 0xdfff) return `a lone surrogate (${code}), half of a character`;
  if (unit >= 0x202a && unit <= 0x2069)
    return `${code} (${NAMES[unit]}), a bidirectional control that can disguise text`;
  return `${code}${NAMES[unit] ? ` (${NAMES[unit]})` : ''}, a control character`;
}

/** What is wrong with one string, or null when it is well-formed. */
export function textProblem(text: string): string | null {
  if (!SUSPECT.test(text)) return null;
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
  const problems: FieldProblem[] = [];
  // The keys down to the value being checked; a path is spelt out only for a problem.
  const trail: Array<string | number> = path === '' ? [] : [path];
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') {
      // Printable ASCII (ids, dates, digests, URLs: most strings) is well-formed and NFC as it is.
      if (!BEYOND_ASCII.test(item)) return item;
      const problem = textProblem(item);
      if (!problem) return item.normalize('NFC');
      problems.push({ path: trail.join('.'), message: problem });
      return item;
    }
    if (Array.isArray(item)) {
      const copy: unknown[] = new Array(item.length);
      for (let index = 0; index < item.length; index++) {
        trail.push(index);
        copy[index] = walk(item[index]);
        trail.pop();
      }
      return copy;
    }
    const prototype = typeof item === 'object' && item !== null ? Object.getPrototypeOf(item) : undefined;
    if (prototype !== Object.prototype && prototype !== null) return item;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(item as Record<string, unknown>)) {
      trail.push(key);
      const checked = walk((item as Record<string, unknown>)[key]);
      trail.pop();
      // A key `__proto__` stays a key: assigned, it would set the copy's prototype.
      if (key === '__proto__')
        Object.defineProperty(copy, key, { value: checked, enumerable: true, writable: true, configurable: true });
      else copy[key] = checked;
    }
    return copy;
  };
  return { value: walk(value), problems };
}
