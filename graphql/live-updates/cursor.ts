/**
 * Subscription cursors: where in the log a subscription message came from, in a form a client keeps and hands back
 * as `after` to resume. A cursor names the log position of the event the message was made from, the message's
 * ordinal among the messages that event made for the topic, when the event was recorded (the resume window is judged
 * by it), and the position of the event read before it, so that a replay can read the log from a position the store
 * itself handed out (KurrentDB's positions are byte offsets with gaps: one less than a position is not a position).
 *
 * Cursors are opaque to clients and signed: an HMAC over the subscription field and the rest, keyed by a secret every
 * process of one platform shares, so a cursor of one process resumes on another, while one of another platform, of
 * another subscription field, or edited by hand is refused. Text: `1.<prev>.<position>.<ordinal>.<recorded ms>.<mac>`,
 * numbers in base 36, about 45 characters: it fits, with a word of explanation, a WebSocket close reason (123 bytes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Position } from '../../domain/event-store/event.js';
import { DomainError } from '../../domain/shared/domain-error.js';

/** Where a message stands in the log; messages are ordered by (position, ordinal). */
export interface MessagePlace {
  /** The position of the event read before this one (null: none, read from the start of the log). */
  prev: Position | null;
  position: Position;
  ordinal: number;
  recordedAt: string;
}

/** What the cursor secret is derived for, from the platform's key material (see api-server.ts). */
export const CURSOR_SECRET_PURPOSE = 'resource-library subscription cursors';

const VERSION = '1';
/** 96 bits of HMAC-SHA-256: far beyond guessing, and short. */
const MAC_CHARS = 16;
const MAX_CURSOR_CHARS = 100;
const NUMBER = /^[0-9a-z]{1,11}$/;

export function isAfter(a: MessagePlace, b: MessagePlace): boolean {
  return a.position > b.position || (a.position === b.position && a.ordinal > b.ordinal);
}

function cursorProblem(field: string, code: string, zh: string, en: string): DomainError {
  return new DomainError('BAD_USER_INPUT', code, zh, en, [{ path: `${field}.after`, message: en }]);
}

export function invalidCursor(field: string, why: string): DomainError {
  return cursorProblem(
    field,
    'CURSOR_INVALID',
    `after 不是本平台 ${field} 订阅给出的游标（${why}）：请使用该订阅消息中的 cursor，或不带 after 重新订阅`,
    `after is not a cursor a ${field} subscription of this platform gave (${why}): pass the cursor of a message of this subscription, or subscribe without after`,
  );
}

export class CursorCodec {
  constructor(private readonly secret: Buffer) {}

  private mac(field: string, body: string): string {
    return createHmac('sha256', this.secret).update(`${field}\n${body}`).digest('base64url').slice(0, MAC_CHARS);
  }

  encode(field: string, place: MessagePlace): string {
    const body = [
      VERSION,
      place.prev === null ? '' : place.prev.toString(36),
      place.position.toString(36),
      place.ordinal.toString(36),
      Date.parse(place.recordedAt).toString(36),
    ].join('.');
    return `${body}.${this.mac(field, body)}`;
  }

  /** The place a cursor of `field` names; CURSOR_INVALID when it is malformed, foreign or altered. */
  decode(field: string, cursor: string): MessagePlace {
    if (cursor.length > MAX_CURSOR_CHARS) throw invalidCursor(field, 'too long');
    const parts = cursor.split('.');
    if (parts.length !== 6 || parts[0] !== VERSION) throw invalidCursor(field, 'malformed');
    const [, prev, position, ordinal, recorded, mac] = parts as [string, string, string, string, string, string];
    const expected = Buffer.from(this.mac(field, parts.slice(0, 5).join('.')));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw invalidCursor(field, 'its signature does not match: it is of another platform or subscription, or altered');
    if (![position, ordinal, recorded].every((n) => NUMBER.test(n)) || (prev !== '' && !NUMBER.test(prev)))
      throw invalidCursor(field, 'malformed');
    return {
      prev: prev === '' ? null : Number.parseInt(prev, 36),
      position: Number.parseInt(position, 36),
      ordinal: Number.parseInt(ordinal, 36),
      recordedAt: new Date(Number.parseInt(recorded, 36)).toISOString(),
    };
  }
}

/** What a client re-reads instead of resuming, per subscription field. */
const CURRENT_STATE: Record<string, string> = {
  resourcePublished: 'search',
  reviewQueueChanged: 'siteWorkflow',
  pushReceived: 'pushInbox',
  pushStatusChanged: 'pushInbox',
  workOrderOpened: 'workOrders',
};

export function cursorTooOld(field: string, recordedAt: string, windowHours: number): DomainError {
  const query = CURRENT_STATE[field] ?? 'the matching query';
  return cursorProblem(
    field,
    'CURSOR_TOO_OLD',
    `after 指向 ${recordedAt} 的消息，已超出 ${windowHours} 小时的续订时限：请先查询当前状态（${query}），再不带 after 订阅`,
    `after names a message of ${recordedAt}, older than the resume window of ${windowHours} h: query the current state (${query}) and subscribe without after`,
  );
}
