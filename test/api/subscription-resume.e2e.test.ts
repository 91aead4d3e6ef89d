/**
 * Subscriptions that resume, over real HTTP and WebSocket: every message carries a cursor; a subscriber that comes
 * back with the last cursor it received gets exactly what it missed, in order, then live messages, without gaps or
 * duplicates; cursors that are foreign, altered or too old are refused with a typed error naming `after`; and one
 * identity holds a bounded number of subscriptions, given back however a subscription ends.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURSOR_SECRET_PURPOSE, CursorCodec } from '../../graphql/live-updates/cursor.js';
import { TOPICS } from '../../graphql/live-updates/topics.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { PROBE, pushSubscriptionStarted } from '../support/push-subscription.js';
import { subscriptionStarted } from '../support/subscription-probe.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status } }`;
const PUBLISH = `mutation($id: ID!, $columns: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $columns }) { status } }`;
const PUSH = `mutation($input: PushResourceInput!) { pushResource(input: $input) { pushId } }`;
const QUEUE = `subscription($after: String) { reviewQueueChanged(siteId: "portal", after: $after) { resourceId status cursor } }`;
const RECEIVED = `subscription($after: String) { pushReceived(siteId: "jinan", after: $after) { pushId resourceId status cursor } }`;

type Sub = ReturnType<ApiServer['subscribe']>;
type Message = { data?: Record<string, Record<string, unknown> & { cursor: string | null }>; errors?: unknown };
type Refusal = Array<{ message: string; extensions: { code: string; details?: Array<{ path: string }> } }>;

const PER_IDENTITY = 3;

describe('subscriptions that resume from a cursor', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiServer({ SUBSCRIPTIONS_PER_IDENTITY: String(PER_IDENTITY), RATE_LIMIT_PER_MINUTE: '100000' });
    for (const person of [
      'portal-editor',
      'portal-editor2',
      'portal-reviewer',
      'portal-approver',
      'portal-webmaster',
      'jinan-reviewer',
      'jinan-editor',
    ])
      tokens[person] = await api.token(person);
  }, 60_000);
  afterAll(async () => api?.close());

  async function ok(query: string, variables: Record<string, unknown>, who: string) {
    const result = await api.gql(query, variables, tokens[who]);
    expect(result.errors, `${query.slice(0, 60)} by ${who}`).toBeUndefined();
    return result.data!;
  }

  const draft = (id: string) =>
    ok(
      DRAFT,
      { input: { resourceId: id, siteId: 'portal', metadata: sampleMetadata({ title: id }) } },
      'portal-editor',
    );

  /** The next message that is not a probe. */
  async function next(sub: Sub, field: string) {
    for (;;) {
      const message = (await sub.next()) as Message;
      expect(message.errors, JSON.stringify(message.errors)).toBeUndefined();
      const payload = message.data![field]!;
      if (payload.resourceId !== PROBE && payload.pushId !== PROBE && payload.id !== PROBE) return payload;
    }
  }

  async function refusal(sub: Sub): Promise<Refusal> {
    // The error reaches a waiting reader as a rejection, a later one as a message.
    const errors = await sub.next().then(
      (message) => (message as { errors?: Refusal }).errors,
      (error: Refusal) => error,
    );
    expect(errors, 'the subscription is refused').toBeDefined();
    return errors!;
  }

  async function queueSubscription(who: string, after?: string) {
    const sub = api.subscribe(QUEUE, after ? { after } : {}, tokens[who]);
    if (!after) await subscriptionStarted(api, sub.next(), 'reviewQueueChanged', 'portal');
    return sub;
  }

  it('a subscriber away for a while resumes from its last cursor: exactly what it missed, in order, then live messages', async () => {
    const first = await queueSubscription('portal-editor');
    await draft('resume-1');
    await draft('resume-2');
    const seen = [await next(first, 'reviewQueueChanged'), await next(first, 'reviewQueueChanged')];
    expect(seen.map((m) => [m.resourceId, m.status])).toEqual([
      ['resume-1', 'draft'],
      ['resume-2', 'draft'],
    ]);
    const cursor = seen[1]!.cursor!;
    expect(cursor.length).toBeLessThan(100);
    await first.close();

    // Away: three changes to the portal's queues.
    await draft('resume-3');
    await ok(step('submitResource'), { id: 'resume-1' }, 'portal-editor');
    await draft('resume-4');
    await api.settle();

    const back = await queueSubscription('portal-editor', cursor);
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await next(back, 'reviewQueueChanged'));
    expect(missed.map((m) => [m.resourceId, m.status])).toEqual([
      ['resume-3', 'draft'],
      ['resume-1', 'submitted'],
      ['resume-4', 'draft'],
    ]);
    // Live after the replay, and nothing twice: the next message is the next change.
    await draft('resume-5');
    await draft('resume-6');
    const live = [await next(back, 'reviewQueueChanged'), await next(back, 'reviewQueueChanged')];
    expect(live.map((m) => m.resourceId)).toEqual(['resume-5', 'resume-6']);
    const cursors = [cursor, ...missed, ...live].map((m) => (typeof m === 'string' ? m : m.cursor!));
    expect(new Set(cursors).size).toBe(cursors.length);

    // Resuming from the middle replays from there: the cursor of resume-1's submission gives resume-4 onwards.
    const middle = await queueSubscription('portal-editor', missed[1]!.cursor!);
    expect((await next(middle, 'reviewQueueChanged')).resourceId).toBe('resume-4');
    expect((await next(middle, 'reviewQueueChanged')).resourceId).toBe('resume-5');
    expect((await next(middle, 'reviewQueueChanged')).resourceId).toBe('resume-6');
    await back.close();
    await middle.close();
  });

  it('writes while the missed messages are replayed fall neither between replay and live nor twice', async () => {
    const first = await queueSubscription('portal-approver');
    await draft('race-0');
    const cursor = (await next(first, 'reviewQueueChanged')).cursor!;
    await first.close();
    const missed = Array.from({ length: 30 }, (_, i) => `race-a${i}`);
    for (const id of missed) await draft(id);
    await api.settle();

    // Resumed while ten more drafts are being written: some land before the replay reads the head, some after.
    const back = await queueSubscription('portal-approver', cursor);
    const during = Array.from({ length: 10 }, (_, i) => `race-b${i}`);
    const writing = (async () => {
      for (const id of during) await draft(id);
    })();
    const received = [];
    for (let i = 0; i < missed.length + during.length; i++) received.push(await next(back, 'reviewQueueChanged'));
    await writing;
    await draft('race-c');
    received.push(await next(back, 'reviewQueueChanged'));
    expect(received.map((m) => m.resourceId)).toEqual([...missed, ...during, 'race-c']);
    await back.close();
  });

  it('a live message that comes late, for a change the replay already sent, is not sent twice', async () => {
    const watcher = await queueSubscription('portal-editor2');
    const first = await queueSubscription('portal-approver');
    await draft('late-0');
    const cursor = (await next(first, 'reviewQueueChanged')).cursor!;
    await first.close();
    const missed = ['late-1', 'late-2', 'late-3', 'late-4'];
    for (const id of missed) await draft(id);
    await next(watcher, 'reviewQueueChanged');
    const sent = [];
    for (const _ of missed) sent.push(await next(watcher, 'reviewQueueChanged'));

    const back = api.subscribe(QUEUE, { after: cursor }, tokens['portal-approver']);
    const arrived = back.next();
    await subscriptionStarted(api, arrived, 'reviewQueueChanged', 'portal');
    // The same messages again, as a live feed lagging behind the replay would publish them.
    const codec = new CursorCodec(api.c.auditSigner.deriveSecret(CURSOR_SECRET_PURPOSE));
    for (const { cursor: c, ...model } of sent)
      await api.app.graphql.pubsub.publish({
        topic: TOPICS.reviewQueueChanged,
        payload: { reviewQueueChanged: { ...model, siteId: 'portal' }, place: codec.decode('reviewQueueChanged', c!) },
      });
    await draft('late-5');
    const received = [(await arrived) as Message]
      .map((m) => m.data!.reviewQueueChanged!)
      .filter((m) => m.resourceId !== PROBE);
    while (received.length < missed.length + 1) received.push(await next(back, 'reviewQueueChanged'));
    expect(received.map((m) => m.resourceId)).toEqual([...missed, 'late-5']);
    await back.close();
    await watcher.close();
  });

  it('R-PUSH-1: a push subscriber that reconnects after a network cut misses nothing', async () => {
    for (const id of ['cut-1', 'cut-2', 'cut-3', 'cut-4']) {
      const metadata = sampleMetadata({ title: id, body: `${id}。全市政府网站集约化平台信息推送。` });
      await ok(DRAFT, { input: { resourceId: id, siteId: 'portal', metadata } }, 'portal-editor');
      await ok(step('submitResource'), { id }, 'portal-editor');
      await ok(step('passFirstReview'), { id }, 'portal-editor2');
      await ok(step('passSecondReview'), { id }, 'portal-reviewer');
      await ok(step('passFinalReview'), { id }, 'portal-approver');
      await ok(PUBLISH, { id, columns: ['city-news'] }, 'portal-approver');
    }
    const push = (id: string) =>
      ok(
        PUSH,
        { input: { pushId: `push-${id}`, resourceId: id, targets: [{ siteId: 'jinan', columnId: 'notices' }] } },
        'portal-editor',
      );

    const inbox = api.subscribe(RECEIVED, {}, tokens['jinan-reviewer']);
    await pushSubscriptionStarted(api, inbox, 'pushReceived', 'jinan');
    await push('cut-1');
    const before = await next(inbox, 'pushReceived');
    expect(before.pushId).toBe('push-cut-1');
    // The network goes: the socket is dropped without a close handshake.
    inbox.client.terminate();

    await push('cut-2');
    await push('cut-3');
    await api.settle();

    const again = api.subscribe(RECEIVED, { after: before.cursor }, tokens['jinan-reviewer']);
    expect((await next(again, 'pushReceived')).pushId).toBe('push-cut-2');
    expect((await next(again, 'pushReceived')).pushId).toBe('push-cut-3');
    await push('cut-4');
    const live = await next(again, 'pushReceived');
    expect(live).toMatchObject({ pushId: 'push-cut-4', resourceId: 'cut-4', status: 'pending' });
    await again.close();
  });

  it('foreign, altered, malformed and too old cursors are refused, naming after, and change nothing', async () => {
    const sub = await queueSubscription('portal-editor2');
    await draft('cursor-1');
    const cursor = (await next(sub, 'reviewQueueChanged')).cursor!;
    await sub.close();
    const head = await api.c.eventStore.headPosition();

    const other = new CursorCodec(randomBytes(32)).encode('reviewQueueChanged', {
      prev: null,
      position: 1,
      ordinal: 0,
      recordedAt: new Date().toISOString(),
    });
    const parts = cursor.split('.');
    parts[2] = (Number.parseInt(parts[2]!, 36) + 1).toString(36);
    const altered = parts.join('.');
    for (const [after, why] of [
      [other, 'another platform'],
      [altered, 'an altered position'],
      ['not-a-cursor', 'malformed'],
      ['x'.repeat(500), 'too long'],
    ]) {
      const refused = await refusal(api.subscribe(QUEUE, { after }, tokens['portal-editor2']));
      expect(refused[0]!.extensions.code, why).toBe('CURSOR_INVALID');
      expect(refused[0]!.extensions.details![0]!.path, why).toBe('reviewQueueChanged.after');
    }
    // A cursor of another subscription field is foreign to this one.
    const refused = await refusal(api.subscribe(RECEIVED, { after: cursor }, tokens['jinan-reviewer']));
    expect(refused[0]!.extensions).toMatchObject({ code: 'CURSOR_INVALID', details: [{ path: 'pushReceived.after' }] });

    api.clock.advance(73 * 3_600_000);
    try {
      const old = await refusal(api.subscribe(QUEUE, { after: cursor }, tokens['portal-editor2']));
      expect(old[0]!.extensions).toMatchObject({
        code: 'CURSOR_TOO_OLD',
        details: [{ path: 'reviewQueueChanged.after' }],
      });
      expect(old[0]!.message).toContain('siteWorkflow');
    } finally {
      api.clock.advance(-73 * 3_600_000);
    }
    expect(await api.c.eventStore.headPosition()).toBe(head);
    // None of the refusals holds a subscription: the identity still opens as many as it may.
    const open = [];
    for (let i = 0; i < PER_IDENTITY; i++) open.push(await queueSubscription('portal-editor2'));
    for (const s of open) await s.close();
  });

  it(`one identity holds at most ${PER_IDENTITY} subscriptions; a stopped or cut one is given back`, async () => {
    const open = [];
    for (let i = 0; i < PER_IDENTITY; i++) open.push(await queueSubscription('portal-webmaster'));
    const refused = await refusal(api.subscribe(QUEUE, {}, tokens['portal-webmaster']));
    expect(refused[0]!.extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Someone else is not affected.
    const other = await queueSubscription('portal-reviewer');
    await other.close();

    await open.pop()!.close();
    open.push(await eventuallySubscribed('portal-webmaster'));
    open.pop()!.client.terminate();
    open.push(await eventuallySubscribed('portal-webmaster'));
    for (const s of open) await s.close();
  });

  /** A subscription once the server has seen an earlier one end (the client's stop reaches it asynchronously). */
  async function eventuallySubscribed(who: string): Promise<Sub> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const sub = api.subscribe(QUEUE, {}, tokens[who]);
      // Either the probe comes back or the refusal does.
      const arrived = sub.next().catch((errors: unknown) => ({ errors }));
      await subscriptionStarted(api, arrived, 'reviewQueueChanged', 'portal');
      const first = (await arrived) as Message;
      if (first && !first.errors) return sub;
      await sub.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the subscription was never given back');
  }
});
