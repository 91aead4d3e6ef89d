/**
 * The supervision rules as pure functions and deciders: update cycles to the instant, answer deadlines and their
 * extension (R-SUP-2), rectification deadlines by severity (R-SUP-4), who may do what, and the phrase matcher against a
 * plain scan of the same list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar/index.js';
import { PhraseMatcher } from '../../domain/content-check/phrase-matcher.js';
import { messageDecider } from '../../domain/message/message.js';
import { staleAt } from '../../domain/supervision/update-cycle.js';
import { checkDecider } from '../../domain/work-order/check.js';
import { workOrderDecider } from '../../domain/work-order/work-order.js';
import { actor, deciderSpec } from '../support/decider-spec.js';

const calendar = WorkingCalendar.official();
const site = {
  status: 'online' as const,
  kind: 'county_portal' as const,
  activeColumns: new Set<string>(),
  coBuilding: new Map(),
};
const editor = actor('wang', { sites: { jinan: ['editor'] } });
const approver = actor('chen', { sites: { jinan: ['approver'] } });
const supervisor = actor('sup', { platform: ['supervisor'] });

const received = (occurredAt: string) =>
  messageDecider.decide(
    {
      type: 'ReceiveMessage',
      data: {
        messageId: 'm1',
        siteId: 'jinan',
        category: 'normal',
        subject: 's',
        question: 'q',
        asker: { name: '张三' },
      },
      actor: editor,
      context: { site, calendar, occurredAt },
    },
    messageDecider.initialState(),
  ).events;

describe('update cycles (R-SUP-1)', () => {
  it('R-SUP-1: two weeks are 14 × 24 hours; six months and a year are calendar months in China time, ending on the month’s last day', () => {
    expect(staleAt('2026-11-02T02:00:00.000Z', 'news')).toBe('2026-11-16T02:00:00.000Z');
    // 31 August 20:00 in China + 6 months: 28 February 20:00 (2027 is no leap year).
    expect(staleAt('2026-08-31T12:00:00.000Z', 'notices_policy')).toBe('2027-02-28T12:00:00.000Z');
    // 23:30 on 31 December in China is still 2025 there, though 2025-12-31T15:30Z; a year later is 2026-12-31 23:30.
    expect(staleAt('2025-12-31T15:30:00.000Z', 'other')).toBe('2026-12-31T15:30:00.000Z');
    // 29 February + 1 year: 28 February.
    expect(staleAt('2024-02-29T04:00:00.000Z', 'other')).toBe('2025-02-28T04:00:00.000Z');
  });
});

describe('public messages (R-SUP-2)', () => {
  const spec = deciderSpec(messageDecider);

  it('R-SUP-2: an extension past 10 working days is refused; 10 with a reason is counted on the calendar', () => {
    const given = received('2025-09-26T21:30:00+08:00');
    expect(given[0]!.data).toMatchObject({ dueDate: '2025-10-10', workingDays: 5 });
    spec(given)
      .when({
        type: 'ExtendMessageDeadline',
        data: { messageId: 'm1', workingDays: 11, reason: '会商' },
        actor: approver,
        context: { calendar },
      })
      .thenRefuses('EXTENSION_TOO_LONG', 'R-SUP-2');
    spec(given)
      .when({
        type: 'ExtendMessageDeadline',
        data: { messageId: 'm1', workingDays: 5, reason: '会商' },
        actor: approver,
        context: { calendar },
      })
      .thenRefuses('EXTENSION_NOT_LATER', 'R-SUP-2');
    spec(given)
      .when({
        type: 'ExtendMessageDeadline',
        data: { messageId: 'm1', workingDays: 10, reason: '会商' },
        actor: approver,
        context: { calendar },
      })
      .then([
        {
          type: 'MessageDeadlineExtended',
          data: { messageId: 'm1', workingDays: 10, dueDate: '2025-10-16', reason: '会商', by: 'chen' },
        },
      ]);
  });

  it('R-SUP-2: a message of a year no calendar covers is refused rather than counted as ordinary weeks', () => {
    expect(() => received('2031-03-03T10:00:00+08:00')).toThrow(
      expect.objectContaining({ code: 'CALENDAR_YEAR_NOT_COVERED' }),
    );
  });

  it('R-SUP-2: only the site’s staff record, assign or dismiss its messages', () => {
    const given = received('2025-09-26T21:30:00+08:00');
    spec(given)
      .when({ type: 'DismissMessage', data: { messageId: 'm1', reason: '重复' }, actor: editor })
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
    spec(given)
      .when({
        type: 'AssignMessage',
        data: { messageId: 'm1', unit: '区住建局' },
        actor: actor('li', { sites: { shucheng: ['editor'] } }),
      })
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
  });
});

describe('checks and work orders (R-SUP-4)', () => {
  const spec = deciderSpec(workOrderDecider);
  const finding = {
    siteId: 'jinan',
    origin: 'manual' as const,
    item: 'manual' as const,
    title: '错别字',
    evidence: [],
  };
  const open = (severity: 'severe' | 'major' | 'minor', occurredAt: string) =>
    workOrderDecider.decide(
      {
        type: 'OpenWorkOrder',
        data: { workOrderId: 'w1', checkId: 'c1', finding: { ...finding, severity } },
        actor: supervisor,
        context: { calendar, occurredAt },
      },
      workOrderDecider.initialState(),
    ).events;

  it('R-SUP-4: opened on the Friday before National Day, a work order is due 1, 3 or 5 working days later by severity', () => {
    const friday = '2025-09-26T16:00:00+08:00';
    expect(open('severe', friday)[0]!.data).toMatchObject({ dueDate: '2025-09-28' });
    expect(open('major', friday)[0]!.data).toMatchObject({ dueDate: '2025-09-30' });
    expect(open('minor', friday)[0]!.data).toMatchObject({ dueDate: '2025-10-10' });
  });

  it('R-SUP-4: only a supervisor opens, closes and reopens work orders; the site answers, late answers are marked so', () => {
    const opened = open('severe', '2025-09-26T16:00:00+08:00');
    spec(opened)
      .when({ type: 'CloseWorkOrder', data: { workOrderId: 'w1' }, actor: supervisor })
      .thenRefuses('WORK_ORDER_NOT_ANSWERED', 'R-SUP-4');
    spec(opened)
      .when({
        type: 'AnswerWorkOrder',
        data: { workOrderId: 'w1', outcome: 'rectified', note: '已改' },
        actor: actor('x', { sites: { shucheng: ['approver'] } }),
        context: { calendar, occurredAt: '2025-09-27T10:00:00+08:00' },
      })
      .thenRefuses('FORBIDDEN');
    const answered = spec(opened)
      .when({
        type: 'AnswerWorkOrder',
        data: { workOrderId: 'w1', outcome: 'rectified', note: '已改' },
        actor: approver,
        context: { calendar, occurredAt: '2025-09-29T10:00:00+08:00' },
      })
      .thenActsAs('approver');
    expect(answered[0]!.data).toMatchObject({ onTime: false });
    spec([...opened, ...answered])
      .when({ type: 'CloseWorkOrder', data: { workOrderId: 'w1' }, actor: approver })
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
    deciderSpec(checkDecider)([])
      .when({
        type: 'RecordCheck',
        data: { checkId: 'c1', kind: 'weekly', siteIds: ['jinan'], findings: [] },
        actor: approver,
        occurredAt: '2025-09-26T16:00:00+08:00',
      })
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
  });
});

describe('the phrase matcher (P-art.41(1))', () => {
  it('finds exactly what a scan of every expression with indexOf finds, at the same positions', () => {
    const alphabet = ['六', '安', '市', '政', '府', '行', '署', 'a', 'b', '𠀋'];
    const word = fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 4 }).map((c) => c.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 30 }),
        fc.array(fc.constantFrom(...alphabet), { maxLength: 200 }),
        (expressions, chars) => {
          const text = chars.join('');
          const key = (h: { expression: string; start: number }) => `${h.start}:${h.expression}`;
          const found = new PhraseMatcher(expressions).find(text).map(key).sort();
          const scanned: string[] = [];
          for (const expression of expressions)
            for (let at = text.indexOf(expression); at >= 0; at = text.indexOf(expression, at + 1))
              scanned.push(key({ expression, start: at }));
          expect(found).toEqual(scanned.sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
