/**
 * Supervision end to end over real HTTP and WebSocket, on the demo sites with the server's clock moved (never
 * waited on): update cycles and the scorecard (R-SUP-1), archived topics (R-SUP-3), availability, public messages
 * (R-SUP-2), checks and work orders (R-SUP-4), and content checks in the review queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupervisionDemo } from '../../infra/demo-platform.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status } }`;
const PUBLISH = `mutation($id: ID!, $columns: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $columns }) { status } }`;
const ADD_COLUMN = `mutation($input: AddColumnInput!) { addColumn(input: $input) { site { id } } }`;
const FRESHNESS = `query($s: ID!) { columnFreshness(siteId: $s) { columnId updateCycle lastPublishedAt blank stale staleAt } }`;
const SCORECARD = `query($s: ID!) { scorecard(siteId: $s) { siteId failed homePageUpdatedAt
  items { item failed count threshold rule evidence { columnId messageId name since lastPublishedAt } }
  availability { kind rule since } } }`;
const MESSAGE_FIELDS = `id siteId category subject question asker { name phone email } status receivedAt workingDays dueDate
  unit extensionReason resourceId answeredAt answeredOnTime overdue unansweredOverThreeMonths`;
const RECEIVE = `mutation($input: ReceiveMessageInput!) { receiveMessage(input: $input) { message { ${MESSAGE_FIELDS} } events } }`;
const EXTEND = `mutation($input: ExtendMessageDeadlineInput!) { extendMessageDeadline(input: $input) { message { dueDate workingDays extensionReason } events } }`;
const ANSWER = `mutation($input: AnswerMessageInput!) { answerMessage(input: $input) { message { status resourceId } events } }`;
const MESSAGES = `query($s: ID!) { messages(siteId: $s) { ${MESSAGE_FIELDS} } }`;
const MESSAGE = `query($id: ID!) { message(id: $id) { ${MESSAGE_FIELDS} } }`;
const WORK_ORDER_FIELDS = `id checkId siteId origin item severity title evidence status openedAt dueDate answeredAt outcome
  answeredOnTime overdue history { step at by detail }`;
const RUN_CHECK = `mutation($input: RunCheckInput!) { runCheck(input: $input) { check { id kind findings } workOrders { ${WORK_ORDER_FIELDS} } } }`;
const WORK_ORDERS = `query($s: ID, $overdue: Boolean) { workOrders(siteId: $s, overdueOnly: $overdue) { ${WORK_ORDER_FIELDS} } }`;

const DAY = 86_400_000;

describe('supervision over HTTP and WebSocket', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};
  const people = ['admin', 'supervisor', 'auditor', 'portal-webmaster', 'portal-editor', 'portal-editor2'];
  for (const site of ['jinan', 'shucheng', 'huoshan', 'portal'])
    for (const role of ['webmaster', 'editor', 'editor2', 'reviewer', 'approver']) people.push(`${site}-${role}`);

  beforeAll(async () => {
    api = await startApiServer();
    await createSupervisionDemo(api.c.platform);
    await api.settle();
    for (const person of [...new Set(people)]) tokens[person] = await api.token(person);
  }, 60_000);
  afterAll(async () => api?.close());

  async function ok<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, who: string) {
    const result = await api.gql<T>(query, variables, tokens[who]);
    expect(result.errors, `${query.slice(0, 70)} by ${who}`).toBeUndefined();
    return result.data!;
  }

  async function refused(query: string, variables: Record<string, unknown>, who: string, code: string) {
    const result = await api.gql(query, variables, tokens[who]);
    expect(result.errors?.[0]?.extensions.code, `${query.slice(0, 70)} by ${who}`).toBe(code);
    return result.errors![0]!;
  }

  /** Drafted, reviewed by three more people and published on a site, at the server's clock. */
  async function publish(site: string, id: string, columns: string[], overrides: Record<string, unknown> = {}) {
    const metadata = sampleMetadata({
      title: `资源 ${id}`,
      ...overrides,
      publisher: PUBLISHERS[site]!.name,
      publisherCode: PUBLISHERS[site]!.code,
    });
    await ok(DRAFT, { input: { resourceId: id, siteId: site, metadata } }, `${site}-editor`);
    await reviewAndPublish(site, id, columns);
  }

  async function reviewAndPublish(site: string, id: string, columns: string[], submit = true) {
    if (submit) await ok(step('submitResource'), { id }, `${site}-editor`);
    await ok(step('passFirstReview'), { id }, `${site}-editor2`);
    await ok(step('passSecondReview'), { id }, `${site}-reviewer`);
    await ok(step('passFinalReview'), { id }, `${site}-approver`);
    await ok(PUBLISH, { id, columns }, `${site}-approver`);
  }

  async function addColumn(siteId: string, columnId: string, channelId: string, updateCycle: string, topic = false) {
    await ok(
      ADD_COLUMN,
      {
        input: {
          siteId,
          channelId,
          columnId,
          name: `栏目${columnId}`,
          path: `/${channelId}/${columnId}`,
          updateCycle,
          topic,
        },
      },
      'admin',
    );
  }

  async function freshness(siteId: string, columnId: string, who = 'supervisor') {
    const data = await ok<{ columnFreshness: Array<Record<string, unknown>> }>(FRESHNESS, { s: siteId }, who);
    return data.columnFreshness.find((c) => c.columnId === columnId);
  }

  async function scorecard(siteId: string, who = 'supervisor') {
    return (await ok<{ scorecard: Scorecard }>(SCORECARD, { s: siteId }, who)).scorecard;
  }

  it('R-SUP-1: a news column goes stale exactly two weeks after its last publication, by the server’s clock', async () => {
    const published = '2026-11-02T02:00:00.000Z';
    api.clock.set(published);
    await addColumn('jinan', 'flash', 'news', 'news');
    expect(await freshness('jinan', 'flash')).toMatchObject({ blank: true, stale: false, lastPublishedAt: null });
    await publish('jinan', 'flash-1', ['flash'], { resourceType: 'article', genre: '新闻', validity: undefined });
    expect(await freshness('jinan', 'flash')).toMatchObject({
      blank: false,
      stale: false,
      lastPublishedAt: published,
      staleAt: '2026-11-16T02:00:00.000Z',
    });
    api.clock.set(new Date(Date.parse(published) + 14 * DAY - 1));
    expect((await freshness('jinan', 'flash'))!.stale).toBe(false);
    api.clock.set(new Date(Date.parse(published) + 14 * DAY));
    expect((await freshness('jinan', 'flash'))!.stale).toBe(true);
  });

  it('R-SUP-1: a site with its columns left unpublished fails the blank-column and home-page veto items, with the evidence', async () => {
    api.clock.set('2026-12-01T04:00:00Z');
    const card = await scorecard('huoshan');
    expect(card.failed).toBe(true);
    const item = (kind: string) => card.items.find((i) => i.item === kind)!;
    expect(item('blank_columns')).toMatchObject({ failed: true, count: 6, threshold: 5, rule: 'R-SUP-1' });
    expect(
      item('blank_columns')
        .evidence.map((e) => e.columnId)
        .sort(),
    ).toEqual(['county-news', 'guides', 'mailbox', 'notices', 'policies', 'towns'].sort());
    expect(item('home_page')).toMatchObject({ failed: true, count: 1 });
    expect(item('stale_columns')).toMatchObject({ failed: false, count: 0 });
    expect(item('unanswered_messages')).toMatchObject({ failed: false, count: 0 });
    // Site staff read their own scorecard; another site's staff do not.
    expect((await scorecard('huoshan', 'huoshan-editor')).failed).toBe(true);
    await refused(SCORECARD, { s: 'huoshan' }, 'jinan-editor', 'FORBIDDEN');
  });

  it('R-SUP-1: a pushed resource accepted into a column and a co-built portal column count as publications', async () => {
    api.clock.set('2026-11-20T02:00:00Z');
    await addColumn('portal', 'county-voices', 'news', 'news');
    await ok(
      `mutation($input: GrantColumnCoBuildingInput!) { grantColumnCoBuilding(input: $input) { site { id } } }`,
      { input: { siteId: 'portal', partnerSiteId: 'jinan', columnIds: ['county-voices'], reason: '县区来稿' } },
      'portal-webmaster',
    );
    const metadata = sampleMetadata({
      title: '金安区来稿',
      publisher: PUBLISHERS.portal!.name,
      publisherCode: PUBLISHERS.portal!.code,
    });
    await ok(
      DRAFT,
      {
        input: {
          resourceId: 'co-built-1',
          siteId: 'portal',
          metadata,
          contributor: { siteId: 'jinan', columnId: 'county-voices' },
        },
      },
      'jinan-editor',
    );
    await ok(step('submitResource'), { id: 'co-built-1' }, 'jinan-editor');
    await ok(step('passFirstReview'), { id: 'co-built-1' }, 'portal-editor');
    await ok(step('passSecondReview'), { id: 'co-built-1' }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id: 'co-built-1' }, 'portal-approver');
    await ok(PUBLISH, { id: 'co-built-1', columns: ['county-voices'] }, 'portal-approver');
    expect((await freshness('portal', 'county-voices'))!.lastPublishedAt).toBe('2026-11-20T02:00:00.000Z');

    api.clock.set('2026-11-21T02:00:00Z');
    await ok(
      `mutation($input: PushResourceInput!) { pushResource(input: $input) { pushId } }`,
      {
        input: { pushId: 'sup-push', resourceId: 'co-built-1', targets: [{ siteId: 'shucheng', columnId: 'notices' }] },
      },
      'portal-approver',
    );
    await ok(
      `mutation { passPushSecondReview(input: { pushId: "sup-push", siteId: "shucheng" }) { pushId } }`,
      {},
      'shucheng-reviewer',
    );
    await ok(
      `mutation { passPushFinalReview(input: { pushId: "sup-push", siteId: "shucheng" }) { pushId } }`,
      {},
      'shucheng-approver',
    );
    api.clock.set('2026-11-21T03:00:00Z');
    await ok(
      `mutation { acceptPush(input: { pushId: "sup-push", siteId: "shucheng" }) { pushId } }`,
      {},
      'shucheng-approver',
    );
    expect((await freshness('shucheng', 'notices'))!.lastPublishedAt).toBe('2026-11-21T03:00:00.000Z');

    const summary = await ok<{ monthlySummary: { publications: Record<string, number> } }>(
      `query { p: monthlySummary(siteId: "portal", month: "2026-11") { publications { total coBuilding push own } } }`.replace(
        'p: ',
        '',
      ),
      {},
      'supervisor',
    );
    expect(summary.monthlySummary.publications.coBuilding).toBe(1);
    const shucheng = await ok<{ monthlySummary: { publications: Record<string, number> } }>(
      `query { monthlySummary(siteId: "shucheng", month: "2026-11") { publications { total push } } }`,
      {},
      'supervisor',
    );
    expect(shucheng.monthlySummary.publications).toEqual({ total: 1, push: 1 });
  });

  it('R-SUP-3: an archived topic leaves the count and stays reachable in the site’s archive area', async () => {
    api.clock.set('2026-11-05T02:00:00Z');
    await addColumn('jinan', 'expo-2026', 'news', 'news', true);
    await publish('jinan', 'expo-1', ['expo-2026'], { title: '2026 茶博会专题报道' });
    await ok(
      `mutation { archiveTopic(input: { siteId: "jinan", columnId: "expo-2026", reason: "专题结束" }) { site { id } } }`,
      {},
      'admin',
    );
    expect(await freshness('jinan', 'expo-2026')).toBeUndefined();
    const area = await ok<{
      archiveArea: Array<{ columnId: string; reason: string; resourceCount: number; resources: Array<{ id: string }> }>;
    }>(
      `query { archiveArea(siteId: "jinan") { columnId reason resourceCount archivedAt resources { id title } } }`,
      {},
      'jinan-editor',
    );
    expect(area.archiveArea).toEqual([
      expect.objectContaining({
        columnId: 'expo-2026',
        reason: '专题结束',
        resourceCount: 1,
        resources: [expect.objectContaining({ id: 'expo-1' })],
      }),
    ]);
  });

  it('R-SITE-4, R-SITE-6: a temporary offline past its planned end and an outage past 72 hours are reported at query time', async () => {
    api.clock.set('2026-11-10T02:00:00Z');
    await ok(
      `mutation { reportOutage(input: { siteId: "huoshan", outageId: "power-1", cause: power_failure, startedAt: "2026-11-10T09:00:00+08:00", reason: "机房停电" }) { site { id } } }`,
      {},
      'huoshan-webmaster',
    );
    const AVAILABILITY = `query { siteAvailability(siteId: "huoshan") { kind rule since } }`;
    api.clock.set('2026-11-13T01:00:00Z');
    expect((await ok<{ siteAvailability: unknown[] }>(AVAILABILITY, {}, 'supervisor')).siteAvailability).toEqual([]);
    api.clock.set('2026-11-13T01:00:01Z');
    expect((await ok<{ siteAvailability: unknown[] }>(AVAILABILITY, {}, 'supervisor')).siteAvailability).toEqual([
      { kind: 'outage_not_converted', rule: 'R-SITE-6', since: '2026-11-13T01:00:00.000Z' },
    ]);
    await ok(
      `mutation { convertOutageToOffline(input: { siteId: "huoshan", outageId: "power-1", until: "2026-11-20", approvedBy: "admin", reason: "转临时下线" }) { site { id } } }`,
      {},
      'admin',
    );
    api.clock.set('2026-11-20T15:59:59Z');
    expect((await ok<{ siteAvailability: unknown[] }>(AVAILABILITY, {}, 'supervisor')).siteAvailability).toEqual([]);
    api.clock.set('2026-11-20T16:00:00Z');
    expect((await ok<{ siteAvailability: unknown[] }>(AVAILABILITY, {}, 'supervisor')).siteAvailability).toEqual([
      { kind: 'offline_past_end', rule: 'R-SITE-4', since: '2026-11-20T16:00:00.000Z' },
    ]);
    await ok(`mutation { bringSiteOnline(input: { siteId: "huoshan", reason: "恢复" }) { site { id } } }`, {}, 'admin');
    expect((await ok<{ siteAvailability: unknown[] }>(AVAILABILITY, {}, 'supervisor')).siteAvailability).toEqual([]);
  });

  const receive = (messageId: string, category: 'simple' | 'normal', who = 'jinan-editor', extra = {}) =>
    ok<{ receiveMessage: { message: Message } }>(
      RECEIVE,
      {
        input: {
          messageId,
          siteId: 'jinan',
          category,
          subject: `咨询 ${messageId}`,
          question: '请问办理居住证需要哪些材料？我叫王小明，电话 13912345678。',
          asker: { name: '王小明', phone: '13912345678' },
          ...extra,
        },
      },
      who,
    );

  it('R-SUP-2: a message’s deadline skips the National Day holiday and counts an adjusted working day', async () => {
    // Friday 26 September 2025, the evening before the break: Sunday 28 September is worked, 1-8 October are off.
    api.clock.set('2025-09-26T21:30:00+08:00');
    expect((await receive('nd-normal', 'normal')).receiveMessage.message).toMatchObject({
      dueDate: '2025-10-10',
      workingDays: 5,
    });
    expect((await receive('nd-simple', 'simple')).receiveMessage.message).toMatchObject({
      dueDate: '2025-09-28',
      workingDays: 1,
    });
    // Thursday 9 October: Saturday 11 October is an adjusted working day, so five working days end on Wednesday 15th.
    api.clock.set('2025-10-09T10:00:00+08:00');
    expect((await receive('nd-saturday', 'normal')).receiveMessage.message).toMatchObject({ dueDate: '2025-10-15' });

    api.clock.set('2025-10-10T23:59:59+08:00');
    expect((await ok<{ message: Message }>(MESSAGE, { id: 'nd-normal' }, 'jinan-editor')).message.overdue).toBe(false);
    api.clock.set('2025-10-11T00:00:00+08:00');
    expect((await ok<{ message: Message }>(MESSAGE, { id: 'nd-normal' }, 'jinan-editor')).message.overdue).toBe(true);
  });

  it('R-SUP-2: an extension is recorded with its reason; one past 10 working days is refused and changes nothing', async () => {
    api.clock.set('2025-10-09T10:00:00+08:00');
    const error = await refused(
      EXTEND,
      { input: { messageId: 'nd-saturday', workingDays: 11, reason: '需多部门会商' } },
      'jinan-approver',
      'EXTENSION_TOO_LONG',
    );
    expect(error.extensions.rule).toBe('R-SUP-2');
    expect(error.extensions.details).toEqual([expect.objectContaining({ path: 'workingDays' })]);
    expect((await ok<{ message: Message }>(MESSAGE, { id: 'nd-saturday' }, 'jinan-editor')).message).toMatchObject({
      dueDate: '2025-10-15',
      workingDays: 5,
    });
    const extended = await ok<{ extendMessageDeadline: { message: Record<string, unknown> } }>(
      EXTEND,
      { input: { messageId: 'nd-saturday', workingDays: 10, reason: '需多部门会商' } },
      'jinan-approver',
    );
    expect(extended.extendMessageDeadline.message).toEqual({
      dueDate: '2025-10-22',
      workingDays: 10,
      extensionReason: '需多部门会商',
    });
  });

  it('R-SUP-2: the answer passes the site’s review and is published as a qa resource; the asker’s details never reach the library or search', async () => {
    api.clock.set('2025-10-13T10:00:00+08:00');
    const answered = await ok<{ answerMessage: { message: { status: string; resourceId: string }; events: string[] } }>(
      ANSWER,
      {
        input: {
          messageId: 'nd-saturday',
          resourceId: 'answer-1',
          answer: '王小明您好：办理居住证需身份证和居住证明。',
          publisher: PUBLISHERS.jinan,
        },
      },
      'jinan-editor',
    );
    expect(answered.answerMessage).toEqual({
      message: { status: 'answer_drafted', resourceId: 'answer-1' },
      events: ['ResourceDrafted', 'ResourceSubmitted'],
    });
    await reviewAndPublish('jinan', 'answer-1', ['mailbox'], false);
    const message = (await ok<{ message: Message }>(MESSAGE, { id: 'nd-saturday' }, 'jinan-editor')).message;
    expect(message).toMatchObject({
      status: 'answered',
      answeredOnTime: true,
      overdue: false,
      asker: { name: '王小明', phone: '13912345678' },
    });

    const resource = await ok<{ resource: { metadata: Record<string, unknown>; resourceType: string } }>(
      `query { resource(id: "answer-1") { resourceType metadata } }`,
      {},
      'shucheng-editor',
    );
    expect(resource.resource.resourceType).toBe('qa');
    const published = JSON.stringify(resource.resource.metadata);
    expect(published).not.toContain('王小明');
    expect(published).not.toContain('13912345678');
    expect(published).toContain('办理居住证');
    for (const text of ['王小明', '13912345678', '"王小明"']) {
      const found = await ok<{ search: { totalCount: number } }>(
        `query($t: String) { search(text: $t) { totalCount } }`,
        { t: text },
        'jinan-editor',
      );
      expect(found.search.totalCount, text).toBe(0);
    }
    // Supervisors follow every message, but who asked stays with the answering site.
    const all = await ok<{ allMessages: Message[] }>(`query { allMessages { id asker { name } } }`, {}, 'supervisor');
    expect(all.allMessages.find((m) => m.id === 'nd-saturday')!.asker).toBeNull();
  });

  it('R-SUP-2: a valid message unanswered for more than three months fails the veto item; a dismissed one does not count', async () => {
    // Both arrived on 26 September 2025 at 21:30; three calendar months later they fail the site.
    api.clock.set('2025-12-26T21:29:59+08:00');
    let item = (await scorecard('jinan')).items.find((i) => i.item === 'unanswered_messages')!;
    expect(item.evidence.map((e) => e.messageId).sort()).toEqual([]);
    api.clock.set('2025-12-26T21:30:00+08:00');
    item = (await scorecard('jinan')).items.find((i) => i.item === 'unanswered_messages')!;
    expect(item.failed).toBe(true);
    expect(item.evidence.map((e) => e.messageId).sort()).toEqual(['nd-normal', 'nd-simple']);
    await ok(
      `mutation { dismissMessage(input: { messageId: "nd-simple", reason: "重复留言" }) { message { status } } }`,
      {},
      'jinan-approver',
    );
    item = (await scorecard('jinan')).items.find((i) => i.item === 'unanswered_messages')!;
    expect(item.evidence.map((e) => e.messageId)).toEqual(['nd-normal']);
  });

  it('R-SUP-4: a work order opened on a Friday before the National Day holiday falls due on the right day by severity', async () => {
    api.clock.set('2025-09-26T10:00:00+08:00');
    const run = await ok<{ runCheck: { check: { findings: number }; workOrders: WorkOrder[] } }>(
      RUN_CHECK,
      {
        input: {
          checkId: 'weekly-2025-39',
          kind: 'weekly',
          siteIds: ['jinan'],
          automatic: false,
          manualFindings: [
            { siteId: 'jinan', severity: 'severe', title: '首页链接失效' },
            { siteId: 'jinan', severity: 'major', title: '政策解读缺失' },
            { siteId: 'jinan', severity: 'minor', title: '错别字', evidence: ['通知公告第3条'] },
          ],
        },
      },
      'supervisor',
    );
    expect(run.runCheck.workOrders.map((w) => [w.severity, w.dueDate])).toEqual([
      ['severe', '2025-09-28'],
      ['major', '2025-09-30'],
      ['minor', '2025-10-10'],
    ]);
    expect(run.runCheck.workOrders[2]).toMatchObject({
      origin: 'manual',
      item: 'manual',
      status: 'open',
      evidence: ['通知公告第3条'],
    });
    await refused(
      RUN_CHECK,
      { input: { checkId: 'by-editor', kind: 'weekly', siteIds: ['jinan'] } },
      'jinan-editor',
      'FORBIDDEN',
    );
  });

  it('R-SUP-4: the site answers, the supervisor closes or reopens, overdue work orders are reported, and the site’s staff are told of a new one', async () => {
    api.clock.set('2026-12-01T02:00:00Z');
    const subscription = api.subscribe(
      `subscription { workOrderOpened(siteId: "huoshan") { id siteId item severity dueDate } }`,
      {},
      tokens['huoshan-editor'],
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await ok<{ runCheck: { workOrders: WorkOrder[] } }>(
      RUN_CHECK,
      { input: { checkId: 'weekly-2026-49', kind: 'weekly', siteIds: ['huoshan'] } },
      'supervisor',
    );
    const items = run.runCheck.workOrders.map((w) => [w.item, w.severity, w.origin]);
    expect(items).toEqual(
      expect.arrayContaining([
        ['blank_columns', 'severe', 'automatic'],
        ['home_page', 'severe', 'automatic'],
      ]),
    );
    const told = (await subscription.next()) as { data: { workOrderOpened: { siteId: string; severity: string } } };
    expect(told.data.workOrderOpened).toMatchObject({ siteId: 'huoshan', severity: 'severe' });
    await subscription.close();

    const blank = run.runCheck.workOrders.find((w) => w.item === 'blank_columns')!;
    expect(blank.dueDate).toBe('2026-12-02');
    api.clock.set('2026-12-02T15:59:59Z');
    expect(
      (await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, { s: 'huoshan', overdue: true }, 'supervisor')).workOrders,
    ).toEqual([]);
    api.clock.set('2026-12-02T16:00:00Z');
    const overdue = (await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, { s: 'huoshan', overdue: true }, 'supervisor'))
      .workOrders;
    expect(overdue.map((w) => w.id).sort()).toEqual(run.runCheck.workOrders.map((w) => w.id).sort());
    const everywhere = (await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, { overdue: true }, 'supervisor')).workOrders;
    const metrics = await api.scrapeMetrics();
    expect(metrics).toMatch(new RegExp(`supervision_overdue_work_orders ${everywhere.length}\\b`));
    expect(metrics).toMatch(/supervision_overdue_messages \d+/);
    expect(metrics).toMatch(/supervision_stale_columns \d+/);

    const ANSWER_WO = `mutation($input: AnswerWorkOrderInput!) { answerWorkOrder(input: $input) { workOrder { status outcome answeredOnTime overdue } events } }`;
    const answered = await ok<{ answerWorkOrder: { workOrder: Record<string, unknown> } }>(
      ANSWER_WO,
      { input: { workOrderId: blank.id, outcome: 'explained', note: '栏目内容正在整理，将于本周内补齐' } },
      'huoshan-approver',
    );
    expect(answered.answerWorkOrder.workOrder).toEqual({
      status: 'answered',
      outcome: 'explained',
      answeredOnTime: false,
      overdue: false,
    });
    await refused(
      `mutation { closeWorkOrder(input: { workOrderId: "${blank.id}" }) { workOrder { status } } }`,
      {},
      'huoshan-approver',
      'FORBIDDEN',
    );
    const reopened = await ok<{ reopenWorkOrder: { workOrder: WorkOrder } }>(
      `mutation { reopenWorkOrder(input: { workOrderId: "${blank.id}", reason: "说明不充分" }) { workOrder { ${WORK_ORDER_FIELDS} } } }`,
      {},
      'supervisor',
    );
    expect(reopened.reopenWorkOrder.workOrder).toMatchObject({
      status: 'reopened',
      dueDate: '2026-12-04',
      overdue: false,
    });
    await ok(
      ANSWER_WO,
      { input: { workOrderId: blank.id, outcome: 'rectified', note: '已补充栏目内容' } },
      'huoshan-editor',
    );
    const closed = await ok<{ closeWorkOrder: { workOrder: WorkOrder } }>(
      `mutation { closeWorkOrder(input: { workOrderId: "${blank.id}", note: "核查通过" }) { workOrder { ${WORK_ORDER_FIELDS} } } }`,
      {},
      'supervisor',
    );
    expect(closed.closeWorkOrder.workOrder.status).toBe('closed');
    expect(closed.closeWorkOrder.workOrder.history.map((h) => h.step)).toEqual([
      'opened',
      'answered',
      'reopened',
      'answered',
      'closed',
    ]);
  });

  it('R-SUP-4: a site sees no other site’s work orders or messages', async () => {
    await refused(WORK_ORDERS, { s: 'huoshan' }, 'jinan-editor', 'FORBIDDEN');
    await refused(MESSAGES, { s: 'jinan' }, 'huoshan-editor', 'FORBIDDEN');
    await refused(MESSAGE, { id: 'nd-normal' }, 'huoshan-editor', 'FORBIDDEN');
    await refused(`query { allMessages { id } }`, {}, 'jinan-approver', 'FORBIDDEN');
    const own = (await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, {}, 'jinan-editor')).workOrders;
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(own.map((w) => w.siteId))).toEqual(new Set(['jinan']));
    expect((await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, {}, 'shucheng-editor')).workOrders).toEqual([]);
    const everything = (await ok<{ workOrders: WorkOrder[] }>(WORK_ORDERS, {}, 'supervisor')).workOrders;
    expect(new Set(everything.map((w) => w.siteId))).toEqual(new Set(['jinan', 'huoshan']));
    const subscription = api.subscribe(
      `subscription { workOrderOpened(siteId: "jinan") { id } }`,
      {},
      tokens['huoshan-editor'],
    );
    const answer = await subscription.next().then(
      (value) => JSON.stringify(value),
      (error: unknown) => JSON.stringify(error) + String((error as Error).message),
    );
    expect(answer).toContain('works on no role of site jinan');
    await subscription.close();
  });

  it('P-art.41: wrong expressions are advisories with their positions in the review queue and for the approver, and a list change re-checks what is in review', async () => {
    api.clock.set('2026-12-01T03:00:00Z');
    const ADD = `mutation($input: AddContentExpressionsInput!) { addContentExpressions(input: $input) { count events } }`;
    const list = {
      expressions: [{ expression: '六安地区行署', kind: 'outdated_name', suggestion: '六安市人民政府' }],
      reason: '机构名称已变更',
    };
    await refused(ADD, { input: list }, 'jinan-approver', 'FORBIDDEN');
    expect(
      (await ok<{ addContentExpressions: { count: number } }>(ADD, { input: list }, 'admin')).addContentExpressions
        .count,
    ).toBe(1);
    const body = '根据六安地区行署的部署，做好冬季安全生产工作。';
    const metadata = sampleMetadata({
      title: '关于冬季安全生产的通知',
      body,
      publisher: PUBLISHERS.jinan!.name,
      publisherCode: PUBLISHERS.jinan!.code,
    });
    await ok(DRAFT, { input: { resourceId: 'checked-1', siteId: 'jinan', metadata } }, 'jinan-editor');
    await ok(step('submitResource'), { id: 'checked-1' }, 'jinan-editor');
    const QUEUE = `query { myReviewQueue { resourceId status contentAdvisories { field expression kind suggestion start end excerpt } } }`;
    const queue = (await ok<{ myReviewQueue: QueueItem[] }>(QUEUE, {}, 'jinan-editor2')).myReviewQueue;
    const advisories = queue.find((q) => q.resourceId === 'checked-1')!.contentAdvisories;
    expect(advisories).toEqual([
      {
        field: 'body',
        expression: '六安地区行署',
        kind: 'outdated_name',
        suggestion: '六安市人民政府',
        start: 2,
        end: 8,
        excerpt: body,
      },
    ]);
    expect(body.slice(2, 8)).toBe('六安地区行署');

    await ok(
      ADD,
      { input: { expressions: [{ expression: '安全生产工作', kind: 'sensitive' }], reason: '测试' } },
      'admin',
    );
    await ok(step('passFirstReview'), { id: 'checked-1' }, 'jinan-editor2');
    await ok(step('passSecondReview'), { id: 'checked-1' }, 'jinan-reviewer');
    const approver = (await ok<{ myReviewQueue: QueueItem[] }>(QUEUE, {}, 'jinan-approver')).myReviewQueue;
    const seen = approver.find((q) => q.resourceId === 'checked-1')!;
    expect(seen.status).toBe('second_review_passed');
    expect(seen.contentAdvisories.map((a) => [a.expression, a.start])).toEqual([
      ['六安地区行署', 2],
      ['安全生产工作', 16],
    ]);
    const checked = await ok<{ checkContent: Array<{ expression: string }> }>(
      `query($t: String!) { checkContent(text: $t) { expression start end } }`,
      { t: '六安地区行署' },
      'jinan-editor',
    );
    expect(checked.checkContent).toEqual([{ expression: '六安地区行署', start: 0, end: 6 }]);
  });
});

const PUBLISHERS: Record<string, { name: string; code: string }> = {
  portal: { name: '六安市人民政府办公室', code: '11341500003089416J' },
  jinan: { name: '六安市金安区人民政府', code: '11341502003144593K' },
  shucheng: { name: '舒城县人民政府', code: '113415230031536722' },
  huoshan: { name: '霍山县人民政府', code: '11341525003178290P' },
};

interface Scorecard {
  siteId: string;
  failed: boolean;
  items: Array<{
    item: string;
    failed: boolean;
    count: number;
    threshold: number;
    rule: string;
    evidence: Array<{ columnId: string | null; messageId: string | null; name: string; since: string }>;
  }>;
}

interface Message {
  id: string;
  dueDate: string;
  workingDays: number;
  overdue: boolean;
  asker: { name: string } | null;
}

interface WorkOrder {
  id: string;
  siteId: string;
  item: string;
  severity: string;
  origin: string;
  status: string;
  dueDate: string;
  history: Array<{ step: string }>;
}

interface QueueItem {
  resourceId: string;
  status: string;
  contentAdvisories: Array<{ expression: string; start: number }>;
}
