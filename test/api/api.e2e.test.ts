/**
 * The GraphQL API end to end, over real HTTP and WebSocket: the whole review workflow by different people, the
 * error codes, role boundaries (a test per forbidden action), subscriptions, revoked tokens, operations endpoints.
 */
import { readFileSync } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../../graphql/schema/print-schema.js';
import { MAX_QUERY_DEPTH } from '../../graphql/server.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status version events } }`;
const step = (name: string) =>
  `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status events } }`;
const PUBLISH = `mutation($id: ID!, $columns: [ID!]) { publishResource(input: { resourceId: $id, columnIds: $columns }) { resourceId status indexNumber } }`;
const SEARCH = `query($text: String, $first: Int, $after: String) {
  search(text: $text, first: $first, after: $after, facets: [GENRE, SITE]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title indexNumber placements { siteId columnId site { name } } } highlights { title body } }
    facets { facet values { value count } }
  }
}`;

/** A metadata set for the demo city portal's publisher (六安市人民政府办公室). */
const metadata = (overrides: Record<string, unknown> = {}) => sampleMetadata(overrides);

describe('GraphQL API over HTTP and WebSocket', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of [
      'admin',
      'auditor',
      'jinan-editor',
      'jinan-editor2',
      'jinan-reviewer',
      'jinan-approver',
      'jinan-webmaster',
      'shucheng-editor',
      'shucheng-reviewer',
    ]) {
      tokens[person] = await api.token(person);
    }
  }, 60_000);
  afterAll(async () => api?.close());

  async function draft(id: string, overrides: Record<string, unknown> = {}, who = 'jinan-editor') {
    return api.gql(DRAFT, { input: { resourceId: id, siteId: 'jinan', metadata: metadata(overrides) } }, tokens[who]);
  }

  async function publishFlow(id: string, overrides: Record<string, unknown> = {}) {
    expect((await draft(id, overrides)).errors).toBeUndefined();
    for (const [mutation, who] of [
      ['submitResource', 'jinan-editor'],
      ['passFirstReview', 'jinan-editor2'],
      ['passSecondReview', 'jinan-reviewer'],
      ['passFinalReview', 'jinan-approver'],
    ] as const) {
      const result = await api.gql(step(mutation), { id }, tokens[who]);
      expect(result.errors, `${mutation} by ${who}`).toBeUndefined();
    }
    return api.gql<{ publishResource: { indexNumber: string; status: string } }>(
      PUBLISH,
      { id, columns: ['notices'] },
      tokens['jinan-approver'],
    );
  }

  it('the SDL in schema.graphql is the one the server builds', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });

  it('runs the whole review workflow by three people, and the published resource is searchable with its placement', async () => {
    const published = await publishFlow('e2e-1', {
      title: '关于加强政府网站集约化平台建设的通知',
      body: '推进集约化平台统一信息资源库建设。',
    });
    expect(published.errors).toBeUndefined();
    expect(published.data!.publishResource).toMatchObject({
      status: 'published',
      indexNumber: expect.stringMatching(/^11341500003089416J\/2026-\d{5}$/),
    });
    await api.settle();
    const found = await api.gql<{
      search: {
        totalCount: number;
        edges: Array<{ node: { id: string; placements: unknown[] }; highlights: { title: string } }>;
      };
    }>(SEARCH, { text: '集约化' }, tokens['shucheng-editor']);
    expect(found.errors).toBeUndefined();
    expect(found.data!.search.edges[0]!.node).toMatchObject({
      id: 'e2e-1',
      placements: [{ siteId: 'jinan', columnId: 'notices', site: { name: '金安区人民政府' } }],
    });
    expect(found.data!.search.edges[0]!.highlights.title).toContain('<em>');
    const history = await api.gql<{ reviewHistory: Array<{ type: string; actorId: string; actorRole: string }> }>(
      `query { reviewHistory(resourceId: "e2e-1") { type actorId actorRole occurredAt } }`,
      {},
      tokens.auditor,
    );
    expect(history.data!.reviewHistory.map((a) => [a.type, a.actorId, a.actorRole])).toEqual([
      ['ResourceDrafted', 'jinan-editor', 'editor'],
      ['ResourceSubmitted', 'jinan-editor', 'editor'],
      ['FirstReviewPassed', 'jinan-editor2', 'editor'],
      ['SecondReviewPassed', 'jinan-reviewer', 'reviewer'],
      ['FinalReviewPassed', 'jinan-approver', 'approver'],
      ['ResourcePublished', 'jinan-approver', 'approver'],
    ]);
  });

  it('a subscriber receives a publication over WebSocket', async () => {
    const subscription = api.subscribe(
      `subscription { resourcePublished(siteId: "jinan") { id title } }`,
      {},
      tokens['shucheng-reviewer'],
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await publishFlow('e2e-sub', { title: '推送订阅测试通知' });
    const message = await subscription.next();
    expect(message).toMatchObject({ data: { resourcePublished: { id: 'e2e-sub', title: '推送订阅测试通知' } } });
    await subscription.close();
  });

  describe('error codes', () => {
    it('BAD_USER_INPUT with field details, and nothing written', async () => {
      const head = await api.c.eventStore.headPosition();
      const result = await draft('bad-1', { title: '', genre: '不存在的文种' });
      expect(result.errors![0]!.extensions).toMatchObject({ code: 'INVALID_METADATA', category: 'BAD_USER_INPUT' });
      expect(result.errors![0]!.extensions.details!.map((d) => d.path).sort()).toEqual([
        'metadata.genre',
        'metadata.title',
      ]);
      expect(await api.c.eventStore.headPosition()).toBe(head);
      const malformed = await api.gql('query { search(first: "many") { totalCount } }', {}, tokens.admin);
      expect(malformed.status).toBe(400);
      expect(malformed.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
      const search = await api.gql(SEARCH, { text: '"未闭合的引号' }, tokens.admin);
      expect(search.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    });

    it('UNAUTHENTICATED without a token, with a bad token, and for an unknown person', async () => {
      expect((await draft('anon-1', {}, 'nobody')).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      const forged = await api.gql(SEARCH, { text: '通知' }, `${tokens.admin}x`);
      expect(forged.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect((await api.gql(SEARCH, { text: '通知' })).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      const stranger = await api.gql(SEARCH, { text: '通知' }, await api.token('stranger'));
      expect(stranger.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    });

    it('NOT_FOUND and CONFLICT', async () => {
      const missing = await api.gql(step('submitResource'), { id: 'no-such' }, tokens['jinan-editor']);
      expect(missing.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', category: 'NOT_FOUND' });
      await draft('twice');
      const again = await draft('twice');
      expect(again.errors![0]!.extensions).toMatchObject({ code: 'ALREADY_EXISTS', category: 'CONFLICT' });
    });

    it('domain codes: SELF_REVIEW_FORBIDDEN (R-REVIEW-2) and INVALID_REVIEW_STAGE (R-REVIEW-1)', async () => {
      await api.gql(
        `mutation { grantSiteRole(input: { personId: "jinan-reviewer", siteId: "jinan", role: editor, reason: "兼任" }) { events } }`,
        {},
        tokens.admin,
      );
      await draft('self', {}, 'jinan-reviewer');
      const early = await api.gql(step('passSecondReview'), { id: 'self' }, tokens['jinan-reviewer']);
      expect(early.errors![0]!.extensions).toMatchObject({ code: 'INVALID_REVIEW_STAGE', rule: 'R-REVIEW-1' });
      await api.gql(step('submitResource'), { id: 'self' }, tokens['jinan-reviewer']);
      await api.gql(step('passFirstReview'), { id: 'self' }, tokens['jinan-editor']);
      const own = await api.gql(step('passSecondReview'), { id: 'self' }, tokens['jinan-reviewer']);
      expect(own.errors![0]!.extensions).toMatchObject({
        code: 'SELF_REVIEW_FORBIDDEN',
        category: 'FORBIDDEN',
        rule: 'R-REVIEW-2',
      });
    });

    it('no stack trace or internals leak', async () => {
      const result = await api.gql(step('passSecondReview'), { id: 'self' }, tokens['jinan-reviewer']);
      expect(JSON.stringify(result)).not.toMatch(/at .*\.ts:\d+|node_modules|stack/);
    });
  });

  describe('role boundaries (R-SEC-2, R-PEOPLE-1)', () => {
    const WORKFLOW = `query($site: ID!) { siteWorkflow(siteId: $site) { resourceId status } }`;

    it('another site’s staff cannot see this site’s drafts and queues', async () => {
      const result = await api.gql(WORKFLOW, { site: 'jinan' }, tokens['shucheng-editor']);
      expect(result.errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('the site’s own staff see them', async () => {
      await draft('visible-draft');
      await api.settle();
      const result = await api.gql<{ siteWorkflow: Array<{ resourceId: string }> }>(
        WORKFLOW,
        { site: 'jinan' },
        tokens['jinan-reviewer'],
      );
      expect(result.data!.siteWorkflow.map((i) => i.resourceId)).toContain('visible-draft');
    });

    it('an auditor reads everything but changes nothing', async () => {
      expect((await api.gql(WORKFLOW, { site: 'jinan' }, tokens.auditor)).errors).toBeUndefined();
      expect(
        (await api.gql(step('submitResource'), { id: 'visible-draft' }, tokens.auditor)).errors![0]!.extensions.code,
      ).toBe('FORBIDDEN');
      const open = await api.gql(
        `mutation { bringSiteOnline(input: { siteId: "jinan", reason: "x" }) { events } }`,
        {},
        tokens.auditor,
      );
      expect(open.errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('an editor cannot pass a second review', async () => {
      await api.gql(step('submitResource'), { id: 'visible-draft' }, tokens['jinan-editor']);
      await api.gql(step('passFirstReview'), { id: 'visible-draft' }, tokens['jinan-editor2']);
      const result = await api.gql(step('passSecondReview'), { id: 'visible-draft' }, tokens['jinan-editor2']);
      expect(result.errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('a reviewer cannot give the final approval', async () => {
      const result = await api.gql(step('passFinalReview'), { id: 'visible-draft' }, tokens['jinan-reviewer']);
      expect(result.errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('staff of another site cannot draft here', async () => {
      expect((await draft('foreign', {}, 'shucheng-editor')).errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('a site administrator cannot open sites or make other site administrators', async () => {
      const grant = await api.gql(
        `mutation { grantSiteRole(input: { personId: "jinan-editor", siteId: "jinan", role: site_admin, reason: "x" }) { events } }`,
        {},
        tokens['jinan-webmaster'],
      );
      expect(grant.errors![0]!.extensions.code).toBe('FORBIDDEN');
    });

    it('only platform administrators and auditors look at other people', async () => {
      expect(
        (await api.gql(`query { person(id: "jinan-editor") { id } }`, {}, tokens['shucheng-editor'])).errors![0]!
          .extensions.code,
      ).toBe('FORBIDDEN');
      expect(
        (await api.gql<{ person: { id: string } }>(`query { person(id: "jinan-editor") { id } }`, {}, tokens.auditor))
          .data!.person.id,
      ).toBe('jinan-editor');
    });

    it('R-PEOPLE-2: a revoked person’s token stops working at once', async () => {
      await api.gql(
        `mutation { registerPerson(input: { personId: "temp", name: "临时" }) { events } }`,
        {},
        tokens.admin,
      );
      await api.gql(
        `mutation { grantSiteRole(input: { personId: "temp", siteId: "jinan", role: editor, reason: "临时" }) { events } }`,
        {},
        tokens.admin,
      );
      const token = await api.token('temp');
      const drafted = await api.gql(
        DRAFT,
        { input: { resourceId: 'temp-1', siteId: 'jinan', metadata: metadata() } },
        token,
      );
      expect(drafted).toMatchObject({ data: { draftResource: { status: 'draft' } } });
      await api.gql(
        `mutation { revokeSiteRole(input: { personId: "temp", siteId: "jinan", role: editor, reason: "调离" }) { events } }`,
        {},
        tokens.admin,
      );
      const revoked = await api.gql(step('submitResource'), { id: 'temp-1' }, token);
      expect(revoked.errors![0]!.extensions.code).toBe('ROLE_REVOKED');
      await api.gql(
        `mutation { deactivatePerson(input: { personId: "temp", reason: "离职" }) { events } }`,
        {},
        tokens.admin,
      );
      const gone = await api.gql(`query { viewer { __typename } }`, {}, token);
      expect(gone.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('platform administration', () => {
    it('outages (R-SITE-6), the subject taxonomy and the working calendar (R-SUP-2) are administered over the API', async () => {
      const reported = await api.gql(
        `mutation { reportOutage(input: { siteId: "jinan", outageId: "o1", cause: power_failure, startedAt: "2026-11-20T08:00:00+08:00", reason: "机房断电" }) { events } }`,
        {},
        tokens['jinan-webmaster'],
      );
      expect(reported.data).toEqual({ reportOutage: { events: ['OutageReported'] } });
      const tooLong = await api.gql(
        `mutation { endOutage(input: { siteId: "jinan", outageId: "o1", endedAt: "2026-11-24T08:00:00+08:00" }) { events } }`,
        {},
        tokens['jinan-webmaster'],
      );
      expect(tooLong.errors![0]!.extensions).toMatchObject({ code: 'OUTAGE_EXCEEDS_72_HOURS', rule: 'R-SITE-6' });
      const converted = await api.gql(
        `mutation { convertOutageToOffline(input: { siteId: "jinan", outageId: "o1", until: "2026-11-30", approvedBy: "admin", reason: "线路抢修" }) { events site { status } } }`,
        {},
        tokens.admin,
      );
      expect(converted.data).toEqual({
        convertOutageToOffline: {
          events: ['OutageConvertedToOffline', 'SiteTakenOffline'],
          site: { status: 'offline' },
        },
      });
      await api.gql(
        `mutation { bringSiteOnline(input: { siteId: "jinan", reason: "恢复" }) { events } }`,
        {},
        tokens.admin,
      );

      const subject = await api.gql<{ addSubject: { secondLevels: string[] } }>(
        `mutation { addSubject(input: { top: "综合政务", second: "网站集约化", reason: "新增" }) { secondLevels } }`,
        {},
        tokens.admin,
      );
      expect(subject.data!.addSubject.secondLevels).toContain('网站集约化');
      expect(
        (
          await api.gql(
            `mutation { addSubject(input: { top: "综合政务", second: "x", reason: "r" }) { secondLevels } }`,
            {},
            tokens['jinan-webmaster'],
          )
        ).errors![0]!.extensions.code,
      ).toBe('FORBIDDEN');
      const calendar = await api.gql<{ recordCalendarYear: { coveredYears: number[] } }>(
        `mutation { recordCalendarYear(input: { year: 2027, holidays: ["2027-01-01"], adjustedWorkdays: [], reason: "国办发明电" }) { coveredYears } }`,
        {},
        tokens.admin,
      );
      expect(calendar.data!.recordCalendarYear.coveredYears).toContain(2027);
    });
  });

  describe('API keys for machine clients', () => {
    const CREATE = `mutation($site: ID!) { createApiKey(input: { siteId: $site, name: "门户网站 CMS" }) { key apiKey { id siteId name revoked } } }`;
    const withKey = async (query: string, key: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as {
        data: Record<string, unknown> | null;
        errors?: Array<{ extensions: { code: string } }>;
      };
    };

    it('the site administrator creates a key that reads the library, never writes, and stops working once revoked', async () => {
      const created = await api.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        CREATE,
        { site: 'jinan' },
        tokens['jinan-webmaster'],
      );
      expect(created.errors).toBeUndefined();
      const { key, apiKey } = created.data!.createApiKey;
      expect((await withKey('{ viewer { ... on ApiKeyViewer { keyId siteId } } }', key)).data).toEqual({
        viewer: { keyId: apiKey.id, siteId: 'jinan' },
      });
      expect((await withKey(SEARCH, key, { text: '集约化' })).errors).toBeUndefined();
      expect((await withKey(step('submitResource'), key, { id: 'visible-draft' })).errors![0]!.extensions.code).toBe(
        'FORBIDDEN',
      );
      expect((await withKey(`{ siteWorkflow(siteId: "jinan") { resourceId } }`, key)).errors![0]!.extensions.code).toBe(
        'FORBIDDEN',
      );
      // stored only as a hash: the secret is nowhere in the log
      const events = await api.c.eventStore.readStream(`apikey-${apiKey.id}`);
      expect(JSON.stringify(events)).not.toContain(key.split('.')[2]);
      const listed = await api.gql<{ apiKeys: Array<{ id: string; revoked: boolean }> }>(
        `{ apiKeys(siteId: "jinan") { id revoked } }`,
        {},
        tokens.auditor,
      );
      expect(listed.data!.apiKeys).toContainEqual({ id: apiKey.id, revoked: false });
      await api.gql(
        `mutation($id: ID!) { revokeApiKey(input: { keyId: $id, reason: "泄露" }) { apiKey { revoked } } }`,
        { id: apiKey.id },
        tokens['jinan-webmaster'],
      );
      expect((await withKey(SEARCH, key, { text: '集约化' })).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
      expect((await withKey(SEARCH, `${key.slice(0, -1)}x`, { text: '集约化' })).errors![0]!.extensions.code).toBe(
        'UNAUTHENTICATED',
      );
    });

    it('a key granted drafting drafts, edits and submits on its site, and nothing more; revoked, it stops at once', async () => {
      const created = await api.gql<{ createApiKey: { key: string; apiKey: { id: string; mayDraft: boolean } } }>(
        `mutation { createApiKey(input: { siteId: "jinan", name: "金安区 CMS 投稿", mayDraft: true }) { key apiKey { id mayDraft } } }`,
        {},
        tokens['jinan-webmaster'],
      );
      expect(created.errors).toBeUndefined();
      const { key, apiKey } = created.data!.createApiKey;
      expect(apiKey.mayDraft).toBe(true);
      const input = { resourceId: 'cms-1', siteId: 'jinan', metadata: metadata({ title: '金安区 CMS 投稿的通知' }) };
      expect((await withKey(DRAFT, key, { input })).errors).toBeUndefined();
      expect((await withKey(step('submitResource'), key, { id: 'cms-1' })).errors).toBeUndefined();
      // Every review step stays with people (R-REVIEW-1), and the key writes nowhere but its own site.
      for (const forbidden of ['passFirstReview', 'passSecondReview', 'passFinalReview']) {
        expect((await withKey(step(forbidden), key, { id: 'cms-1' })).errors![0]!.extensions.code).toBe('FORBIDDEN');
      }
      const elsewhere = { input: { ...input, resourceId: 'cms-2', siteId: 'shucheng' } };
      expect((await withKey(DRAFT, key, elsewhere)).errors![0]!.extensions.code).toBe('FORBIDDEN');
      expect(
        (await withKey(`mutation { bringSiteOnline(input: { siteId: "jinan", reason: "x" }) { events } }`, key))
          .errors![0]!.extensions.code,
      ).toBe('FORBIDDEN');
      // Attributable: the log names the key as the writer.
      const history = await api.gql<{ reviewHistory: Array<{ type: string; actorId: string; actorRole: string }> }>(
        `query { reviewHistory(resourceId: "cms-1") { type actorId actorRole } }`,
        {},
        tokens.auditor,
      );
      expect(history.data!.reviewHistory.map((a) => [a.type, a.actorId, a.actorRole])).toEqual([
        ['ResourceDrafted', `apikey:${apiKey.id}`, 'editor'],
        ['ResourceSubmitted', `apikey:${apiKey.id}`, 'editor'],
      ]);
      // People review what the key submitted as they review anything else.
      expect((await api.gql(step('passFirstReview'), { id: 'cms-1' }, tokens['jinan-editor'])).errors).toBeUndefined();
      await api.gql(
        `mutation($id: ID!) { revokeApiKey(input: { keyId: $id, reason: "停用" }) { apiKey { revoked } } }`,
        { id: apiKey.id },
        tokens['jinan-webmaster'],
      );
      const afterRevocation = await withKey(DRAFT, key, { input: { ...input, resourceId: 'cms-3' } });
      expect(afterRevocation.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    });

    it('an editor cannot create keys, nor another site’s administrator', async () => {
      expect((await api.gql(CREATE, { site: 'jinan' }, tokens['jinan-editor'])).errors![0]!.extensions.code).toBe(
        'FORBIDDEN',
      );
      expect((await api.gql(CREATE, { site: 'shucheng' }, tokens['jinan-webmaster'])).errors![0]!.extensions.code).toBe(
        'FORBIDDEN',
      );
    });
  });

  describe('protection and operations', () => {
    it('refuses queries nested deeper than the limit, while GraphiQL’s introspection still works', async () => {
      expect((await api.gql(getIntrospectionQuery(), {}, tokens.admin)).errors).toBeUndefined();
      const ofTypes = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofTypes(n - 1)} }`);
      const tooDeep = `query { __schema { types { fields { type { ${ofTypes(MAX_QUERY_DEPTH)} } } } } }`;
      const result = await api.gql(tooDeep, {}, tokens.admin);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', category: 'BAD_USER_INPUT' });
    });

    it('limits each client’s request rate (429), per token', async () => {
      const limited = await startApiServer({ RATE_LIMIT_PER_MINUTE: '5' });
      try {
        const token = await limited.token('jinan-editor');
        const statuses: number[] = [];
        for (let i = 0; i < 7; i++) statuses.push((await limited.gql('{ viewer { __typename } }', {}, token)).status);
        expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
        expect(statuses.slice(5)).toEqual([429, 429]);
        // another client has its own allowance
        expect((await limited.gql('{ viewer { __typename } }', {}, await limited.token('jinan-reviewer'))).status).toBe(
          200,
        );
      } finally {
        await limited.close();
      }
    });

    it('refuses queries that would cost too much, however shallow', async () => {
      const fields = 'node { id title indexNumber placements { siteId columnId site { name } } }';
      const aliases = Array.from({ length: 12 }, (_, i) => `s${i}: search(first: 100) { edges { ${fields} } }`).join(
        ' ',
      );
      const result = await api.gql(`{ ${aliases} }`, {}, tokens.admin);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', category: 'BAD_USER_INPUT' });
      expect(result.errors?.[0]?.message).toMatch(/query cost \d+ exceeds/);
      const fine = await api.gql(
        `query($n: Int) { search(first: $n) { edges { ${fields} } } }`,
        { n: 50 },
        tokens.admin,
      );
      expect(fine.errors).toBeUndefined();
      // a page size in a variable counts as the largest page, whatever the variable says
      const viaVariable = Array.from({ length: 8 }, (_, i) => `s${i}: search(first: $n) { edges { ${fields} } }`).join(
        ' ',
      );
      expect((await api.gql(`query($n: Int) { ${viaVariable} }`, { n: 1 }, tokens.admin)).errors?.[0]?.message).toMatch(
        /query cost/,
      );
    });

    it('serves /healthz, /readyz and Prometheus /metrics', async () => {
      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(
        ((await ready.json()) as { projections: Array<{ name: string; state: string }> }).projections.map((p) => [
          p.name,
          p.state,
        ]),
      ).toEqual([
        ['library', 'live'],
        ['workflow', 'live'],
        ['push', 'live'],
        ['sites', 'live'],
        ['api-keys', 'live'],
        ['audit-tree', 'live'],
        ['audit-trail', 'live'],
        ['supervision', 'live'],
        ['content-checks', 'live'],
        ['migration-runs', 'live'],
        ['site-exports', 'live'],
        ['search-synonyms', 'live'],
      ]);
      const metrics = await api.scrapeMetrics();
      for (const name of [
        'http_request_duration_seconds',
        'graphql_operation_duration_seconds',
        'graphql_errors_total',
        'projection_lag_positions',
        'event_store_append_duration_seconds',
      ]) {
        expect(metrics).toContain(name);
      }
      expect(metrics).toMatch(/graphql_errors_total\{code="SELF_REVIEW_FORBIDDEN"\} \d+/);
    });
  });
});
