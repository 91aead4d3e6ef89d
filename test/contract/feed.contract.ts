/**
 * The one contract every feed adapter passes (domain/feed/feed-port.ts): offsets, order per key, what a consumer
 * group commits and gets again after a restart, a message of a megabyte, and bad input refused whole. Each test uses
 * topics and groups of its own, so the suite can run against a shared Kafka cluster as well as a fresh SQLite file.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsumeOptions,
  type Feed,
  type FeedMessage,
  type FeedRecord,
  InvalidFeedInput,
  PublishFenced,
  UnknownFeedTopic,
} from '../../domain/feed/feed-port.js';
import { MAX_FEED_MESSAGE_BYTES } from '../../domain/feed/feed-validation.js';
import { isTransientError } from '../../domain/shared/transient-error.js';

export interface FeedUnderTest {
  feed: Feed;
  /** Partitions of the topics the suite creates (1 on the embedded feed). */
  partitions: number;
  dispose(): Promise<void>;
}

const record = (key: string | null, value: string | null, headers: Record<string, string> = {}): FeedRecord => ({
  key,
  value: value === null ? null : Buffer.from(value, 'utf8'),
  headers,
});

async function expectError<E>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

export function feedContract(adapter: string, open: () => Promise<FeedUnderTest>): void {
  describe(`feed contract: ${adapter}`, () => {
    let subject: FeedUnderTest;
    let feed: Feed;
    const unique = (label: string) => `contract.${label}.${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      subject = await open();
      feed = subject.feed;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    async function topic(label: string): Promise<string> {
      const name = unique(label);
      await feed.ensureTopic(name);
      return name;
    }

    /** Consumes until `count` messages arrived (or `until` says so), then stops the consumer. */
    async function collect(
      options: Omit<ConsumeOptions, 'handle'> & { count: number; fail?: (m: FeedMessage, seen: number) => boolean },
    ): Promise<{ messages: FeedMessage[]; error: unknown }> {
      const messages: FeedMessage[] = [];
      let reached!: () => void;
      const enough = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const consumer = feed.consume({
        ...options,
        async handle(message) {
          if (options.fail?.(message, messages.length)) throw new Error(`refused offset ${message.offset}`);
          messages.push(message);
          if (messages.length >= options.count) reached();
        },
      });
      let error: unknown;
      consumer.done.catch((e: unknown) => {
        error = e;
        reached();
      });
      await Promise.race([enough, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      await consumer.stop();
      return { messages, error };
    }

    describe('topics and offsets', () => {
      it('creating a topic twice is a no-op, and publishing to a topic nobody created is refused', async () => {
        const name = unique('twice');
        await feed.ensureTopic(name);
        await feed.ensureTopic(name);
        expect((await feed.endOffsets(name)).reduce((n, p) => n + p.offset, 0)).toBe(0);
        await expectError(feed.publish(unique('missing'), [record('k', 'v')]), UnknownFeedTopic);
      });

      it('offsets start at 0 in each partition and grow by one per message, in the order published', async () => {
        const name = await topic('offsets');
        const first = await feed.publish(name, [record('a', '1'), record('a', '2'), record('a', '3')]);
        const second = await feed.publish(name, [record('a', '4')]);
        const places = [...first, ...second];
        expect(new Set(places.map((p) => p.partition)).size).toBe(1);
        expect(places.map((p) => p.offset)).toEqual([0, 1, 2, 3]);
        expect(places.every((p) => p.topic === name)).toBe(true);
        const ends = await feed.endOffsets(name);
        expect(ends).toHaveLength(subject.partitions);
        expect(ends.find((e) => e.partition === places[0]!.partition)?.offset).toBe(4);
        expect(ends.reduce((n, p) => n + p.offset, 0)).toBe(4);
      });

      it('a consumer given an offset starts there, and sees each message where publish said it landed', async () => {
        const name = await topic('from');
        const places = await feed.publish(
          name,
          ['一', '二', '三', '四', '五'].map((v) => record('same', v)),
        );
        const partition = places[0]!.partition;
        const { messages } = await collect({
          topic: name,
          groupId: unique('reader'),
          from: [{ partition, offset: 2 }],
          count: 3,
        });
        expect(messages.map((m) => [m.partition, m.offset, m.value?.toString()])).toEqual([
          [partition, 2, '三'],
          [partition, 3, '四'],
          [partition, 4, '五'],
        ]);
      });

      it('keys, values, headers and tombstones arrive as published, text in any script included', async () => {
        const name = await topic('intact');
        const binary = Buffer.from([0, 1, 2, 255, 254, 0x80]);
        await feed.publish(name, [
          record('资源-1', '六安市政府网站集约化平台管理暂行办法', {
            ce_type: 'published',
            ce_subject: '索引号/2026-00001',
          }),
          { key: '资源-1', value: null, headers: { ce_type: 'withdrawn' } },
          { key: null, value: binary, headers: {} },
        ]);
        const { messages } = await collect({ topic: name, groupId: unique('intact'), count: 3 });
        const byType = (type: string | undefined) => messages.find((m) => m.headers.ce_type === type);
        expect(byType('published')).toMatchObject({
          key: '资源-1',
          headers: { ce_type: 'published', ce_subject: '索引号/2026-00001' },
        });
        expect(byType('published')!.value!.toString('utf8')).toBe('六安市政府网站集约化平台管理暂行办法');
        expect(byType('withdrawn')).toMatchObject({ key: '资源-1', value: null });
        const bytes = messages.find((m) => m.key === null);
        expect(bytes?.value?.equals(binary)).toBe(true);
        for (const m of messages)
          expect(m.timestamp).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z') - 86_400_000e3);
      });
    });

    describe('order per key', () => {
      it('messages of one key arrive in the order published, across publishes and concurrent calls', async () => {
        const name = await topic('order');
        const keys = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
        const published: Array<Promise<unknown>> = [];
        // Twenty publishes started at once from one producer, each a batch that interleaves every key.
        for (let round = 0; round < 20; round++)
          published.push(
            feed.publish(
              name,
              keys.map((key) => record(key, `${key}:${round}`)),
            ),
          );
        await Promise.all(published);
        const { messages } = await collect({ topic: name, groupId: unique('order'), count: 140 });
        expect(messages).toHaveLength(140);
        for (const key of keys) {
          const values = messages.filter((m) => m.key === key).map((m) => m.value!.toString());
          expect(values).toEqual(Array.from({ length: 20 }, (_, round) => `${key}:${round}`));
          expect(new Set(messages.filter((m) => m.key === key).map((m) => m.partition)).size).toBe(1);
        }
        // Within a partition offsets only grow, each message once.
        for (const partition of new Set(messages.map((m) => m.partition))) {
          const offsets = messages.filter((m) => m.partition === partition).map((m) => m.offset);
          expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
          expect(new Set(offsets).size).toBe(offsets.length);
        }
      });
    });

    describe('a failed publish fences off those called behind it', () => {
      it('publishes to the topic called before the failure was known are not written; those after it and other topics go through', async () => {
        // A topic that does not exist yet makes a publish fail where it is written (the writer thread, the broker's
        // metadata), after the publishes behind it were already called.
        const late = unique('late');
        const other = await topic('other');
        const failing = feed.publish(late, [record('k', 'first')]);
        const elsewhere = feed.publish(other, [record('k', 'elsewhere')]);
        const behind = feed.publish(late, [record('k', 'behind')]);
        await expectError(failing, UnknownFeedTopic);
        const fenced = await expectError(behind, PublishFenced);
        expect(fenced).toMatchObject({ code: 'PUBLISH_FENCED', topic: late });
        expect(isTransientError(fenced)).toBe(true);
        await elsewhere;

        // Sent again once the failure is known (here: once the topic exists), in order, they go through.
        await feed.ensureTopic(late);
        await feed.publish(late, [record('k', 'first')]);
        await feed.publish(late, [record('k', 'behind')]);
        const { messages } = await collect({ topic: late, groupId: unique('fence'), count: 2 });
        expect(messages.map((m) => m.value!.toString())).toEqual(['first', 'behind']);
        expect((await feed.endOffsets(late)).reduce((n, p) => n + p.offset, 0)).toBe(2);
      });
    });

    describe('consumer groups', () => {
      it('a group resumes after what it handled; a message whose handling failed is delivered again after a restart', async () => {
        const name = await topic('groups');
        const group = unique('group');
        await feed.publish(name, [record('one-key', 'm0'), record('one-key', 'm1')]);

        // The first consumer handles the two messages there are and stops: both are committed.
        const first = await collect({ topic: name, groupId: group, count: 2 });
        expect(first.messages.map((m) => m.value!.toString())).toEqual(['m0', 'm1']);
        expect((await feed.committedOffsets(name, group)).map((c) => c.offset)).toEqual([2]);
        await feed.publish(
          name,
          ['m2', 'm3', 'm4', 'm5'].map((v) => record('one-key', v)),
        );

        // The second starts right after them, handles m2, and fails on m3 (a crash before it was done).
        const second = await collect({
          topic: name,
          groupId: group,
          count: 10,
          fail: (m) => m.value!.toString() === 'm3',
        });
        expect(second.error).toBeInstanceOf(Error);
        expect(second.messages.map((m) => m.value!.toString())).toEqual(['m2']);
        expect((await feed.committedOffsets(name, group)).map((c) => c.offset)).toEqual([3]);

        // A restarted consumer of the group gets m3 again, and the rest: at least once, no gap.
        const third = await collect({ topic: name, groupId: group, count: 3 });
        expect(third.messages.map((m) => m.value!.toString())).toEqual(['m3', 'm4', 'm5']);
        expect((await feed.committedOffsets(name, group)).map((c) => c.offset)).toEqual([6]);

        // Another group has its own offsets: it reads everything from the start.
        const other = await collect({ topic: name, groupId: unique('other'), count: 6 });
        expect(other.messages).toHaveLength(6);
      });

      it('a new group asked for the latest messages sees only what is published after it is ready', async () => {
        const name = await topic('latest');
        await feed.publish(name, [record('k', 'before')]);
        const seen: string[] = [];
        const consumer = feed.consume({
          topic: name,
          groupId: unique('latest'),
          from: 'latest',
          handle: async (m) => {
            seen.push(m.value!.toString());
          },
        });
        await consumer.ready;
        await feed.publish(name, [record('k', 'after')]);
        const deadline = Date.now() + 20_000;
        while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await consumer.stop();
        expect(seen).toEqual(['after']);
      });

      it('a consumer of a topic nobody created ends with an error', async () => {
        const consumer = feed.consume({ topic: unique('nowhere'), groupId: unique('nowhere'), handle: async () => {} });
        await expectError(consumer.done, UnknownFeedTopic);
      });
    });

    describe('size', () => {
      it('takes a message of one megabyte and hands it back byte for byte', async () => {
        const name = await topic('large');
        const value = Buffer.alloc(1024 * 1024);
        for (let i = 0; i < value.length; i++) value[i] = (i * 31 + 7) % 251;
        await feed.publish(name, [
          { key: 'large', value, headers: { ce_id: 'one-megabyte' } },
          record('large', 'small after it'),
        ]);
        const { messages } = await collect({ topic: name, groupId: unique('large'), count: 2 });
        expect(messages[0]!.value!.length).toBe(value.length);
        expect(messages[0]!.value!.equals(value)).toBe(true);
        expect(messages[1]!.value!.toString()).toBe('small after it');
      });
    });

    describe('bad input', () => {
      it('refuses a bad topic name, a bad record, a header that is not text, a lone surrogate and an oversized message, and writes nothing of the call', async () => {
        const name = await topic('bad');
        const cases: Array<[string, [unknown, unknown], string]> = [
          ['topic with a space', ['bad topic', [record('k', 'v')]], 'topic'],
          ['empty topic', ['', [record('k', 'v')]], 'topic'],
          ['records not a list', [name, 'nope'], 'records'],
          ['record not an object', [name, [record('k', 'ok'), 42]], 'records[1]'],
          ['value a string', [name, [record('k', 'ok'), { key: 'k', value: 'text', headers: {} }]], 'records[1].value'],
          ['key a number', [name, [{ key: 7, value: null, headers: {} }]], 'records[0].key'],
          [
            'header a number',
            [name, [record('k', 'ok'), { key: 'k', value: null, headers: { ce_id: 1 } }]],
            'records[1].headers.ce_id',
          ],
          ['unknown field', [name, [{ key: 'k', value: null, headers: {}, partition: 3 }]], 'records[0].partition'],
          [
            'lone surrogate',
            [name, [record('k', 'ok'), { key: 'k', value: null, headers: { h: 'a\ud800b' } }]],
            'records[1].headers.h',
          ],
          [
            'oversized',
            [name, [record('k', 'ok'), { key: 'k', value: Buffer.alloc(MAX_FEED_MESSAGE_BYTES + 1), headers: {} }]],
            'records[1]',
          ],
        ];
        for (const [label, [topicName, records], path] of cases) {
          const error = await expectError(feed.publish(topicName as string, records as FeedRecord[]), InvalidFeedInput);
          expect(
            error.issues.map((i) => i.path),
            label,
          ).toContain(path);
        }
        expect((await feed.endOffsets(name)).reduce((n, p) => n + p.offset, 0)).toBe(0);
      });

      it('refuses a consumer with a bad group id or a negative offset before it starts', async () => {
        const name = await topic('bad-consumer');
        const handle = async () => {};
        const badGroup = thrown(() => feed.consume({ topic: name, groupId: 'has space', handle }));
        expect(badGroup).toBeInstanceOf(InvalidFeedInput);
        expect((badGroup as InvalidFeedInput).issues[0]!.path).toBe('groupId');
        const badOffset = thrown(() =>
          feed.consume({ topic: name, groupId: unique('g'), from: [{ partition: 0, offset: -1 }], handle }),
        );
        expect((badOffset as InvalidFeedInput).issues[0]!.path).toBe('from[0].offset');
        await expectError(feed.endOffsets('no such/topic'), InvalidFeedInput);
      });
    });
  });
}
