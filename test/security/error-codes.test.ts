/**
 * Finding 11: every error path answers a typed `extensions.code` and a message in the client's terms, over HTTP and
 * over WebSocket alike, never an internal message; and an outsider cannot tell another site's draft from a resource
 * that does not exist.
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUERY_DEPTH } from '../../graphql/server.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { delay, gqlAs, postRaw, subscribeAs, type WireError } from './clients.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { resourceId status } }`;
const INTERNALS =
  /is not iterable|undefined|null \(reading|event store|streamId|Graphql validation error|stack|node_modules/i;
const ofTypes = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofTypes(n - 1)} }`);
/** One level deeper than the limit. */
const TOO_DEEP = `query { __schema { types { fields { type { ${ofTypes(MAX_QUERY_DEPTH - 4)} } } } } }`;

describe('typed errors on every path', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of [
      'admin',
      'jinan-editor',
      'jinan-editor2',
      'jinan-reviewer',
      'jinan-approver',
      'shucheng-editor',
      'shucheng-reviewer',
    ])
      tokens[person] = `Bearer ${await api.token(person)}`;
  }, 60_000);
  afterAll(async () => api?.close());

  const expectTyped = (errors: WireError[] | undefined, code: string) => {
    expect(errors?.[0]?.extensions?.code, JSON.stringify(errors)).toBe(code);
    expect(errors?.[0]?.message ?? '').not.toMatch(INTERNALS);
  };

  describe('over HTTP', () => {
    it('{"query": 42} is an INVALID_REQUEST saying query must be a string', async () => {
      const response = await postRaw(api, '{"query":42}', { authorization: tokens.admin! });
      expect(response.status).toBe(400);
      expectTyped(response.body?.errors, 'INVALID_REQUEST');
      expect(response.body?.errors?.[0]?.message).toMatch(/query/);
      for (const body of [
        '{}',
        '{"query":"{ viewer { __typename } }","variables":[1]}',
        '"a string"',
        'null',
        // JSON text in query: mercurius would take it for a document already parsed, and validate garbage.
        JSON.stringify({ query: JSON.stringify({ kind: 'Document', definitions: [{ kind: 'Nonsense' }] }) }),
        JSON.stringify({ query: '42' }),
      ]) {
        const other = await postRaw(api, body, { authorization: tokens.admin! });
        expect(other.status, body).toBe(400);
        expectTyped(other.body?.errors, 'INVALID_REQUEST');
      }
    });

    it('a batched array is refused with a message saying batches are not accepted', async () => {
      const response = await postRaw(api, JSON.stringify([{ query: '{ viewer { __typename } }' }]), {
        authorization: tokens.admin!,
      });
      expect(response.status).toBe(400);
      expectTyped(response.body?.errors, 'INVALID_REQUEST');
      expect(response.body?.errors?.[0]?.message).toMatch(/batch/i);
    });

    it('a subscription sent over POST is a 400 saying subscriptions go over WebSocket, not a 500', async () => {
      const response = await gqlAs(api, tokens.admin, 'subscription { resourcePublished { id } }');
      expect(response.status).toBe(400);
      expectTyped(response.body?.errors, 'INVALID_REQUEST');
      expect(response.body?.errors?.[0]?.message).toMatch(/WebSocket/);
    });

    it('a 1,000-character id is a BAD_USER_INPUT naming the argument, not an event store message', async () => {
      const long = 'a'.repeat(1000);
      for (const query of [
        `{ person(id: "${long}") { id } }`,
        `{ siteWorkflow(siteId: "${long}") { resourceId } }`,
        `{ pushInbox(siteId: "${long}") { totalCount } }`,
        `query($s: ID!) { site(id: $s) { id } }`,
      ]) {
        const response = await gqlAs(api, tokens.admin, query, { s: long });
        expectTyped(response.body?.errors, 'BAD_USER_INPUT');
        expect(response.body?.errors?.[0]?.extensions?.details?.[0]?.message, query.slice(0, 30)).toMatch(
          /at most 100 characters/,
        );
      }
    });

    it('a query one level deeper than the limit is QUERY_TOO_DEEP, saying so', async () => {
      expect((await gqlAs(api, tokens.admin, getIntrospectionQuery())).body?.errors).toBeUndefined();
      const response = await gqlAs(api, tokens.admin, TOO_DEEP);
      expect(response.status).toBe(400);
      expectTyped(response.body?.errors, 'QUERY_TOO_DEEP');
      expect(response.body?.errors?.[0]?.message).toMatch(new RegExp(`depth .*${MAX_QUERY_DEPTH}`));
    });

    it('a body that is not JSON, and a media type the API does not take, are typed too', async () => {
      const broken = await postRaw(api, '{"query": "{ viewer', { authorization: tokens.admin! });
      expect(broken.status).toBe(400);
      expectTyped(broken.body?.errors, 'INVALID_REQUEST');
      const xml = await postRaw(api, '<query/>', { authorization: tokens.admin!, 'content-type': 'application/xml' });
      expect(xml.status).toBe(415);
      expectTyped(xml.body?.errors, 'INVALID_REQUEST');
    });

    it('a route that does not exist is a typed NOT_FOUND, like every other refusal outside GraphQL', async () => {
      const response = await fetch(`${api.url}/graphql-v2`, { method: 'POST' });
      expect(response.status).toBe(404);
      const body = (await response.json()) as { errors: WireError[] };
      expectTyped(body.errors, 'NOT_FOUND');
    });

    it('migrateSiteContent to the site itself has its own code', async () => {
      const response = await gqlAs(
        api,
        tokens.admin,
        `mutation { migrateSiteContent(input: { siteId: "edu", toSiteId: "edu", reason: "合并" }) { events } }`,
      );
      expect(response.body?.errors?.[0]?.extensions).toMatchObject({
        code: 'MIGRATION_TO_ITSELF',
        category: 'BAD_USER_INPUT',
        rule: 'R-SITE-5',
      });
      expect(response.body?.errors?.[0]?.message).not.toMatch(/does not exist/);
    });

    it('SELF_REVIEW_FORBIDDEN says it in one language per message: Chinese in messageZh, English in message', async () => {
      const draft = await gqlAs(api, tokens['jinan-editor'], DRAFT, {
        input: { resourceId: 'own', siteId: 'jinan', metadata: sampleMetadata() },
      });
      expect(draft.body?.errors).toBeUndefined();
      await gqlAs(
        api,
        tokens.admin,
        `mutation { grantSiteRole(input: { personId: "jinan-editor", siteId: "jinan", role: reviewer, reason: "兼任" }) { events } }`,
      );
      await gqlAs(api, tokens['jinan-editor'], step('submitResource'), { id: 'own' });
      await gqlAs(api, tokens['jinan-editor2'], step('passFirstReview'), { id: 'own' });
      const own = await gqlAs(api, tokens['jinan-editor'], step('passSecondReview'), { id: 'own' });
      const error = own.body?.errors?.[0];
      expect(error?.extensions?.code).toBe('SELF_REVIEW_FORBIDDEN');
      expect(error?.message).not.toMatch(/[\u3400-\u9fff]/);
      // Apart from the person's id, which is the same in both.
      expect(String(error?.extensions?.messageZh).replace('jinan-editor', '')).not.toMatch(/[A-Za-z]{3,}/);
      expect(String(error?.extensions?.messageZh)).toMatch(/[\u3400-\u9fff]/);
    });

    it('an outsider cannot tell another site’s draft from a resource that does not exist', async () => {
      await gqlAs(api, tokens['jinan-editor'], DRAFT, {
        input: { resourceId: 'jinan-secret', siteId: 'jinan', metadata: sampleMetadata() },
      });
      for (const [query, vars] of [
        [step('submitResource'), {}],
        [step('passFinalReview'), {}],
        [`mutation($id: ID!) { withdrawResource(input: { resourceId: $id, reason: "x" }) { status } }`, {}],
        [`query($id: ID!) { reviewHistory(resourceId: $id) { type } }`, {}],
      ] as const) {
        const existing = await gqlAs(api, tokens['shucheng-editor'], query, { ...vars, id: 'jinan-secret' });
        const missing = await gqlAs(api, tokens['shucheng-editor'], query, { ...vars, id: 'no-such-draft' });
        const strip = (r: typeof existing) =>
          JSON.stringify(r.body?.errors?.map((e) => ({ ...e, locations: undefined })) ?? r.body?.data).replaceAll(
            /jinan-secret|no-such-draft/g,
            'ID',
          );
        expect(strip(existing), query.slice(0, 40)).toBe(strip(missing));
        expect(existing.body?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      // The site's own staff are told what is wrong.
      const own = await gqlAs(api, tokens['jinan-reviewer'], step('passFinalReview'), { id: 'jinan-secret' });
      expect(own.body?.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('over WebSocket', () => {
    const socketErrors = async (authorization: string | undefined, query: string) => {
      const sub = subscribeAs(api, authorization, query);
      const errors = await Promise.race([sub.ended, delay(5_000, null)]);
      await sub.close();
      return errors ?? undefined;
    };

    it('a subscription refused at the start carries its code (FORBIDDEN, UNAUTHENTICATED)', async () => {
      expectTyped(
        await socketErrors(
          tokens['shucheng-editor'],
          'subscription { reviewQueueChanged(siteId: "jinan") { resourceId } }',
        ),
        'FORBIDDEN',
      );
      expectTyped(
        await socketErrors('Bearer forged', 'subscription { reviewQueueChanged(siteId: "jinan") { resourceId } }'),
        'UNAUTHENTICATED',
      );
    });

    it('syntax errors, unknown fields, queries sent over the socket and over-deep documents carry codes', async () => {
      expectTyped(await socketErrors(tokens.admin, 'subscription { resourcePublished { id '), 'BAD_USER_INPUT');
      expectTyped(
        await socketErrors(tokens.admin, 'subscription { resourcePublished { noSuchField } }'),
        'BAD_USER_INPUT',
      );
      expectTyped(await socketErrors(tokens.admin, '{ viewer { __typename } }'), 'INVALID_REQUEST');
      expectTyped(await socketErrors(tokens.admin, TOO_DEEP.replace('query', 'subscription')), 'QUERY_TOO_DEEP');
    });
  });
});
