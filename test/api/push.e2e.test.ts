/**
 * Cross-site push and column co-building end to end, over real HTTP and WebSocket, on the demo sites: the city
 * portal pushes to 金安区 (county portal) and 教育体育局 (department); 舒城县 is taken offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { PROBE, pushSubscriptionStarted } from '../support/push-subscription.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status } }`;
const PUBLISH = `mutation($id: ID!, $columns: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $columns }) { status } }`;
const PUSH = `mutation($input: PushResourceInput!) {
  pushResource(input: $input) { pushId originSiteId important deadline targets { siteId stage suggestedColumnId } events }
}`;
const SECOND = `mutation($p: ID!, $s: ID!) { passPushSecondReview(input: { pushId: $p, siteId: $s }) { targets { siteId stage } } }`;
const FINAL = `mutation($p: ID!, $s: ID!) { passPushFinalReview(input: { pushId: $p, siteId: $s }) { targets { siteId stage } } }`;
const ACCEPT = `mutation($p: ID!, $s: ID!, $c: ID) { acceptPush(input: { pushId: $p, siteId: $s, columnId: $c }) { targets { siteId stage columnId } } }`;
const DECLINE = `mutation($p: ID!, $s: ID!, $r: String!) { declinePush(input: { pushId: $p, siteId: $s, reason: $r }) { targets { siteId stage } } }`;
const DELIVERY =
  'pushId resourceId originSiteId siteId title version status columnId reason important deadline deadlineMet overdue';
const INBOX = `query($s: ID!, $overdue: Boolean) { pushInbox(siteId: $s, overdueOnly: $overdue) { totalCount edges { node { ${DELIVERY} } } } }`;
const OUTBOX = `query($s: ID!) { pushOutbox(siteId: $s) { totalCount edges { node { ${DELIVERY} } } } }`;
const RESOURCE = `query($id: ID!) { resource(id: $id) { id title version placements { siteId columnId } } }`;
const SEARCH_ON = `query($text: String, $sites: [ID!]) { search(text: $text, filters: { siteIds: $sites }) { totalCount edges { node { id } } } }`;

type Delivery = Record<string, unknown> & { status: string; siteId: string; pushId: string };

describe('cross-site push and column co-building over HTTP and WebSocket', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};
  const people = [
    'admin',
    'auditor',
    'portal-webmaster',
    'portal-editor',
    'portal-editor2',
    'portal-reviewer',
    'portal-approver',
    'jinan-editor',
    'jinan-reviewer',
    'jinan-approver',
    'edu-editor',
    'edu-reviewer',
    'edu-approver',
  ];

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of people) tokens[person] = await api.token(person);
  }, 60_000);
  afterAll(async () => api?.close());

  async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, who: string) {
    const result = await api.gql<T>(query, variables, tokens[who]);
    expect(result.errors, `${query.slice(0, 60)} by ${who}`).toBeUndefined();
    return result.data!;
  }

  async function refused(query: string, variables: Record<string, unknown>, who: string, code: string) {
    const result = await api.gql(query, variables, tokens[who]);
    expect(result.errors?.[0]?.extensions.code, `${query.slice(0, 60)} by ${who}`).toBe(code);
    return result.errors![0]!;
  }

  /** A resource published on the portal by four of its people. */
  async function publishOnPortal(id: string, title: string) {
    const metadata = sampleMetadata({ title, body: `${title}。全市政府网站集约化平台信息推送。` });
    await ok(DRAFT, { input: { resourceId: id, siteId: 'portal', metadata } }, 'portal-editor');
    await ok(step('submitResource'), { id }, 'portal-editor');
    await ok(step('passFirstReview'), { id }, 'portal-editor2');
    await ok(step('passSecondReview'), { id }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id }, 'portal-approver');
    await ok(PUBLISH, { id, columns: ['city-news'] }, 'portal-approver');
  }

  async function inbox(siteId: string, who: string, overdue?: boolean) {
    const data = await ok<{ pushInbox: { edges: Array<{ node: Delivery }> } }>(INBOX, { s: siteId, overdue }, who);
    return data.pushInbox.edges.map((e) => e.node);
  }

  /** Collects a subscription's messages until `done` says it has what it waits for. */
  async function collect(
    sub: { next(): Promise<Record<string, unknown>> },
    field: string,
    done: (d: Delivery[]) => boolean,
  ) {
    const seen: Delivery[] = [];
    while (!done(seen)) {
      const message = (await sub.next()) as { data?: Record<string, Delivery>; errors?: unknown };
      expect(message.errors).toBeUndefined();
      const delivery = message.data![field]!;
      if (delivery.pushId !== PROBE) seen.push(delivery);
    }
    return seen;
  }

  it('R-PUSH-1 R-PUSH-2 R-LIB-1: the portal pushes to two sites; 金安 receives it live, reviews and accepts; 教育 declines; one resource, placed on both', async () => {
    await publishOnPortal('shared-1', '关于做好政府网站集约化平台信息推送工作的通知');
    const received = api.subscribe(
      `subscription { pushReceived(siteId: "jinan") { ${DELIVERY} } }`,
      {},
      tokens['jinan-reviewer'],
    );
    const origin = api.subscribe(
      `subscription { pushStatusChanged(siteId: "portal") { ${DELIVERY} } }`,
      {},
      tokens['portal-approver'],
    );
    await pushSubscriptionStarted(api, received, 'pushReceived', 'jinan');
    await pushSubscriptionStarted(api, origin, 'pushStatusChanged', 'portal');

    const pushed = await ok<{ pushResource: Record<string, unknown> }>(
      PUSH,
      {
        input: {
          pushId: 'push-1',
          resourceId: 'shared-1',
          targets: [{ siteId: 'jinan', columnId: 'notices' }, { siteId: 'edu' }],
          note: '请及时转载',
        },
      },
      'portal-approver',
    );
    expect(pushed.pushResource).toMatchObject({
      pushId: 'push-1',
      originSiteId: 'portal',
      important: false,
      deadline: null,
      targets: [
        { siteId: 'jinan', stage: 'pending', suggestedColumnId: 'notices' },
        { siteId: 'edu', stage: 'pending', suggestedColumnId: null },
      ],
      events: ['ResourcePushed'],
    });

    // 金安's push subscriber learns of it over WebSocket, and can query it at once.
    const [arrived] = await collect(received, 'pushReceived', (d) => d.length === 1);
    expect(arrived).toMatchObject({
      pushId: 'push-1',
      resourceId: 'shared-1',
      originSiteId: 'portal',
      siteId: 'jinan',
      status: 'pending',
      title: '关于做好政府网站集约化平台信息推送工作的通知',
    });
    expect((await inbox('jinan', 'jinan-reviewer'))[0]).toMatchObject({ pushId: 'push-1', status: 'pending' });

    // Not in 金安's site yet: it appears only after 金安's own review (R-PUSH-1).
    await ok(SECOND, { p: 'push-1', s: 'jinan' }, 'jinan-reviewer');
    await ok(FINAL, { p: 'push-1', s: 'jinan' }, 'jinan-approver');
    const accepted = await ok<{ acceptPush: { targets: unknown[] } }>(
      ACCEPT,
      { p: 'push-1', s: 'jinan' },
      'jinan-approver',
    );
    expect(accepted.acceptPush.targets).toContainEqual({ siteId: 'jinan', stage: 'accepted', columnId: 'notices' });
    await ok(DECLINE, { p: 'push-1', s: 'edu', r: '与本单位职能无关' }, 'edu-reviewer');

    // The origin's subscriber follows every step at both sites.
    const changes = await collect(
      origin,
      'pushStatusChanged',
      (d) => d.some((x) => x.status === 'accepted') && d.some((x) => x.status === 'declined'),
    );
    expect(changes.map((c) => [c.siteId, c.status])).toEqual([
      ['jinan', 'pending'],
      ['edu', 'pending'],
      ['jinan', 'second_review_passed'],
      ['jinan', 'final_review_passed'],
      ['jinan', 'accepted'],
      ['edu', 'declined'],
    ]);

    await api.settle();
    // R-LIB-1: one library resource, placed on the portal and on 金安; never a copy.
    const resource = await ok<{ resource: { placements: unknown[] } }>(RESOURCE, { id: 'shared-1' }, 'edu-editor');
    expect(resource.resource.placements).toEqual([
      { siteId: 'portal', columnId: 'city-news' },
      { siteId: 'jinan', columnId: 'notices' },
    ]);
    const everywhere = await ok<{ search: { totalCount: number } }>(SEARCH_ON, { text: '信息推送工作' }, 'edu-editor');
    expect(everywhere.search.totalCount).toBe(1);
    const onJinan = await ok<{ search: { edges: Array<{ node: { id: string } }> } }>(
      SEARCH_ON,
      { text: '信息推送工作', sites: ['jinan'] },
      'edu-editor',
    );
    expect(onJinan.search.edges.map((e) => e.node.id)).toEqual(['shared-1']);
    const onEdu = await ok<{ search: { totalCount: number } }>(
      SEARCH_ON,
      { text: '信息推送工作', sites: ['edu'] },
      'edu-editor',
    );
    expect(onEdu.search.totalCount).toBe(0);

    const outbox = await ok<{ pushOutbox: { edges: Array<{ node: Delivery }> } }>(
      OUTBOX,
      { s: 'portal' },
      'portal-editor',
    );
    expect(outbox.pushOutbox.edges.map((e) => [e.node.siteId, e.node.status, e.node.columnId, e.node.reason])).toEqual(
      expect.arrayContaining([
        ['jinan', 'accepted', 'notices', null],
        ['edu', 'declined', null, '与本单位职能无关'],
      ]),
    );
    await received.close();
    await origin.close();
  });

  it('R-PUSH-1: a correction of the original reaches every placement; its withdrawal removes it everywhere and tells the receiving sites', async () => {
    const watch = api.subscribe(
      `subscription { pushStatusChanged(siteId: "jinan") { ${DELIVERY} } }`,
      {},
      tokens['jinan-approver'],
    );
    await pushSubscriptionStarted(api, watch, 'pushStatusChanged', 'jinan');
    await ok(
      `mutation($input: CorrectResourceInput!) { correctResource(input: $input) { status } }`,
      {
        input: {
          resourceId: 'shared-1',
          metadata: sampleMetadata({
            title: '关于做好政府网站集约化平台信息推送工作的通知（修订）',
            body: '修订后的正文。',
          }),
          reason: '标题有误',
        },
      },
      'portal-editor',
    );
    await ok(step('submitResource'), { id: 'shared-1' }, 'portal-editor');
    await ok(step('passFirstReview'), { id: 'shared-1' }, 'portal-editor2');
    await ok(step('passSecondReview'), { id: 'shared-1' }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id: 'shared-1' }, 'portal-approver');
    await ok(PUBLISH, { id: 'shared-1' }, 'portal-approver');
    await api.settle();
    const corrected = await ok<{ resource: { title: string; version: number; placements: unknown[] } }>(
      RESOURCE,
      { id: 'shared-1' },
      'jinan-editor',
    );
    expect(corrected.resource).toMatchObject({
      title: '关于做好政府网站集约化平台信息推送工作的通知（修订）',
      version: 2,
      placements: [
        { siteId: 'portal', columnId: 'city-news' },
        { siteId: 'jinan', columnId: 'notices' },
      ],
    });
    expect((await inbox('jinan', 'jinan-editor'))[0]).toMatchObject({ title: corrected.resource.title, version: 2 });

    await ok(
      `mutation { withdrawResource(input: { resourceId: "shared-1", reason: "政策已废止" }) { status } }`,
      {},
      'portal-approver',
    );
    const [told] = await collect(watch, 'pushStatusChanged', (d) => d.length === 1);
    expect(told).toMatchObject({ pushId: 'push-1', siteId: 'jinan', status: 'withdrawn', reason: '政策已废止' });
    await api.settle();
    expect((await ok<{ resource: unknown }>(RESOURCE, { id: 'shared-1' }, 'jinan-editor')).resource).toBeNull();
    const onJinan = await ok<{ search: { totalCount: number } }>(
      SEARCH_ON,
      { text: '信息推送工作', sites: ['jinan'] },
      'jinan-editor',
    );
    expect(onJinan.search.totalCount).toBe(0);
    await watch.close();
  });

  it('R-PUSH-1: a temporarily offline or closed site cannot receive pushes, and nothing is written', async () => {
    await publishOnPortal('shared-2', '关于开展政府网站年度报表工作的通知');
    await ok(
      `mutation { takeSiteOffline(input: { siteId: "shucheng", from: "2026-11-20", until: "2026-12-10", approvedBy: "admin", reason: "改版" }) { site { status } } }`,
      {},
      'admin',
    );
    const error = await refused(
      PUSH,
      { input: { pushId: 'push-2', resourceId: 'shared-2', targets: [{ siteId: 'jinan' }, { siteId: 'shucheng' }] } },
      'portal-approver',
      'SITE_OFFLINE',
    );
    expect(error.extensions.details).toEqual([{ path: 'targets.1.siteId', message: 'offline' }]);
    expect((await api.c.platform.reader.pushOffer('push-2')).exists).toBe(false);
    await refused(
      PUSH,
      { input: { pushId: 'push-2', resourceId: 'shared-2', targets: [{ siteId: 'portal' }] } },
      'portal-approver',
      'PUSH_TO_SELF',
    );
    await refused(
      PUSH,
      { input: { pushId: 'push-2', resourceId: 'no-such-resource', targets: [{ siteId: 'jinan' }] } },
      'portal-approver',
      'NOT_FOUND',
    );
  });

  it('role boundaries: only the resource’s site pushes, only the receiving site reviews and accepts, inboxes are the site’s own', async () => {
    await refused(
      PUSH,
      { input: { pushId: 'push-3', resourceId: 'shared-2', targets: [{ siteId: 'edu' }] } },
      'jinan-approver',
      'FORBIDDEN',
    );
    await ok(
      PUSH,
      { input: { pushId: 'push-3', resourceId: 'shared-2', targets: [{ siteId: 'jinan' }] } },
      'portal-editor',
    );
    await refused(SECOND, { p: 'push-3', s: 'jinan' }, 'edu-reviewer', 'FORBIDDEN');
    await refused(SECOND, { p: 'push-3', s: 'jinan' }, 'jinan-editor', 'FORBIDDEN');
    await refused(ACCEPT, { p: 'push-3', s: 'jinan' }, 'jinan-approver', 'INVALID_PUSH_STAGE');
    await refused(SECOND, { p: 'push-3', s: 'jinan' }, 'auditor', 'FORBIDDEN');
    // Recalled by the pushing site: closed at 金安, and nothing is left to recall.
    const RECALL = `mutation { recallPush(input: { pushId: "push-3", reason: "推送有误" }) { targets { siteId stage } events } }`;
    await refused(RECALL, {}, 'jinan-approver', 'FORBIDDEN');
    expect((await ok<{ recallPush: unknown }>(RECALL, {}, 'portal-editor')).recallPush).toEqual({
      targets: [{ siteId: 'jinan', stage: 'recalled' }],
      events: ['PushRecalled'],
    });
    await refused(RECALL, {}, 'portal-editor', 'NOTHING_TO_RECALL');
    await refused(SECOND, { p: 'push-3', s: 'jinan' }, 'jinan-reviewer', 'INVALID_PUSH_STAGE');
    await refused(INBOX, { s: 'jinan' }, 'edu-editor', 'FORBIDDEN');
    expect((await inbox('jinan', 'auditor')).map((d) => d.pushId)).toContain('push-3');

    // A site's own API key reads its inbox (push subscribers are often machines); not another site's.
    const created = await ok<{ createApiKey: { key: string } }>(
      `mutation { createApiKey(input: { siteId: "jinan", name: "信息推送接收" }) { key } }`,
      {},
      'admin',
    );
    const withKey = async (siteId: string) => {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `ApiKey ${created.createApiKey.key}` },
        body: JSON.stringify({ query: INBOX, variables: { s: siteId } }),
      });
      return (await response.json()) as {
        data: { pushInbox: { totalCount: number } } | null;
        errors?: Array<{ extensions: { code: string } }>;
      };
    };
    expect((await withKey('jinan')).data!.pushInbox.totalCount).toBeGreaterThan(0);
    expect((await withKey('edu')).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('R-PUSH-4: the portal opens a column to 金安; 金安’s editor submits there, the portal reviews and publishes; revoked, it is closed again', async () => {
    const GRANT = `mutation($columns: [ID!]!) { grantColumnCoBuilding(input: { siteId: "portal", partnerSiteId: "jinan", columnIds: $columns, reason: "县区动态共建" }) { site { coBuilding { partnerSiteId columnIds } } events } }`;
    await refused(GRANT, { columns: ['city-news'] }, 'jinan-approver', 'FORBIDDEN');
    const granted = await ok<{ grantColumnCoBuilding: { site: { coBuilding: unknown[] } } }>(
      GRANT,
      { columns: ['city-news'] },
      'portal-webmaster',
    );
    expect(granted.grantColumnCoBuilding.site.coBuilding).toEqual([
      { partnerSiteId: 'jinan', columnIds: ['city-news'] },
    ]);

    const contributed = { siteId: 'jinan', columnId: 'city-news' };
    const metadata = sampleMetadata({ title: '金安区开展政务公开日活动', body: '金安区组织开展政务公开日活动。' });
    await ok(
      DRAFT,
      { input: { resourceId: 'cobuilt-1', siteId: 'portal', metadata, contributor: contributed } },
      'jinan-editor',
    );
    await ok(step('submitResource'), { id: 'cobuilt-1' }, 'jinan-editor');
    // The sub-site follows its submission; the review is the portal's (R-PUSH-4).
    await api.settle();
    const followed = await ok<{
      siteWorkflow: Array<{ resourceId: string; siteId: string; contributorSiteId: string }>;
    }>(`query { siteWorkflow(siteId: "jinan") { resourceId siteId contributorSiteId status } }`, {}, 'jinan-editor');
    expect(followed.siteWorkflow).toContainEqual(
      expect.objectContaining({ resourceId: 'cobuilt-1', siteId: 'portal', contributorSiteId: 'jinan' }),
    );
    await refused(step('passFirstReview'), { id: 'cobuilt-1' }, 'jinan-editor', 'FORBIDDEN');
    await ok(step('passFirstReview'), { id: 'cobuilt-1' }, 'portal-editor');
    await ok(step('passSecondReview'), { id: 'cobuilt-1' }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id: 'cobuilt-1' }, 'portal-approver');
    await ok(PUBLISH, { id: 'cobuilt-1' }, 'portal-approver');
    await api.settle();
    const published = await ok<{ resource: { placements: unknown[] } }>(RESOURCE, { id: 'cobuilt-1' }, 'edu-editor');
    expect(published.resource.placements).toEqual([{ siteId: 'portal', columnId: 'city-news' }]);

    await ok(
      `mutation { revokeColumnCoBuilding(input: { siteId: "portal", partnerSiteId: "jinan", columnIds: ["city-news"], reason: "共建结束" }) { events } }`,
      {},
      'portal-webmaster',
    );
    const error = await refused(
      DRAFT,
      { input: { resourceId: 'cobuilt-2', siteId: 'portal', metadata, contributor: contributed } },
      'jinan-editor',
      'CO_BUILDING_NOT_GRANTED',
    );
    expect(error.extensions.rule).toBe('R-PUSH-4');
  });

  it('R-PUSH-3: an important push from a higher-level site that nobody accepts within 12 hours shows as overdue', async () => {
    await publishOnPortal('urgent-1', '关于做好寒潮天气防范应对工作的紧急通知');
    const pushed = await ok<{ pushResource: { deadline: string } }>(
      PUSH,
      {
        input: {
          pushId: 'push-urgent',
          resourceId: 'urgent-1',
          targets: [
            { siteId: 'edu', columnId: 'notices' },
            { siteId: 'jinan', columnId: 'notices' },
          ],
          important: true,
        },
      },
      'portal-approver',
    );
    const pushedAt = api.clock.now().getTime();
    expect(Date.parse(pushed.pushResource.deadline) - pushedAt).toBeGreaterThan(12 * 3_600_000 - 60_000);
    // 金安 takes it within the hour.
    api.clock.advance(3_600_000);
    await ok(SECOND, { p: 'push-urgent', s: 'jinan' }, 'jinan-reviewer');
    await ok(FINAL, { p: 'push-urgent', s: 'jinan' }, 'jinan-approver');
    await ok(ACCEPT, { p: 'push-urgent', s: 'jinan' }, 'jinan-approver');
    await api.settle();
    expect(await inbox('edu', 'edu-reviewer', true)).toEqual([]);

    // Twelve hours pass (the server's clock, not the test's patience).
    api.clock.advance(11 * 3_600_000 + 60_000);
    const overdue = await inbox('edu', 'edu-reviewer', true);
    expect(overdue.map((d) => [d.pushId, d.status, d.overdue, d.deadlineMet])).toEqual([
      ['push-urgent', 'pending', true, null],
    ]);
    const report = await ok<{ pushDeliveries: { edges: Array<{ node: Delivery }> } }>(
      `query { pushDeliveries(overdueOnly: true) { edges { node { ${DELIVERY} } } } }`,
      {},
      'auditor',
    );
    expect(report.pushDeliveries.edges.map((e) => [e.node.pushId, e.node.siteId])).toEqual([['push-urgent', 'edu']]);
    const metrics = await api.scrapeMetrics();
    expect(metrics).toMatch(/^push_overdue_deliveries 1$/m);
    const jinan = (await inbox('jinan', 'jinan-editor')).find((d) => d.pushId === 'push-urgent');
    expect(jinan).toMatchObject({ status: 'accepted', deadlineMet: true, overdue: false });

    // Accepted late: taken, and recorded as having missed the deadline.
    await ok(SECOND, { p: 'push-urgent', s: 'edu' }, 'edu-reviewer');
    await ok(FINAL, { p: 'push-urgent', s: 'edu' }, 'edu-approver');
    await ok(ACCEPT, { p: 'push-urgent', s: 'edu' }, 'edu-approver');
    await api.settle();
    expect((await inbox('edu', 'edu-reviewer')).find((d) => d.pushId === 'push-urgent')).toMatchObject({
      status: 'accepted',
      deadlineMet: false,
      overdue: false,
    });
    await refused(
      PUSH,
      { input: { pushId: 'push-up', resourceId: 'urgent-1', targets: [{ siteId: 'jinan' }], important: true } },
      'jinan-approver',
      'FORBIDDEN',
    );
  });
});
