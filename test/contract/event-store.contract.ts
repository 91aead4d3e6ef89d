/**
 * The one contract every event store adapter passes (architecture.md, "Event store semantics"). Each test writes
 * only to streams with a prefix of its own and reads `$all` through that prefix, so the suite can run against a
 * shared production store as well as a fresh SQLite file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyConflict, InvalidEventStoreInput, WrongExpectedVersion } from '../../domain/event-store/errors.js';
import type { JsonObject, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore, ExpectedRevision, Subscription } from '../../domain/event-store/port.js';
import { metadata, newEvent, uniquePrefix } from '../support/events.js';

export interface StoreUnderTest {
  store: EventStore;
  dispose(): Promise<void>;
}

async function collect(subscription: Subscription, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const received: RecordedEvent[] = [];
  const timer = setTimeout(() => void subscription.close(), timeoutMs);
  for await (const event of subscription) {
    received.push(event);
    if (received.length === count) break;
  }
  clearTimeout(timer);
  return received;
}

async function expectError<E>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

export function eventStoreContract(adapter: string, open: () => Promise<StoreUnderTest>): void {
  describe(`event store contract: ${adapter}`, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;
    const mine = () => ({ streamPrefixes: [prefix] });
    const readMine = (after?: number) =>
      store.readAll({ filter: mine(), maxCount: 100_000, ...(after === undefined ? {} : { after }) });

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      prefix = uniquePrefix('contract');
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('expected revision', () => {
      it('no_stream creates a stream whose first event is revision 0', async () => {
        const result = await store.append(stream('a'), [newEvent('Opened'), newEvent('Changed')], {
          expectedRevision: 'no_stream',
        });
        expect(result.nextExpectedRevision).toBe(1);
        const events = await store.readStream(stream('a'));
        expect(events.map((e) => e.revision)).toEqual([0, 1]);
        expect(result.position).toBe(events[1]!.position);
      });

      it('no_stream fails on an existing stream and reports the actual revision', async () => {
        await store.append(stream('a'), [newEvent('Opened')], { expectedRevision: 'no_stream' });
        const error = await expectError(
          store.append(stream('a'), [newEvent('Opened')], { expectedRevision: 'no_stream' }),
          WrongExpectedVersion,
        );
        expect(error).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', expected: 'no_stream', actual: 0 });
        expect(await store.readStream(stream('a'))).toHaveLength(1);
      });

      it('stream_exists succeeds on an existing stream and fails on a missing one', async () => {
        await store.append(stream('a'), [newEvent('Opened')], { expectedRevision: 'no_stream' });
        const ok = await store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 'stream_exists' });
        expect(ok.nextExpectedRevision).toBe(1);
        const error = await expectError(
          store.append(stream('missing'), [newEvent('Changed')], { expectedRevision: 'stream_exists' }),
          WrongExpectedVersion,
        );
        expect(error).toMatchObject({ expected: 'stream_exists', actual: 'no_stream' });
        expect(await store.streamRevision(stream('missing'))).toBeNull();
      });

      it('an exact revision succeeds when it is the last one and fails with expected and actual otherwise', async () => {
        await store.append(stream('a'), [newEvent('Opened'), newEvent('Changed')], { expectedRevision: 'no_stream' });
        const ok = await store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 1 });
        expect(ok.nextExpectedRevision).toBe(2);
        const stale = await expectError(
          store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 1 }),
          WrongExpectedVersion,
        );
        expect(stale).toMatchObject({ streamId: stream('a'), expected: 1, actual: 2 });
        const ahead = await expectError(
          store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 7 }),
          WrongExpectedVersion,
        );
        expect(ahead).toMatchObject({ expected: 7, actual: 2 });
        const missing = await expectError(
          store.append(stream('missing'), [newEvent('Changed')], { expectedRevision: 0 }),
          WrongExpectedVersion,
        );
        expect(missing).toMatchObject({ expected: 0, actual: 'no_stream' });
        expect(await store.streamRevision(stream('a'))).toBe(2);
      });

      it('any appends whatever the stream holds', async () => {
        const first = await store.append(stream('a'), [newEvent('Opened')], { expectedRevision: 'any' });
        const second = await store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 'any' });
        expect([first.nextExpectedRevision, second.nextExpectedRevision]).toEqual([0, 1]);
      });
    });

    describe('idempotent appends', () => {
      it('re-appending the same event ids at the same expected revision succeeds and writes nothing twice', async () => {
        const events = [newEvent('Opened'), newEvent('Changed')];
        const first = await store.append(stream('a'), events, { expectedRevision: 'no_stream' });
        const again = await store.append(stream('a'), events, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const more = [newEvent('Changed')];
        const third = await store.append(stream('a'), more, { expectedRevision: 1 });
        expect(await store.append(stream('a'), more, { expectedRevision: 1 })).toEqual(third);
        expect(await store.append(stream('a'), more, { expectedRevision: 'any' })).toEqual(third);
        expect((await store.readStream(stream('a'))).map((e) => e.id)).toEqual([...events, ...more].map((e) => e.id));
        expect(await readMine()).toHaveLength(3);
      });

      it('a re-append whose ids only partly match is rejected and writes nothing', async () => {
        const events = [newEvent('Opened'), newEvent('Changed')];
        await store.append(stream('a'), events, { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const partly = [events[0]!, newEvent('Changed')];
        await expectError(store.append(stream('a'), partly, { expectedRevision: 'no_stream' }), IdempotencyConflict);
        await expectError(store.append(stream('a'), partly, { expectedRevision: 'any' }), IdempotencyConflict);
        expect(await store.readStream(stream('a'))).toHaveLength(2);
        expect(await readMine()).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it('a repeated append at another expected revision is a conflict, not a silent success', async () => {
        const events = [newEvent('Opened')];
        await store.append(stream('a'), events, { expectedRevision: 'no_stream' });
        await store.append(stream('a'), [newEvent('Changed')], { expectedRevision: 0 });
        await expectError(store.append(stream('a'), events, { expectedRevision: 1 }), WrongExpectedVersion);
        expect(await store.readStream(stream('a'))).toHaveLength(2);
      });
    });

    it('hands event ids back in lower case, however they were written', async () => {
      const event = newEvent('Opened');
      const upper = { ...event, id: event.id.toUpperCase() };
      await store.append(stream('a'), [upper], { expectedRevision: 'no_stream' });
      expect((await store.readStream(stream('a')))[0]!.id).toBe(event.id);
      // and a retry spelled differently is still the same event
      expect((await store.append(stream('a'), [event], { expectedRevision: 'no_stream' })).nextExpectedRevision).toBe(
        0,
      );
    });

    describe('reading', () => {
      it('reads a stream forwards and backwards from a revision with a limit', async () => {
        const events = Array.from({ length: 10 }, (_, i) => newEvent('Counted', { i }));
        await store.append(stream('a'), events, { expectedRevision: 'no_stream' });
        const forwards = await store.readStream(stream('a'), { fromRevision: 3, maxCount: 4 });
        expect(forwards.map((e) => e.data.i)).toEqual([3, 4, 5, 6]);
        const backwards = await store.readStream(stream('a'), { direction: 'backwards', fromRevision: 5, maxCount: 3 });
        expect(backwards.map((e) => e.revision)).toEqual([5, 4, 3]);
        const last = await store.readStream(stream('a'), { direction: 'backwards', maxCount: 1 });
        expect(last.map((e) => e.revision)).toEqual([9]);
        const fromEnd = await store.readStream(stream('a'), {
          direction: 'backwards',
          fromRevision: 'end',
          maxCount: 2,
        });
        expect(fromEnd.map((e) => e.revision)).toEqual([9, 8]);
        expect(await store.readStream(stream('a'), { fromRevision: 10 })).toEqual([]);
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('keeps every field of an event, including its metadata and the store-given ones', async () => {
        const event = newEvent('ResourceDrafted', {
          title: '关于印发某某办法的通知',
          n: 1.5,
          ok: true,
          none: null,
          list: [1, 'a'],
        });
        event.metadata = metadata({
          actorId: 'person-1',
          actorRole: 'editor',
          siteId: 'site-portal',
          causationId: 'command-1',
          source: { system: 'legacy-cms', originalId: '42', originalUrl: 'https://www.luan.gov.cn/a/42.html' },
        });
        const before = Date.now();
        const { position } = await store.append(stream('a'), [event], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream('a'));
        expect(read).toMatchObject({ ...event, streamId: stream('a'), revision: 0, position });
        expect(read!.metadata).toEqual(event.metadata);
        expect(Date.parse(read!.recordedAt)).toBeGreaterThanOrEqual(before - 5_000);
        expect(await store.streamRevision(stream('a'))).toBe(0);
      });

      it('reads all from an exclusive position, in strictly increasing position order, with a limit', async () => {
        for (let i = 0; i < 5; i++) {
          await store.append(stream(`s${i % 2}`), [newEvent('Counted', { i })], { expectedRevision: 'any' });
        }
        const all = await readMine();
        expect(all.map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4]);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        const after = await store.readAll({ after: all[1]!.position, maxCount: 2, filter: mine() });
        expect(after.map((e) => e.data.i)).toEqual([2, 3]);
        expect((await store.headPosition())!).toBeGreaterThanOrEqual(all[4]!.position);
      });

      it('filters all by stream prefix, by event type, and by both', async () => {
        await store.append(stream('resource-1'), [newEvent('ResourceDrafted'), newEvent('ResourceEdited')], {
          expectedRevision: 'no_stream',
        });
        await store.append(stream('site-1'), [newEvent('SiteOpened')], { expectedRevision: 'no_stream' });
        await store.append(stream('resource-2'), [newEvent('ResourceDrafted')], { expectedRevision: 'no_stream' });
        const byPrefix = await store.readAll({ filter: { streamPrefixes: [stream('resource-')] } });
        expect(byPrefix.map((e) => e.streamId)).toEqual([
          stream('resource-1'),
          stream('resource-1'),
          stream('resource-2'),
        ]);
        const twoPrefixes = await store.readAll({
          filter: { streamPrefixes: [stream('site-'), stream('resource-2')] },
        });
        expect(twoPrefixes.map((e) => e.type)).toEqual(['SiteOpened', 'ResourceDrafted']);
        const both = await store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['ResourceDrafted'] } });
        expect(both.map((e) => e.streamId)).toEqual([stream('resource-1'), stream('resource-2')]);
        const types = await store.readAll({ filter: { eventTypes: ['SiteOpened'] }, maxCount: 100_000 });
        expect(types.every((e) => e.type === 'SiteOpened')).toBe(true);
        expect(types.map((e) => e.streamId)).toContain(stream('site-1'));
      });
    });

    describe('concurrency', () => {
      it('concurrent appends get strictly increasing positions and gap-free revisions', async () => {
        const streams = Array.from({ length: 8 }, (_, i) => stream(`c${i}`));
        await Promise.all(
          Array.from({ length: 80 }, (_, i) =>
            store.append(streams[i % streams.length]!, [newEvent('Counted', { i }), newEvent('Counted', { i })], {
              expectedRevision: 'any',
            }),
          ),
        );
        const all = await readMine();
        expect(all).toHaveLength(160);
        for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        for (const name of streams) {
          const events = await store.readStream(name);
          expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
          // the two events of one append stay together
          for (let r = 0; r < events.length; r += 2) expect(events[r]!.data.i).toBe(events[r + 1]!.data.i);
        }
      });

      it('read-decide-append with the exact revision never loses an update under concurrent writers', async () => {
        const counter = stream('counter');
        await store.append(counter, [newEvent('Counted', { value: 0 })], { expectedRevision: 'no_stream' });
        let conflicts = 0;
        const increment = async () => {
          for (;;) {
            const [last] = await store.readStream(counter, { direction: 'backwards', maxCount: 1 });
            try {
              await store.append(counter, [newEvent('Counted', { value: (last!.data.value as number) + 1 })], {
                expectedRevision: last!.revision,
              });
              return;
            } catch (error) {
              if (!(error instanceof WrongExpectedVersion)) throw error;
              conflicts++;
            }
          }
        };
        await Promise.all(Array.from({ length: 30 }, increment));
        const events = await store.readStream(counter);
        expect(events.map((e) => e.data.value)).toEqual(events.map((_, i) => i));
        expect(events).toHaveLength(31);
        expect(conflicts).toBeGreaterThanOrEqual(0);
      });
    });

    describe('catch-up subscriptions', () => {
      it('catches up and switches to live while events keep arriving: nothing lost, nothing twice', async () => {
        const history = 300;
        const live = 300;
        for (let i = 0; i < history; i += 50) {
          await store.append(
            stream(`h${i}`),
            Array.from({ length: 50 }, (_, k) => newEvent('Counted', { i: i + k })),
            { expectedRevision: 'no_stream' },
          );
        }
        const subscription = store.subscribeToAll({ filter: mine() });
        const writer = (async () => {
          for (let i = history; i < history + live; i++) {
            await store.append(stream(`l${i % 7}`), [newEvent('Counted', { i })], { expectedRevision: 'any' });
            if (i % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
          }
        })();
        const received = await collect(subscription, history + live);
        await writer;
        await subscription.close();
        expect(received.map((e) => e.data.i)).toEqual(Array.from({ length: history + live }, (_, i) => i));
        expect(new Set(received.map((e) => e.id)).size).toBe(history + live);
      });

      it('starts after the given position (exclusive) and delivers events appended later', async () => {
        await store.append(stream('a'), [newEvent('Counted', { i: 0 }), newEvent('Counted', { i: 1 })], {
          expectedRevision: 'no_stream',
        });
        const [first] = await readMine();
        const subscription = store.subscribeToAll({ after: first!.position, filter: mine() });
        setTimeout(
          () => void store.append(stream('b'), [newEvent('Counted', { i: 2 })], { expectedRevision: 'any' }),
          50,
        );
        const received = await collect(subscription, 2);
        await subscription.close();
        expect(received.map((e) => e.data.i)).toEqual([1, 2]);
      });

      it("from 'end' delivers only what is appended after subscribing, filtered", async () => {
        await store.append(stream('old'), [newEvent('Counted', { i: -1 })], { expectedRevision: 'no_stream' });
        const subscription = store.subscribeToAll({
          after: 'end',
          filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] },
        });
        // Let the subscription reach the head before writing, as a live consumer would be.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await store.append(stream('new'), [newEvent('Unwanted', { i: 0 }), newEvent('Wanted', { i: 1 })], {
          expectedRevision: 'no_stream',
        });
        await store.append(stream('new'), [newEvent('Wanted', { i: 2 })], { expectedRevision: 1 });
        const received = await collect(subscription, 2);
        await subscription.close();
        expect(received.map((e) => e.data.i)).toEqual([1, 2]);
      });

      it('stops delivering once closed', async () => {
        const subscription = store.subscribeToAll({ filter: mine() });
        const iterator = subscription[Symbol.asyncIterator]();
        const pending = iterator.next();
        await subscription.close();
        expect((await pending).done).toBe(true);
      });
    });

    describe('content', () => {
      it('stores and reads back a 1 MB event', async () => {
        const body = '集约化平台统一信息资源库'.repeat(Math.ceil((1024 * 1024) / 36));
        expect(Buffer.byteLength(body)).toBeGreaterThanOrEqual(1024 * 1024);
        await store.append(stream('big'), [newEvent('ResourceDrafted', { body })], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream('big'));
        expect(read!.data.body).toBe(body);
      });

      it('round-trips Chinese text byte for byte, without normalising it', async () => {
        const texts: JsonObject = {
          docNumber: '六政办秘〔2021〕148号',
          fullWidth: '　全角空格　和（括号）；标点：“引号”',
          rare: '𠀀𪚥𰻞 Extension B and beyond',
          composed: 'é',
          decomposed: 'é',
          emoji: '政务🏛️👩🏽‍💼',
          zeroWidth: 'a\u200bb\u200dc\ufeff',
          escapes: 'line\nbreak\ttab "quote" \\ backslash \u0000 nul',
          字段名: '中文键',
        };
        await store.append(stream('zh'), [newEvent('ResourceDrafted', texts)], { expectedRevision: 'no_stream' });
        const [read] = await store.readStream(stream('zh'));
        for (const [key, value] of Object.entries(texts)) {
          expect(Buffer.from(read!.data[key] as string, 'utf8').equals(Buffer.from(value as string, 'utf8'))).toBe(
            true,
          );
        }
        expect(read!.data).toEqual(texts);
      });
    });

    describe('bad input gets a typed error and writes nothing', () => {
      const cases: Array<[string, () => Promise<unknown>]> = [
        ['an empty stream name', () => store.append('', [newEvent('X')], { expectedRevision: 'any' })],
        [
          'an over-long stream name',
          () => store.append(stream('x'.repeat(300)), [newEvent('X')], { expectedRevision: 'any' }),
        ],
        ['a system stream name', () => store.append('$all', [newEvent('X')], { expectedRevision: 'any' })],
        ['a negative expected revision', () => store.append(stream('a'), [newEvent('X')], { expectedRevision: -1 })],
        ['a fractional expected revision', () => store.append(stream('a'), [newEvent('X')], { expectedRevision: 1.5 })],
        [
          'an unknown expected revision',
          () => store.append(stream('a'), [newEvent('X')], { expectedRevision: 'latest' as ExpectedRevision }),
        ],
        ['no events', () => store.append(stream('a'), [], { expectedRevision: 'any' })],
        [
          'an event id that is not a UUID',
          () => store.append(stream('a'), [newEvent('X', {}, { id: '42' })], { expectedRevision: 'any' }),
        ],
        ['an empty event type', () => store.append(stream('a'), [newEvent('')], { expectedRevision: 'any' })],
        [
          'data that is not an object',
          () =>
            store.append(stream('a'), [{ ...newEvent('X'), data: [1] as unknown as JsonObject }], {
              expectedRevision: 'any',
            }),
        ],
        [
          'a BigInt in the data',
          () => store.append(stream('a'), [newEvent('X', { n: 1n as unknown as number })], { expectedRevision: 'any' }),
        ],
        [
          'a function in the data',
          () =>
            store.append(stream('a'), [newEvent('X', { f: (() => 1) as unknown as string })], {
              expectedRevision: 'any',
            }),
        ],
        [
          'undefined in the data',
          () =>
            store.append(stream('a'), [newEvent('X', { u: undefined as unknown as null })], {
              expectedRevision: 'any',
            }),
        ],
        [
          'NaN in the data',
          () => store.append(stream('a'), [newEvent('X', { n: Number.NaN })], { expectedRevision: 'any' }),
        ],
        [
          'a Date in the data',
          () =>
            store.append(stream('a'), [newEvent('X', { d: new Date() as unknown as string })], {
              expectedRevision: 'any',
            }),
        ],
        [
          'circular data',
          () => {
            const data: Record<string, unknown> = {};
            data.self = data;
            return store.append(stream('a'), [newEvent('X', data as JsonObject)], { expectedRevision: 'any' });
          },
        ],
        [
          'metadata without an actor',
          () => {
            const event = newEvent('X');
            const { actorId: _, ...rest } = event.metadata;
            return store.append(stream('a'), [{ ...event, metadata: rest as typeof event.metadata }], {
              expectedRevision: 'any',
            });
          },
        ],
        [
          'metadata with a bad occurredAt',
          () =>
            store.append(stream('a'), [{ ...newEvent('X'), metadata: metadata({ occurredAt: 'yesterday' }) }], {
              expectedRevision: 'any',
            }),
        ],
        [
          'one bad event among good ones',
          () =>
            store.append(stream('a'), [newEvent('X'), newEvent('X', { n: Number.POSITIVE_INFINITY })], {
              expectedRevision: 'any',
            }),
        ],
        [
          // It has no UTF-8 form, so no canonical encoding as an audit log leaf (R-SEC-1).
          'text holding a lone UTF-16 surrogate',
          () => store.append(stream('a'), [newEvent('X', { title: 'ab\ud800c' })], { expectedRevision: 'any' }),
        ],
        [
          'the same event id twice in one append',
          () => {
            const event = newEvent('X');
            return store.append(stream('a'), [event, event], { expectedRevision: 'any' });
          },
        ],
        ['a negative revision to read from', () => store.readStream(stream('a'), { fromRevision: -1 })],
        ['a zero read count', () => store.readStream(stream('a'), { maxCount: 0 })],
        ['a negative position to read after', () => store.readAll({ after: -5 })],
        ['an unknown filter', () => store.readAll({ filter: { streams: ['a'] } as never })],
        ['an empty filter', () => store.readAll({ filter: {} })],
        ['an unknown read option', () => store.readAll({ from: 3 } as never)],
        ['an empty stream name to read', () => store.readStream('')],
      ];

      for (const [what, call] of cases) {
        it(`refuses ${what}`, async () => {
          const head = await store.headPosition();
          const error = await expectError(call(), InvalidEventStoreInput);
          expect(error.code).toBe('INVALID_EVENT_STORE_INPUT');
          expect(error.issues.length).toBeGreaterThan(0);
          expect(await store.headPosition()).toBe(head);
          expect(await readMine()).toEqual([]);
        });
      }

      it('refuses an unknown subscription filter before subscribing', () => {
        expect(() => store.subscribeToAll({ filter: { category: 'x' } as never })).toThrow(InvalidEventStoreInput);
        expect(() => store.subscribeToAll({ after: -1 })).toThrow(InvalidEventStoreInput);
      });

      it('refuses an append over the total size limit', async () => {
        const body = 'x'.repeat(6 * 1024 * 1024);
        const events = [newEvent('X', { body }), newEvent('X', { body }), newEvent('X', { body })];
        await expectError(store.append(stream('a'), events, { expectedRevision: 'any' }), InvalidEventStoreInput);
        expect(await store.streamRevision(stream('a'))).toBeNull();
      });

      it('refuses an event over the size limit', async () => {
        const body = 'x'.repeat(9 * 1024 * 1024);
        await expectError(
          store.append(stream('a'), [newEvent('X', { body })], { expectedRevision: 'any' }),
          InvalidEventStoreInput,
        );
        expect(await store.streamRevision(stream('a'))).toBeNull();
      });
    });
  });
}
