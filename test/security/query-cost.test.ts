/**
 * Findings 2, 3 and 5: one cost model for every transport. Page sizes are validated per field (never clamped, never
 * negative), a search is priced by the work it makes the engine do, aliases and root fields have a ceiling, and a
 * subscription over WebSocket is held to the same rules as a query over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetSpent, CostBudget } from '../../graphql/cost-budget.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { delay, gqlAs, subscribeAs } from './clients.js';

const aliases = (n: number, field: (i: number) => string) => Array.from({ length: n }, (_, i) => field(i)).join(' ');

describe('one cost model for HTTP and WebSocket', () => {
  let api: ApiServer;
  let bearer: string;

  beforeAll(async () => {
    api = await startApiServer();
    bearer = `Bearer ${await api.token('jinan-webmaster')}`;
  }, 60_000);
  afterAll(async () => api?.close());

  it('a negative page size cannot pay for other fields: ten search(first: 100) plus pushInbox(first: -1000000) is refused', async () => {
    const searches = aliases(
      10,
      (i) => `s${i}: search(first: 100) { edges { node { id title indexNumber placements { siteId columnId } } } }`,
    );
    const offset = await gqlAs(
      api,
      bearer,
      `{ ${searches} inbox: pushInbox(siteId: "jinan", first: -1000000) { edges { node { pushId title } } } }`,
    );
    expect(offset.status).toBe(400);
    expect(offset.body?.data ?? null).toBeNull();
    expect(offset.body?.errors?.map((e) => e.extensions?.code)).toContain('INVALID_PAGE_SIZE');
    const alone = await gqlAs(api, bearer, `{ ${searches} }`);
    expect(alone.status).toBe(400);
    expect(alone.body?.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });

  it('pushInbox, pushOutbox and pushDeliveries refuse a page size of zero, below zero or over the maximum, as literals and as variables, naming the field', async () => {
    for (const field of ['pushInbox(siteId: "jinan", ', 'pushOutbox(siteId: "jinan", ', 'pushDeliveries(']) {
      for (const first of [0, -5, 100_000]) {
        const literal = await gqlAs(api, bearer, `{ ${field}first: ${first}) { totalCount } }`);
        expect(literal.status, `${field}first: ${first}`).toBe(400);
        expect(literal.body?.errors?.[0]?.extensions).toMatchObject({
          code: 'INVALID_PAGE_SIZE',
          category: 'BAD_USER_INPUT',
          details: [{ path: expect.stringMatching(/\.first$/) }],
        });
        const variable = await gqlAs(api, bearer, `query($n: Int) { ${field}first: $n) { totalCount } }`, { n: first });
        expect(variable.body?.errors?.[0]?.extensions?.code, `${field}first: $n = ${first}`).toBe('INVALID_PAGE_SIZE');
      }
    }
    // The search engine's own page limits hold the same way.
    const search = await gqlAs(api, bearer, `query($n: Int) { search(first: $n) { totalCount } }`, { n: -1 });
    expect(search.body?.errors?.[0]?.extensions?.code).toBe('INVALID_PAGE_SIZE');
    expect((await gqlAs(api, bearer, `{ pushInbox(siteId: "jinan", first: 10) { totalCount } }`)).status).toBe(200);
  });

  it('a search is priced by what the engine does, not as one field: twelve aliased search(text, first: 1) { totalCount } are refused, two are served', async () => {
    const two = await gqlAs(
      api,
      bearer,
      `{ ${aliases(2, (i) => `s${i}: search(text: "条例", first: 1) { totalCount }`)} }`,
    );
    expect(two.status).toBe(200);
    expect(two.body?.errors).toBeUndefined();
    const twelve = await gqlAs(
      api,
      bearer,
      `{ ${aliases(12, (i) => `s${i}: search(text: "条例", first: 1) { totalCount }`)} }`,
    );
    expect(twelve.status).toBe(400);
    expect(twelve.body?.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    expect(twelve.body?.errors?.[0]?.message).toMatch(/search/);
    // The probe as reported: 2,000 aliases.
    const flood = await gqlAs(
      api,
      bearer,
      `{ ${aliases(2000, (i) => `s${i}: search(text: "条例", first: 1) { totalCount }`)} }`,
    );
    expect(flood.status).toBe(400);
    expect(flood.body?.data ?? null).toBeNull();
    expect(['QUERY_TOO_COSTLY', 'TOO_MANY_ALIASES', 'QUERY_TOO_LARGE']).toContain(
      flood.body?.errors?.[0]?.extensions?.code,
    );
  });

  it('aliases multiply: a ceiling on aliased fields and on root fields, whatever each costs', async () => {
    const cheapAliases = await gqlAs(api, bearer, `{ viewer { ${aliases(200, (i) => `a${i}: __typename`)} } }`);
    expect(cheapAliases.status).toBe(400);
    expect(cheapAliases.body?.errors?.[0]?.extensions?.code).toBe('TOO_MANY_ALIASES');
    const rootFields = await gqlAs(api, bearer, `{ ${aliases(40, (i) => `v${i}: viewer { __typename }`)} }`);
    expect(rootFields.status).toBe(400);
    expect(rootFields.body?.errors?.map((e) => e.extensions?.code)).toContain('TOO_MANY_ROOT_FIELDS');
    // Fragments count as what they expand to.
    const spread = await gqlAs(
      api,
      bearer,
      `query { ...f ...f } fragment f on Query { ${aliases(30, (i) => `v${i}: viewer { __typename }`)} }`,
    );
    expect(spread.status).toBe(400);
  });

  it('the same rules over WebSocket: a subscription selecting title under 8,000 aliases is refused with QUERY_TOO_COSTLY', async () => {
    const selection = aliases(8000, (i) => `t${i}: title`);
    const sub = subscribeAs(api, bearer, `subscription { resourcePublished { ${selection} } }`);
    const errors = await Promise.race([sub.ended, delay(5_000, null)]);
    expect(errors, 'the subscription was accepted').not.toBeNull();
    expect(['QUERY_TOO_COSTLY', 'TOO_MANY_ALIASES']).toContain(errors![0]!.extensions?.code);
    await sub.close();
    // Within the limits, it is accepted as before.
    const fine = subscribeAs(api, bearer, `subscription { resourcePublished { id title } }`);
    expect(await Promise.race([fine.ended, delay(500, 'open')])).toBe('open');
    await fine.close();
  });
});

describe('the cost a client may spend per minute', () => {
  it('a client within its request rate limit cannot keep the server busy: operations at the cost limit are budgeted per minute, per client', async () => {
    const api = await startApiServer({ QUERY_COST_PER_MINUTE: '12000' });
    try {
      const nine = `{ ${aliases(9, (i) => `s${i}: search(text: "条例", first: 1) { totalCount }`)} }`;
      const editor = `Bearer ${await api.token('jinan-editor')}`;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await gqlAs(api, editor, nine)).status);
      expect(statuses).toEqual([200, 200, 429]);
      const refused = await gqlAs(api, editor, nine);
      expect(refused.body?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(refused.body?.errors?.[0]?.message).toMatch(/retry in \d+ s/);
      // Cheap questions still fit; another client has its own budget.
      expect((await gqlAs(api, editor, '{ viewer { __typename } }')).status).toBe(200);
      expect((await gqlAs(api, `Bearer ${await api.token('jinan-reviewer')}`, nine)).status).toBe(200);
    } finally {
      await api.close();
    }
  }, 60_000);

  it('the budget refills continuously, up to its size', () => {
    let now = 0;
    const budget = new CostBudget(6000, () => now);
    budget.spend('a', 5000);
    expect(() => budget.spend('a', 5000)).toThrow(BudgetSpent);
    now += 40_000; // 40 s refill 4,000 units: 5,000 again
    budget.spend('a', 5000);
    now += 10 * 60_000; // never more than the budget
    budget.spend('a', 6000);
    expect(() => budget.spend('a', 1)).toThrow(/retry in 1 s/);
  });
});
