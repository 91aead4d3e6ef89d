/**
 * R-SEC-1: the leaf encoder gives RFC 8785 (JCS) text, byte for byte what the reference JCS implementation
 * (`canonicalize`, which the outside verifier checks entries with) gives, over random JSON values: Chinese text, every
 * escape JSON has, characters beyond the BMP, keys that sort differently by code unit and by code point, numbers at
 * the edges of ECMAScript's number form (1e21, 1e-7, -0, 0.1, 5e-324), and `__proto__` as a key. What JCS refuses
 * (a lone surrogate, a value JSON cannot carry) it refuses too.
 */
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, eventLeafText, NotCanonicalJson } from '../../domain/audit/event-leaf.js';
import { event } from '../bench/eventstore.js';

// Characters where encoders go wrong: controls (escaped as \uXXXX, lowercase), the two JSON escapes, the ones
// JSON.stringify leaves alone (DEL, U+2028, U+2029), the BMP's last code units before and after the surrogates, and
// Chinese, Latin-1 and astral text.
const TRICKY = [
  '\u0000',
  '\u0001',
  '\b',
  '\t',
  '\n',
  '\f',
  '\r',
  '\u001f',
  '"',
  '\\',
  '/',
  '\u007f',
  '\u2028',
  '\u2029',
  '\ud7ff',
  '\ue000',
  '\uffff',
  'é',
  'ÿ',
  '政',
  '府',
  '网',
  '站',
  '集',
  '约',
  '化',
  '。',
  '，',
  '𠀋',
  '😀',
  '€',
];
const text = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.constantFrom('六安市人民政府办公室关于印发集约化平台管理办法的通知', '\\ud800', '\\\\ud800', ''),
);
const key = fc.oneof(text, fc.constantFrom('__proto__', 'constructor', 'toString', '1', '10', '2', 'a', 'A', 'b'));
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(
    1e21,
    1e20,
    1e-7,
    1e-6,
    -0,
    0.1,
    0.2 + 0.1,
    5e-324,
    2 ** 53,
    2 ** 53 + 2,
    1.7976931348623157e308,
    333333333.3333333,
  ),
);
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof(text, number, fc.boolean(), fc.constant(null)),
  array: fc.array(tie('json'), { maxLength: 5 }),
  // Object.fromEntries defines `__proto__` as an own key, as JSON.parse does.
  object: fc.array(fc.tuple(key, tie('json')), { maxLength: 6 }).map((entries) => Object.fromEntries(entries)),
}));

describe('R-SEC-1 canonical leaf encoding (RFC 8785)', () => {
  it('equals the reference JCS text for any JSON value, and for the same value as the event store reads it back', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
        const stored = JSON.parse(JSON.stringify(value));
        expect(canonicalJson(stored)).toBe(canonicalize(stored));
      }),
      { numRuns: 3_000 },
    );
  });

  it('writes numbers as ECMAScript does and sorts keys by UTF-16 code unit, as JCS prescribes', () => {
    expect(canonicalJson([1e21, 1e-7, -0, 0.1, 5e-324, 100, 1.5e300])).toBe('[1e+21,1e-7,0,0.1,5e-324,100,1.5e+300]');
    // U+E000 sorts after U+1F600 by code point but before it by UTF-16 code unit (0xD83D).
    expect(canonicalJson({ '\ue000': 1, '😀': 2, a: 3, 中: 4 })).toBe('{"a":3,"中":4,"😀":2,"\ue000":1}');
    expect(canonicalJson({ s: '\u0000\u001f"\\\u007f\u2028' })).toBe('{"s":"\\u0000\\u001f\\"\\\\\u007f\u2028"}');
  });

  it('refuses a lone surrogate, in text or in a key, as the reference does, and keeps text that only looks like one', () => {
    const lone = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.boolean())
      .map(([around, code, inKey]) => {
        const s = `${around}${String.fromCharCode(code)}`;
        return inKey ? { [s]: 1 } : { s };
      });
    fc.assert(
      fc.property(lone, (value) => {
        expect(() => canonicalize(value)).toThrow();
        expect(() => canonicalJson(value)).toThrow(NotCanonicalJson);
      }),
    );
    expect(canonicalJson({ s: '\\ud800 \\\\udfff' })).toBe(canonicalize({ s: '\\ud800 \\\\udfff' }));
    expect(canonicalJson({ s: '😀' })).toBe('{"s":"😀"}');
  });

  it('refuses what JSON cannot carry instead of writing something else', () => {
    for (const value of [{ n: Number.NaN }, { n: Number.POSITIVE_INFINITY }, { n: 1n }, () => 1]) {
      expect(() => canonicalJson(value)).toThrow(NotCanonicalJson);
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(NotCanonicalJson);
  });

  it('encodes a whole event as the reference does', () => {
    const recorded = {
      ...event(7),
      streamId: 'resource-7',
      revision: 3,
      position: 42,
      recordedAt: '2026-12-01T08:00:00.000Z',
    };
    const { streamId, ...rest } = recorded;
    expect(eventLeafText(recorded)).toBe(canonicalize({ ...rest, stream: streamId }));
  });
});
