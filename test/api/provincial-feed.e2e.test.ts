/**
 * R-LIB-3 end to end over real HTTP, on the embedded feed: the city portal publishes, corrects and withdraws through
 * GraphQL, and the province's consumer (the HTTP feed client, with the province's credential, long-polling) receives
 * each change as a CloudEvent; what is 不予共享 never appears. The province posts a shared resource, it is searchable
 * in the shared library, and 金安区 reviews and places it; a poison message lands in the dead-letter feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { structuredEvent } from '../../domain/feed/cloud-event.js';
import type { FeedMessage } from '../../domain/feed/feed-port.js';
import { provincialResourceId } from '../../domain/provincial/provincial-resource.js';
import { HttpFeedClient, HttpFeedError } from '../../infra/feed/http/http-feed-client.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { PROVINCE_SOURCE, provincialIndexNumber, provincialMetadata } from '../support/provincial.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status } }`;
const PUBLISH = `mutation($id: ID!, $columns: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $columns }) { status } }`;
const CORRECT = `mutation($id: ID!, $m: JSON!) { correctResource(input: { resourceId: $id, metadata: $m, reason: "更正文字" }) { status } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawResource(input: { resourceId: $id, reason: "政策已调整" }) { status } }`;
const TAKE = `mutation($input: TakeProvincialResourceInput!) {
  takeProvincialResource(input: $input) { pushId resourceId originSiteId targets { siteId stage suggestedColumnId } events }
}`;
const SECOND = `mutation($p: ID!, $s: ID!) { passPushSecondReview(input: { pushId: $p, siteId: $s }) { targets { siteId stage } } }`;
const FINAL = `mutation($p: ID!, $s: ID!) { passPushFinalReview(input: { pushId: $p, siteId: $s }) { targets { siteId stage } } }`;
const ACCEPT = `mutation($p: ID!, $s: ID!) { acceptPush(input: { pushId: $p, siteId: $s }) { targets { siteId stage columnId } } }`;
const RESOURCE = `query($id: ID, $index: String) { resource(id: $id, indexNumber: $index) {
  id siteId indexNumber version title metadata placements { siteId columnId } } }`;
const SEARCH = `query($text: String) { search(text: $text) { totalCount edges { node { id siteId indexNumber title } } } }`;

const OUT = 'luan.library.resources';
const IN = 'anhui.library.shared-resources';
const DEAD = 'anhui.library.shared-resources.dead-letter';
const TYPE = 'cn.gov.luan.library.resource';

describe('R-LIB-3: the provincial feed over HTTP', () => {
  let api: ApiServer;
  let province: HttpFeedClient;
  let credential: string;
  const tokens: Record<string, string> = {};
  /** Where the province's consumer has read up to, per topic. */
  const next: Record<string, number> = {};

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of [
      'portal-editor',
      'portal-editor2',
      'portal-reviewer',
      'portal-approver',
      'jinan-editor',
      'jinan-reviewer',
      'jinan-approver',
    ])
      tokens[person] = await api.token(person);
    credential = api.c.feed.credentials.issue('安徽省政务信息资源库').credential;
    province = new HttpFeedClient(api.url, credential);
  }, 60_000);
  afterAll(async () => api?.close());

  async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, who: string) {
    const result = await api.gql<T>(query, variables, tokens[who]);
    expect(result.errors, `${query.slice(0, 60)} by ${who}`).toBeUndefined();
    return result.data!;
  }

  async function review(id: string) {
    await ok(step('submitResource'), { id }, 'portal-editor');
    await ok(step('passFirstReview'), { id }, 'portal-editor2');
    await ok(step('passSecondReview'), { id }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id }, 'portal-approver');
    await ok(PUBLISH, { id, columns: ['policies'] }, 'portal-approver');
  }

  async function publish(id: string, metadata: Record<string, unknown>) {
    await ok(DRAFT, { input: { resourceId: id, siteId: 'portal', metadata } }, 'portal-editor');
    await review(id);
  }

  /** Long-polls the topic from where the province left off until `count` messages came (or the time is up). */
  async function receive(topic: string, count: number, timeoutMs = 15_000): Promise<FeedMessage[]> {
    const got: FeedMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (got.length < count && Date.now() < deadline) {
      const page = await province.read(topic, next[topic] ?? 0, { waitMs: Math.min(5000, deadline - Date.now()) });
      got.push(...page.messages);
      next[topic] = page.nextOffset;
    }
    return got;
  }

  /** Everything the outbound feed holds once it has taken in every event written so far. */
  async function outboundNow(): Promise<FeedMessage[]> {
    const head = await api.c.eventStore.headPosition();
    if (head !== null) await api.feed.runner.waitFor(head);
    const all: FeedMessage[] = [];
    for await (const m of province.follow(OUT, 0, { untilEnd: true })) all.push(m);
    return all;
  }

  const data = (m: FeedMessage) => JSON.parse(m.value!.toString('utf8'));

  it('R-LIB-3: a publication reaches the province as a CloudEvent as soon as it is published, a correction as a new version, a withdrawal as a withdrawal', async () => {
    await outboundNow().then((all) => {
      next[OUT] = all.length > 0 ? all[all.length - 1]!.offset + 1 : 0;
    });
    // The province is already waiting when the portal publishes: the poll answers with the message.
    const waiting = province.read(OUT, next[OUT]!, { waitMs: 20_000 });
    const metadata = sampleMetadata({
      title: '六安市政务信息资源共享管理办法',
      body: '第一条 为规范政务信息资源共享，制定本办法。',
    });
    await publish('share-1', metadata);
    const first = await waiting;
    expect(first.messages).toHaveLength(1);
    const [published] = first.messages;
    next[OUT] = first.nextOffset;

    const stream = await api.c.eventStore.readStream('resource-share-1');
    const event = stream.find((e) => e.type === 'ResourcePublished')!;
    const { data: resource } = await api.gql<{ resource: { indexNumber: string } }>(
      RESOURCE,
      { id: 'share-1' },
      tokens['portal-editor'],
    );
    expect(published!.key).toBe('share-1');
    expect(published!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: 'https://www.luan.gov.cn/resource-library',
      ce_type: `${TYPE}.published.v1`,
      ce_time: event.metadata.occurredAt,
      ce_subject: resource!.resource.indexNumber,
      ce_position: String(event.position),
      ce_sharing: '无条件共享',
      'content-type': 'application/json; charset=utf-8',
    });
    expect(data(published!)).toMatchObject({
      resourceId: 'share-1',
      indexNumber: resource!.resource.indexNumber,
      siteId: 'portal',
      status: 'published',
      version: 1,
      placements: [{ siteId: 'portal', columnId: 'policies' }],
      metadata: {
        title: '六安市政务信息资源共享管理办法',
        publisher: '六安市人民政府办公室',
        indexNumber: resource!.resource.indexNumber,
        sharing: '无条件共享',
      },
    });
    // As the reference consumer prints it: the JSON event format, data parsed.
    expect(structuredEvent(published!)).toMatchObject({
      specversion: '1.0',
      id: event.id,
      type: `${TYPE}.published.v1`,
      data: { resourceId: 'share-1', version: 1 },
    });

    await ok(CORRECT, { id: 'share-1', m: { ...metadata, summary: '规范全市政务信息资源共享。' } }, 'portal-editor');
    await review('share-1');
    const [corrected] = await receive(OUT, 1);
    expect(corrected!.headers.ce_type).toBe(`${TYPE}.corrected.v1`);
    expect(data(corrected!)).toMatchObject({
      resourceId: 'share-1',
      version: 2,
      metadata: { summary: '规范全市政务信息资源共享。' },
      versions: [{ version: 1 }, { version: 2 }],
    });

    await ok(WITHDRAW, { id: 'share-1' }, 'portal-approver');
    const [withdrawn] = await receive(OUT, 1);
    expect(withdrawn!.key).toBe('share-1');
    expect(withdrawn!.headers).toMatchObject({
      ce_type: `${TYPE}.withdrawn.v1`,
      ce_subject: resource!.resource.indexNumber,
    });
    expect(data(withdrawn!)).toMatchObject({
      resourceId: 'share-1',
      status: 'withdrawn',
      cause: 'withdrawn',
      reason: '政策已调整',
      version: 2,
    });
    // Three changes, three messages, in order, each with its own event's id.
    const mine = (await outboundNow()).filter((m) => m.key === 'share-1');
    expect(mine.map((m) => m.headers.ce_type)).toEqual([
      `${TYPE}.published.v1`,
      `${TYPE}.corrected.v1`,
      `${TYPE}.withdrawn.v1`,
    ]);
    expect(new Set(mine.map((m) => m.headers.ce_id)).size).toBe(3);
  });

  it('R-LIB-3: an archiving reaches the province as the resource, marked archived, with its whole metadata', async () => {
    const body = '第一条 为做好政务信息资源归档工作，制定本规定。第二条 归档资源仍可查询。';
    await publish('archive-1', sampleMetadata({ title: '政务信息资源归档规定', body }));
    await ok(
      `mutation { archiveResource(input: { resourceId: "archive-1", reason: "专题结束" }) { status } }`,
      {},
      'portal-approver',
    );
    const mine = (await outboundNow()).filter((m) => m.key === 'archive-1');
    expect(mine.map((m) => m.headers.ce_type)).toEqual([`${TYPE}.published.v1`, `${TYPE}.archived.v1`]);
    expect(data(mine[1]!)).toMatchObject({
      resourceId: 'archive-1',
      status: 'archived',
      version: 1,
      metadata: { body },
    });
  });

  it('R-LIB-3: a resource marked 不予共享 never appears in the feed; 有条件共享 goes with its condition; a correction to 不予共享 withdraws it from the province', async () => {
    await publish('internal-1', sampleMetadata({ title: '内部工作规程', sharing: '不予共享' }));
    const condition = '仅限省级政务公开目录使用，不得商用';
    await publish(
      'conditional-1',
      sampleMetadata({ title: '有条件共享的资源', sharing: '有条件共享', sharingCondition: condition }),
    );
    await publish('later-internal', sampleMetadata({ title: '后来不再共享的资源' }));
    await ok(
      CORRECT,
      { id: 'later-internal', m: sampleMetadata({ title: '后来不再共享的资源', sharing: '不予共享' }) },
      'portal-editor',
    );
    await review('later-internal');
    // And back: a resource the province does not hold is sent as a publication when it may be shared again.
    await ok(CORRECT, { id: 'internal-1', m: sampleMetadata({ title: '内部工作规程（可共享）' }) }, 'portal-editor');
    await review('internal-1');

    const all = await outboundNow();
    const internal = all.filter((m) => m.key === 'internal-1');
    expect(internal.map((m) => [m.headers.ce_type, data(m).version])).toEqual([[`${TYPE}.published.v1`, 2]]);
    // Not even the title of the version that was 不予共享 leaves the city: the history holds what was sent.
    expect(data(internal[0]!).versions).toEqual([
      expect.objectContaining({ version: 2, title: '内部工作规程（可共享）' }),
    ]);
    expect(all.some((m) => m.value?.toString('utf8').includes('内部工作规程"'))).toBe(false);

    const [conditional] = all.filter((m) => m.key === 'conditional-1');
    expect(conditional!.headers.ce_sharing).toBe('有条件共享');
    expect(data(conditional!).metadata).toMatchObject({ sharing: '有条件共享', sharingCondition: condition });

    const later = all.filter((m) => m.key === 'later-internal');
    expect(later.map((m) => m.headers.ce_type)).toEqual([`${TYPE}.published.v1`, `${TYPE}.withdrawn.v1`]);
    expect(data(later[1]!)).toEqual(
      expect.objectContaining({ cause: 'no-longer-shared', version: 2, status: 'withdrawn' }),
    );
    expect(later[1]!.value!.toString('utf8')).not.toContain('metadata');
  });

  it('R-LIB-3 R-PUSH-1: the province posts a shared resource; it is searchable with its provenance and index number; 金安区 reviews and places it', async () => {
    const indexNumber = provincialIndexNumber(12);
    const metadata = provincialMetadata({ title: '安徽省政务信息资源共享开放管理规定' });
    const accepted = await province.post(IN, [
      {
        specversion: '1.0',
        id: 'ah-msg-0001',
        source: PROVINCE_SOURCE,
        type: 'cn.gov.ah.library.resource.published.v1',
        subject: indexNumber,
        time: '2026-11-20T09:00:00+08:00',
        datacontenttype: 'application/json',
        data: {
          resourceId: 'ah-2026-0012',
          indexNumber,
          version: 1,
          metadata,
          publishedAt: '2026-11-20T09:00:00+08:00',
        },
      },
    ]);
    expect(accepted).toHaveLength(1);
    const id = provincialResourceId(PROVINCE_SOURCE, 'ah-2026-0012');
    await waitUntil(async () => (await api.c.searchIndex.get(id)) !== null);

    const found = await ok<{ search: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }>(
      SEARCH,
      { text: '政务信息资源共享开放' },
      'jinan-editor',
    );
    expect(found.search.edges.map((e) => e.node)).toContainEqual(
      expect.objectContaining({ id, siteId: 'province:anhui', indexNumber }),
    );
    const byIndex = await ok<{ resource: Record<string, unknown> & { metadata: Record<string, unknown> } }>(
      RESOURCE,
      { index: indexNumber },
      'jinan-editor',
    );
    expect(byIndex.resource).toMatchObject({ id, placements: [] });
    expect(byIndex.resource.metadata.source).toMatchObject({ system: PROVINCE_SOURCE, originalId: 'ah-2026-0012' });

    // 金安区 asks for it; it is in no column of 金安 until 金安's own second and final review (R-PUSH-1).
    const take = await ok<{ takeProvincialResource: Record<string, unknown> }>(
      TAKE,
      { input: { pushId: 'take-ah-12', resourceId: id, siteId: 'jinan', columnId: 'notices' } },
      'jinan-editor',
    );
    expect(take.takeProvincialResource).toMatchObject({
      originSiteId: 'province:anhui',
      targets: [{ siteId: 'jinan', stage: 'pending', suggestedColumnId: 'notices' }],
      events: ['ResourcePushed'],
    });
    const refused = await api.gql(ACCEPT, { p: 'take-ah-12', s: 'jinan' }, tokens['jinan-approver']);
    expect(refused.errors?.[0]?.extensions.code).toBe('INVALID_PUSH_STAGE');
    // Whoever asked for it does not review it.
    const self = await api.gql(SECOND, { p: 'take-ah-12', s: 'jinan' }, tokens['jinan-editor']);
    expect(self.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    await ok(SECOND, { p: 'take-ah-12', s: 'jinan' }, 'jinan-reviewer');
    await ok(FINAL, { p: 'take-ah-12', s: 'jinan' }, 'jinan-approver');
    await ok(ACCEPT, { p: 'take-ah-12', s: 'jinan' }, 'jinan-approver');
    await api.settle();
    const placed = await ok<{ resource: { placements: unknown[] } }>(RESOURCE, { id }, 'jinan-editor');
    expect(placed.resource.placements).toEqual([{ siteId: 'jinan', columnId: 'notices' }]);

    // The province's resource never goes back out to the province.
    expect((await outboundNow()).some((m) => m.key === id)).toBe(false);
  });

  it('R-LIB-3: a poison message lands in the dead-letter feed with its reason; nothing of it is written; a duplicate changes nothing', async () => {
    const base = {
      specversion: '1.0',
      source: PROVINCE_SOURCE,
      type: 'cn.gov.ah.library.resource.published.v1',
      datacontenttype: 'application/json',
    };
    const before = await api.c.eventStore.headPosition();
    await province.post(IN, [
      {
        ...base,
        id: 'ah-msg-poison',
        subject: provincialIndexNumber(13),
        data: {
          resourceId: 'ah-2026-0013',
          version: 1,
          metadata: provincialMetadata({ genre: '通知书', publisherCode: '123' }),
        },
      },
      {
        ...base,
        id: 'ah-msg-unknown',
        type: 'cn.gov.ah.library.resource.renamed.v1',
        subject: provincialIndexNumber(14),
        data: {},
      },
      // The first resource's message again, as a redelivery would bring it.
      {
        ...base,
        id: 'ah-msg-0001',
        subject: provincialIndexNumber(12),
        data: { resourceId: 'ah-2026-0012', version: 1, metadata: provincialMetadata() },
      },
    ]);
    const dead = await receive(DEAD, 2);
    expect(dead).toHaveLength(2);
    const [poison, unknown] = dead;
    expect(poison!.headers).toMatchObject({ ce_id: 'ah-msg-poison', dlq_topic: IN });
    const reason = JSON.parse(poison!.headers.dlq_reason!);
    expect(reason.code).toBe('INVALID_METADATA');
    expect(reason.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'metadata.genre',
      'metadata.publisherCode',
    ]);
    expect(poison!.value!.equals(Buffer.from(JSON.stringify(JSON.parse(poison!.value!.toString()))))).toBe(true);
    expect(JSON.parse(unknown!.headers.dlq_reason!)).toMatchObject({ code: 'UNREADABLE_MESSAGE' });

    await waitUntil(async () => api.c.feed.inbound.status().unchanged >= 1);
    // Nothing of the poison message, and nothing of the duplicate, reached the log.
    const after = await api.c.eventStore.readAll({ after: before ?? undefined, maxCount: 1000 });
    expect(after.filter((e) => e.streamId.startsWith('provincial-'))).toEqual([]);
    expect(await api.c.searchIndex.get(provincialResourceId(PROVINCE_SOURCE, 'ah-2026-0013'))).toBeNull();
  });

  it('R-LIB-3: the feed is read only with the province’s credential, and bad requests are refused', async () => {
    const anonymous = await fetch(`${api.url}/feed/topics/${OUT}/messages`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    const personToken = await fetch(`${api.url}/feed/topics/${OUT}/messages`, {
      headers: { authorization: `Bearer ${tokens['portal-editor']}` },
    });
    expect(personToken.status).toBe(401);
    const wrong = new HttpFeedClient(api.url, `${credential.slice(0, -4)}AAAA`);
    await expect(wrong.read(OUT, 0)).rejects.toMatchObject({ status: 401 });
    await expect(province.read('not.served', 0)).rejects.toMatchObject({ status: 404 });
    const bad = await province.read(OUT, -1).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(HttpFeedError);
    expect((bad as HttpFeedError).status).toBe(400);
    // Posting anything but CloudEvents, or to a topic other than the inbound one, is refused and appends nothing.
    const endBefore = (await province.read(IN, 0, { limit: 1 })).endOffset;
    const notEvent = await fetch(`${api.url}/feed/topics/${IN}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(notEvent.status).toBe(400);
    await expect(province.post(OUT, [{ specversion: '1.0', id: 'x', source: 's', type: 't' }])).rejects.toMatchObject({
      status: 404,
    });
    expect((await province.read(IN, 0, { limit: 1 })).endOffset).toBe(endBefore);
    // A revoked credential stops working on the next request.
    const extra = api.c.feed.credentials.issue('临时');
    const revocable = new HttpFeedClient(api.url, extra.credential);
    await revocable.read(OUT, 0, { limit: 1 });
    api.c.feed.credentials.revoke(extra.id);
    await expect(revocable.read(OUT, 0, { limit: 1 })).rejects.toMatchObject({ status: 401 });
  });

  it('R-LIB-3: the last acknowledged position and the lag of both directions are on /metrics and /readyz', async () => {
    const head = (await api.c.eventStore.headPosition())!;
    await api.feed.runner.waitFor(head);
    const metrics = await api.scrapeMetrics();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('feed_outbound_acknowledged_position')).toBeGreaterThanOrEqual(head);
    expect(value('feed_outbound_lag_positions')).toBe(0);
    expect(value('feed_inbound_lag_messages')).toBe(0);
    expect(metrics).toMatch(/^feed_inbound_messages\{outcome="dead_letter"\} 2$/m);
    expect(metrics).toMatch(/^projection_lag_positions\{projection="feed"\} 0$/m);
    const ready = (await (await fetch(`${api.url}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({
      status: 'ready',
      feed: {
        outbound: { topic: OUT, live: true, lag: 0, lastAcknowledgedPosition: expect.any(Number) },
        inbound: { topic: IN, state: 'running', lag: 0, deadLettered: 2 },
      },
    });
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
