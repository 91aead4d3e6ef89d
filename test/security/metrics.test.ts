/**
 * Finding 7: `/metrics` answers only its own credential (METRICS_TOKEN), never a user's token or nobody; its labels
 * are bounded (operation names from the registered set or "other"), so clients cannot grow it; it names no API key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { gqlAs } from './clients.js';

const METRICS_TOKEN = 'scraper-secret-0123456789abcdef';

describe('/metrics behind its own credential, with bounded labels', () => {
  let api: ApiServer;
  const scrape = (authorization?: string) =>
    fetch(`${api.url}/metrics`, { headers: authorization ? { authorization } : {} });

  beforeAll(async () => {
    api = await startApiServer({ METRICS_TOKEN, METRICS_OPERATION_NAMES: 'SiteSearch,InboxPoll' });
  }, 60_000);
  afterAll(async () => api?.close());

  it('refuses anyone without the metrics credential, including a signed-in administrator', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('graphql_');
    const admin = await scrape(`Bearer ${await api.token('admin')}`);
    expect(admin.status).toBe(401);
    expect((await scrape('Bearer not-the-token')).status).toBe(401);
    const scraper = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toContain('graphql_operation_duration_seconds');
  });

  it('invented operation names do not grow it: they count as "other"; registered names keep their own label', async () => {
    const bearer = `Bearer ${await api.token('jinan-editor')}`;
    for (let i = 0; i < 200; i++) await gqlAs(api, bearer, `query Invented${i} { viewer { __typename } }`);
    await gqlAs(api, bearer, `query SiteSearch { viewer { __typename } }`);
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    const operations = new Set(
      [...text.matchAll(/graphql_operation_duration_seconds_count\{[^}]*operation="([^"]*)"/g)].map((m) => m[1]),
    );
    expect([...operations].sort()).toEqual(['SiteSearch', 'other']);
    expect(text).not.toMatch(/Invented\d+/);
    expect(text.length).toBeLessThan(200_000);
  });

  it('names no API key: requests made with keys are counted by site only', async () => {
    const created = await api.gql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { siteId: "jinan", name: "门户 CMS" }) { key apiKey { id } } }`,
      {},
      await api.token('jinan-webmaster'),
    );
    const { key, apiKey } = created.data!.createApiKey;
    expect((await gqlAs(api, `ApiKey ${key}`, '{ viewer { __typename } }')).status).toBe(200);
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).toMatch(/api_key_requests_total\{site="jinan"\} 1/);
    expect(text).not.toContain(apiKey.id);
  });

  it('without METRICS_TOKEN set it serves no metrics at all, to anyone', async () => {
    const unset = await startApiServer({ METRICS_TOKEN: '' });
    try {
      const response = await fetch(`${unset.url}/metrics`, {
        headers: { authorization: `Bearer ${await unset.token('admin')}` },
      });
      expect(response.status).toBe(403);
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0]!.message).toMatch(/METRICS_TOKEN/);
    } finally {
      await unset.close();
    }
  }, 60_000);
});
