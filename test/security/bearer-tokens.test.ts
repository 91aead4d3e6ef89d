/**
 * Finding 8: a bearer token names a person, never a machine or the platform: subjects with a reserved prefix
 * (`apikey:` …) are refused, so an identity provider's token can never act as an API key. Tokens must say when they
 * expire, and may not live longer than AUTH_MAX_TOKEN_LIFETIME_SECONDS; an open subscription ends when its token does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../../graphql/auth/token-keys.js';
import { loadConfig } from '../../infra/config.js';
import { localSigningKey, SIGNING_KEY_FILE } from '../../infra/token-verifier.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { tempDir } from '../support/temp-dir.js';
import { delay, gqlAs, subscribeAs } from './clients.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
/** Above the eight hours of the tokens the test server's own key issues, below the twelve-hour default. */
const MAX_LIFETIME_SECONDS = 9 * 3600;

describe('bearer tokens name people, and expire', () => {
  const dir = tempDir('tokens');
  let api: ApiServer;
  let sign: (claims: { sub?: string; exp?: number; iat?: number }) => Promise<string>;

  beforeAll(async () => {
    api = await startApiServer({ DATA_DIR: dir.path, AUTH_MAX_TOKEN_LIFETIME_SECONDS: String(MAX_LIFETIME_SECONDS) });
    const jwk = JSON.parse(readFileSync(join(dir.path, SIGNING_KEY_FILE), 'utf8')) as JWK;
    const key = await importJWK(jwk, 'EdDSA');
    // Signed with the server's own key: what a compromised or careless identity provider could issue.
    sign = async ({ sub, exp, iat }) => {
      const jwt = new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setIssuer(DEFAULT_ISSUER);
      jwt.setAudience(DEFAULT_AUDIENCE);
      if (sub) jwt.setSubject(sub);
      if (iat !== undefined) jwt.setIssuedAt(iat);
      if (exp !== undefined) jwt.setExpirationTime(exp);
      return jwt.sign(key);
    };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    dir.remove();
  });

  const now = () => Math.floor(Date.now() / 1000);

  it('a token whose subject is apikey:<id> is refused and does not act as that key', async () => {
    const created = await api.gql<{ createApiKey: { apiKey: { id: string } } }>(
      `mutation { createApiKey(input: { siteId: "jinan", name: "投稿", mayDraft: true }) { apiKey { id } } }`,
      {},
      await api.token('jinan-webmaster'),
    );
    const keyId = created.data!.createApiKey.apiKey.id;
    const forged = await sign({ sub: `apikey:${keyId}`, iat: now(), exp: now() + 600 });
    const head = await api.c.eventStore.headPosition();
    const drafted = await gqlAs(api, `Bearer ${forged}`, DRAFT, {
      input: { resourceId: 'as-a-key', siteId: 'jinan', metadata: sampleMetadata() },
    });
    expect(drafted.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(drafted.body?.errors?.[0]?.message).toMatch(/apikey:/);
    expect(await api.c.eventStore.headPosition()).toBe(head);
    const viewer = await gqlAs(api, `Bearer ${forged}`, '{ viewer { __typename } }');
    expect(viewer.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('the platform’s own actor is no subject either', async () => {
    const forged = await sign({ sub: 'system', iat: now(), exp: now() + 600 });
    const viewer = await gqlAs(api, `Bearer ${forged}`, '{ viewer { __typename } }');
    expect(viewer.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('a token without exp is refused', async () => {
    const forever = await sign({ sub: 'jinan-editor', iat: now() });
    const viewer = await gqlAs(api, `Bearer ${forever}`, '{ viewer { __typename } }');
    expect(viewer.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(viewer.body?.errors?.[0]?.message).toMatch(/exp/);
  });

  it('a token valid for 20 years, or for longer than the configured maximum lifetime, is refused', async () => {
    const twentyYears = await sign({ sub: 'jinan-editor', iat: now(), exp: now() + 20 * 365 * 86400 });
    const refused = await gqlAs(api, `Bearer ${twentyYears}`, '{ viewer { __typename } }');
    expect(refused.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.body?.errors?.[0]?.message).toMatch(/lifetime/);
    const withoutIat = await sign({ sub: 'jinan-editor', exp: now() + MAX_LIFETIME_SECONDS + 600 });
    expect(
      (await gqlAs(api, `Bearer ${withoutIat}`, '{ viewer { __typename } }')).body?.errors?.[0]?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
    const withinLimit = await sign({ sub: 'jinan-editor', iat: now(), exp: now() + MAX_LIFETIME_SECONDS - 60 });
    const accepted = await gqlAs(api, `Bearer ${withinLimit}`, '{ viewer { __typename } }');
    expect(accepted.body?.errors).toBeUndefined();
  });

  it('the local key issues no token the server would refuse for its lifetime', async () => {
    const key = await localSigningKey(
      loadConfig({ DATA_DIR: dir.path, AUTH_MAX_TOKEN_LIFETIME_SECONDS: String(MAX_LIFETIME_SECONDS) }),
    );
    await expect(key.issue('jinan-editor', '20y')).rejects.toThrow(/maximum lifetime/);
    expect(await key.issue('jinan-editor', '8h')).toMatch(/^ey/);
  });

  it('R-PEOPLE-2: an open subscription ends with UNAUTHENTICATED once its token has expired', async () => {
    const expiresAt = now() + 2;
    const shortLived = await sign({ sub: 'jinan-editor2', iat: now(), exp: expiresAt });
    const sub = subscribeAs(
      api,
      `Bearer ${shortLived}`,
      `subscription { reviewQueueChanged(siteId: "jinan") { resourceId } }`,
    );
    const editor = await api.token('jinan-editor');
    const arrived = sub.next().then(() => true);
    for (let i = 0; ; i++) {
      await api.gql(DRAFT, { input: { resourceId: `warm-${i}`, siteId: 'jinan', metadata: sampleMetadata() } }, editor);
      if (await Promise.race([arrived, delay(300, false)])) break;
      if (i > 20) throw new Error('the subscription never started');
    }
    while (now() <= expiresAt) await delay(200, null);
    await api.gql(
      DRAFT,
      { input: { resourceId: 'after-expiry', siteId: 'jinan', metadata: sampleMetadata() } },
      editor,
    );
    const errors = await Promise.race([sub.ended, delay(5_000, null)]);
    expect(errors, 'the subscription outlived its token').not.toBeNull();
    expect(errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
    await sub.close();
  });
});
