/**
 * Finding 1: an open subscription keeps its viewer's right only as long as the viewer has it. Every message a
 * subscription would send is checked against the viewer's roles as their Person stream (or the key's stream) says
 * at that moment, as an HTTP request is; once the right is gone the subscription ends with a typed error, and the
 * message that would have leaked is never sent. One test per subscription field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { pushSubscriptionStarted } from '../support/push-subscription.js';
import { delay, type LiveSubscription, subscribeAs, type WireError } from './clients.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId } }`;
const PUBLISH = `mutation($id: ID!, $c: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $c }) { status } }`;
const PUSH = `mutation($input: PushResourceInput!) { pushResource(input: $input) { pushId } }`;
const DELIVERY = 'pushId siteId originSiteId title status';

/** How long a test waits for the server to end a subscription before it calls the finding reproduced. */
const END_WITHIN_MS = 5_000;

describe('R-PEOPLE-2: open subscriptions are re-authorised at every message', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};
  let drafts = 0;

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of [
      'admin',
      'jinan-webmaster',
      'jinan-editor',
      'jinan-editor2',
      'jinan-reviewer',
      'portal-editor',
      'portal-editor2',
      'portal-reviewer',
      'portal-approver',
      'edu-webmaster',
      'edu-approver',
      'shucheng-editor2',
    ])
      tokens[person] = await api.token(person);
  }, 60_000);
  afterAll(async () => api?.close());

  async function ok(query: string, variables: Record<string, unknown>, who: string) {
    const result = await api.gql(query, variables, tokens[who]);
    expect(result.errors, `${query.slice(0, 50)} by ${who}`).toBeUndefined();
    return result.data!;
  }

  async function draftOnJinan(title: string): Promise<string> {
    const resourceId = `queue-${++drafts}`;
    await ok(DRAFT, { input: { resourceId, siteId: 'jinan', metadata: sampleMetadata({ title }) } }, 'jinan-editor');
    return resourceId;
  }

  /** Drafts on 金安 until the subscription shows one: it is registered and its viewer is entitled. */
  async function warmUp(sub: LiveSubscription): Promise<void> {
    const arrived = sub.next().then(() => true);
    for (let i = 0; i < 50; i++) {
      await draftOnJinan('预热草稿');
      if (await Promise.race([arrived, delay(300, false)])) return;
    }
    throw new Error('the subscription never started');
  }

  async function publishOnPortal(id: string, title: string): Promise<void> {
    await ok(
      DRAFT,
      { input: { resourceId: id, siteId: 'portal', metadata: sampleMetadata({ title }) } },
      'portal-editor',
    );
    await ok(step('submitResource'), { id }, 'portal-editor');
    await ok(step('passFirstReview'), { id }, 'portal-editor2');
    await ok(step('passSecondReview'), { id }, 'portal-reviewer');
    await ok(step('passFinalReview'), { id }, 'portal-approver');
    await ok(PUBLISH, { id, c: ['city-news'] }, 'portal-approver');
  }

  /** The errors that ended the subscription, or null when it was still open after END_WITHIN_MS. */
  const endedBy = (sub: LiveSubscription) => Promise.race([sub.ended, delay<WireError[] | null>(END_WITHIN_MS, null)]);

  const stillOpen = (sub: LiveSubscription) =>
    `the subscription was still open; it had received ${JSON.stringify(sub.received.at(-1))}`;

  const carried = (sub: LiveSubscription, field: string, key: string, value: string) =>
    sub.received.some((m) => (m as { data?: Record<string, Record<string, unknown>> }).data?.[field]?.[key] === value);

  it('R-PEOPLE-2: reviewQueueChanged ends with ROLE_REVOKED once the subscriber’s roles on the site are revoked, and the next draft never reaches them', async () => {
    const sub = subscribeAs(
      api,
      `Bearer ${tokens['jinan-editor2']}`,
      `subscription { reviewQueueChanged(siteId: "jinan") { resourceId title } }`,
    );
    await warmUp(sub);
    await ok(
      `mutation { revokeSiteRole(input: { personId: "jinan-editor2", siteId: "jinan", role: editor, reason: "调离" }) { events } }`,
      {},
      'jinan-webmaster',
    );
    const secret = await draftOnJinan('撤销权限后的草稿');
    const errors = await endedBy(sub);
    expect(errors, stillOpen(sub)).not.toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'ROLE_REVOKED', category: 'FORBIDDEN', rule: 'R-PEOPLE-2' });
    expect(carried(sub, 'reviewQueueChanged', 'resourceId', secret)).toBe(false);
    await sub.close();
  });

  it('R-PEOPLE-2: reviewQueueChanged ends with UNAUTHENTICATED once the subscriber is deactivated', async () => {
    const sub = subscribeAs(
      api,
      `Bearer ${tokens['jinan-reviewer']}`,
      `subscription { reviewQueueChanged(siteId: "jinan") { resourceId title } }`,
    );
    await warmUp(sub);
    await ok(
      `mutation { deactivatePerson(input: { personId: "jinan-reviewer", reason: "离职" }) { events } }`,
      {},
      'admin',
    );
    const secret = await draftOnJinan('注销账号后的草稿');
    const errors = await endedBy(sub);
    expect(errors, stillOpen(sub)).not.toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', category: 'UNAUTHENTICATED' });
    expect(carried(sub, 'reviewQueueChanged', 'resourceId', secret)).toBe(false);
    await sub.close();
  });

  it('R-PEOPLE-2: pushReceived ends with UNAUTHENTICATED once the API key is revoked, and the next push never reaches it', async () => {
    await publishOnPortal('pushed-1', '关于做好年度信息公开工作的通知');
    const created = (await ok(
      `mutation { createApiKey(input: { siteId: "jinan", name: "推送接收" }) { key apiKey { id } } }`,
      {},
      'jinan-webmaster',
    )) as { createApiKey: { key: string; apiKey: { id: string } } };
    const sub = subscribeAs(
      api,
      `ApiKey ${created.createApiKey.key}`,
      `subscription { pushReceived(siteId: "jinan") { ${DELIVERY} } }`,
    );
    await pushSubscriptionStarted(api, sub, 'pushReceived', 'jinan');
    await ok(
      `mutation($id: ID!) { revokeApiKey(input: { keyId: $id, reason: "泄露" }) { apiKey { revoked } } }`,
      { id: created.createApiKey.apiKey.id },
      'jinan-webmaster',
    );
    await ok(
      PUSH,
      { input: { pushId: 'after-revocation', resourceId: 'pushed-1', targets: [{ siteId: 'jinan' }] } },
      'portal-approver',
    );
    const errors = await endedBy(sub);
    expect(errors, stillOpen(sub)).not.toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', category: 'UNAUTHENTICATED' });
    expect(carried(sub, 'pushReceived', 'pushId', 'after-revocation')).toBe(false);
    await sub.close();
  });

  it('R-PEOPLE-2: pushStatusChanged ends with ROLE_REVOKED once the subscriber’s role on the site is revoked', async () => {
    const sub = subscribeAs(
      api,
      `Bearer ${tokens['edu-approver']}`,
      `subscription { pushStatusChanged(siteId: "edu") { ${DELIVERY} } }`,
    );
    await pushSubscriptionStarted(api, sub, 'pushStatusChanged', 'edu');
    await ok(
      `mutation { revokeSiteRole(input: { personId: "edu-approver", siteId: "edu", role: approver, reason: "调离" }) { events } }`,
      {},
      'edu-webmaster',
    );
    await ok(
      PUSH,
      { input: { pushId: 'to-edu', resourceId: 'pushed-1', targets: [{ siteId: 'edu' }] } },
      'portal-approver',
    );
    const errors = await endedBy(sub);
    expect(errors, stillOpen(sub)).not.toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'ROLE_REVOKED', rule: 'R-PEOPLE-2' });
    expect(carried(sub, 'pushStatusChanged', 'pushId', 'to-edu')).toBe(false);
    await sub.close();
  });

  it('R-PEOPLE-2: resourcePublished ends with UNAUTHENTICATED once the subscriber is deactivated', async () => {
    const sub = subscribeAs(
      api,
      `Bearer ${tokens['shucheng-editor2']}`,
      `subscription { resourcePublished(siteId: "portal") { id title } }`,
    );
    // Published resources are shared: until the deactivation, the subscriber receives them.
    const arrived = sub.next().then(() => true);
    for (let i = 0; ; i++) {
      await publishOnPortal(`published-${i}`, '关于印发政府网站管理办法的通知');
      if (await Promise.race([arrived, delay(500, false)])) break;
      if (i > 10) throw new Error('the subscription never started');
    }
    await ok(
      `mutation { deactivatePerson(input: { personId: "shucheng-editor2", reason: "离职" }) { events } }`,
      {},
      'admin',
    );
    await publishOnPortal('after-deactivation', '注销后发布的通知');
    const errors = await endedBy(sub);
    expect(errors, stillOpen(sub)).not.toBeNull();
    expect(errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(carried(sub, 'resourcePublished', 'id', 'after-deactivation')).toBe(false);
    await sub.close();
  });
});
