/**
 * Finding 6 over the API: platform administrators administer and auditors read; neither may take a content role on
 * a site and draft there, in whichever order the roles are granted (R-PEOPLE-3, R-SEC-2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;
const grantSite = (person: string, role: string) =>
  `mutation { grantSiteRole(input: { personId: "${person}", siteId: "jinan", role: ${role}, reason: "兼任" }) { events } }`;
const grantPlatform = (person: string, role: string) =>
  `mutation { grantPlatformRole(input: { personId: "${person}", role: ${role}, reason: "兼任" }) { events } }`;

describe('R-PEOPLE-3: platform roles hold no content role on any site', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of ['admin', 'auditor', 'jinan-webmaster']) tokens[person] = await api.token(person);
  }, 60_000);
  afterAll(async () => api?.close());

  it('R-PEOPLE-3: the platform administrator cannot grant itself editor on a site, and so cannot draft there', async () => {
    const head = await api.c.eventStore.headPosition();
    const granted = await api.gql(grantSite('admin', 'editor'), {}, tokens.admin);
    expect(granted.errors?.[0]?.extensions).toMatchObject({
      code: 'SEPARATION_OF_DUTIES',
      category: 'FORBIDDEN',
      rule: 'R-PEOPLE-3',
    });
    expect(await api.c.eventStore.headPosition()).toBe(head);
    const drafted = await api.gql(
      DRAFT,
      { input: { resourceId: 'by-admin', siteId: 'jinan', metadata: sampleMetadata() } },
      tokens.admin,
    );
    expect(drafted.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('R-PEOPLE-3: an auditor cannot be made an editor, by the platform administrator or by the site’s administrator', async () => {
    for (const who of ['admin', 'jinan-webmaster']) {
      const granted = await api.gql(grantSite('auditor', 'editor'), {}, tokens[who]);
      expect(granted.errors?.[0]?.extensions, who).toMatchObject({ code: 'SEPARATION_OF_DUTIES', rule: 'R-PEOPLE-3' });
    }
    const drafted = await api.gql(
      DRAFT,
      { input: { resourceId: 'by-auditor', siteId: 'jinan', metadata: sampleMetadata() } },
      tokens.auditor,
    );
    expect(drafted.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('R-PEOPLE-3: in the other order, an editor is not made an auditor or a platform administrator', async () => {
    for (const role of ['auditor', 'platform_admin']) {
      const granted = await api.gql(grantPlatform('jinan-editor', role), {}, tokens.admin);
      expect(granted.errors?.[0]?.extensions, role).toMatchObject({ code: 'SEPARATION_OF_DUTIES', rule: 'R-PEOPLE-3' });
    }
    const person = await api.gql<{ person: { platformRoles: string[] } }>(
      `{ person(id: "jinan-editor") { platformRoles } }`,
      {},
      tokens.auditor,
    );
    expect(person.data?.person.platformRoles).toEqual([]);
  });
});
