/**
 * Finding 12: the demo platform's host units carry unified social credit codes that pass their own check character
 * (GB 32100-2015), so each site's editors can draft under their own unit's code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOrganisationCode } from '../../domain/metadata/organisation-code.js';
import { DEMO_SITES } from '../../infra/demo-platform.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;

describe('the demo platform’s organisation codes', () => {
  it.each(DEMO_SITES.map((site) => [site.name, site.hostUnit.code] as const))(
    '%s: host unit code %s passes its check character',
    (_name, code) => {
      expect(checkOrganisationCode(code)).toEqual({ valid: true, kind: 'unified-social-credit-code' });
    },
  );

  describe('over the API', () => {
    let api: ApiServer;
    beforeAll(async () => {
      api = await startApiServer();
    }, 60_000);
    afterAll(async () => api?.close());

    it.each(DEMO_SITES.map((site) => [site.siteId, site] as const))(
      '%s: its editor drafts under its own host unit’s name and code',
      async (siteId, site) => {
        const drafted = await api.gql(
          DRAFT,
          {
            input: {
              resourceId: `own-code-${siteId}`,
              siteId,
              metadata: sampleMetadata({ publisher: site.hostUnit.name, publisherCode: site.hostUnit.code }),
            },
          },
          await api.token(`${siteId}-editor`),
        );
        expect(drafted.errors).toBeUndefined();
      },
    );
  });
});
