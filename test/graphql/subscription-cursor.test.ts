/**
 * Subscription cursors as both stores hand out positions: SQLite's small integers and KurrentDB's byte offsets, up to
 * the largest safe integer, with gaps. A cursor stays short enough for a WebSocket close reason, names its place
 * exactly, and is refused once any part of it is changed or it is read for another field or with another secret.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/shared/domain-error.js';
import { CursorCodec, type MessagePlace } from '../../graphql/live-updates/cursor.js';

const codec = new CursorCodec(randomBytes(32));
const recordedAt = '2026-12-01T08:30:00.123Z';

const places: MessagePlace[] = [
  { prev: null, position: 1, ordinal: 0, recordedAt },
  { prev: 41, position: 42, ordinal: 3, recordedAt },
  // KurrentDB commit positions: large, with gaps between events.
  { prev: 9_007_199_254_740_000, position: Number.MAX_SAFE_INTEGER, ordinal: 499, recordedAt },
];

function refusal(field: string, cursor: string, on = codec): DomainError {
  try {
    on.decode(field, cursor);
  } catch (error) {
    return error as DomainError;
  }
  throw new Error(`${cursor} was accepted`);
}

describe('subscription cursors', () => {
  it('name their place exactly and stay well under the 123 bytes of a close reason', () => {
    for (const place of places) {
      const cursor = codec.encode('pushStatusChanged', place);
      expect(codec.decode('pushStatusChanged', cursor)).toEqual(place);
      expect(cursor.length).toBeLessThanOrEqual(60);
      expect(Buffer.byteLength(`SUBSCRIBER_TOO_SLOW: resume pushStatusChanged after ${cursor}`)).toBeLessThan(123);
    }
  });

  it('are refused as CURSOR_INVALID, naming after, when altered, foreign to the field or signed with another secret', () => {
    const cursor = codec.encode('pushReceived', places[1]!);
    const altered = cursor
      .split('.')
      .map((part, i) => (i === 3 ? '4' : part))
      .join('.');
    const cases: Array<[string, string, CursorCodec]> = [
      ['pushReceived', altered, codec],
      ['pushStatusChanged', cursor, codec],
      ['pushReceived', cursor, new CursorCodec(randomBytes(32))],
      ['pushReceived', `2${cursor.slice(1)}`, codec],
      ['pushReceived', '', codec],
    ];
    for (const [field, given, on] of cases) {
      const error = refusal(field, given, on);
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('CURSOR_INVALID');
      expect(error.details).toEqual([expect.objectContaining({ path: `${field}.after` })]);
    }
  });
});
