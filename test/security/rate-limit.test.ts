/**
 * Finding 4: the rate limit belongs to who the client is, not to how it spells its credential. A person (whatever
 * token and however its scheme is written) or an API key has one allowance; clients without a valid credential
 * share their address's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { gqlAs } from './clients.js';

const VIEWER = '{ viewer { __typename } }';
const LIMIT = 5;

describe('rate limits keyed on the authenticated identity', () => {
  let api: ApiServer;

  beforeAll(async () => {
    api = await startApiServer({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  }, 60_000);
  afterAll(async () => api?.close());

  it('one token spelled many ways (bearer, BEARER, extra spaces) has one allowance, not one per spelling', async () => {
    const token = await api.token('jinan-editor');
    const spellings = [
      `Bearer ${token}`,
      `bearer ${token}`,
      `BEARER ${token}`,
      `Bearer  ${token}`,
      `bEaReR\t${token}`,
      `Bearer    ${token}`,
      `BeArEr ${token}`,
    ];
    const statuses: number[] = [];
    for (const spelling of spellings) {
      const response = await gqlAs(api, spelling, VIEWER);
      statuses.push(response.status);
      if (response.status === 200) expect(response.body?.errors).toBeUndefined();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });

  it('two tokens of the same person share it; another person and an anonymous client each have their own', async () => {
    const first = await api.token('jinan-reviewer');
    // A second token for the same person (issued a second later, so the two differ).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await api.token('jinan-reviewer');
    expect(second).not.toBe(first);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++)
      statuses.push((await gqlAs(api, `Bearer ${i % 2 === 0 ? first : second}`, VIEWER)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await gqlAs(api, `Bearer ${await api.token('jinan-approver')}`, VIEWER)).status).toBe(200);
    const limited = await gqlAs(api, `Bearer ${second}`, VIEWER);
    expect(limited.body?.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('clients whose credential does not verify share their address’s allowance, however many credentials they invent', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 2; i++) statuses.push((await gqlAs(api, `Bearer forged-${i}`, VIEWER)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(LIMIT);
  });
});
