/**
 * A resource drafted, reviewed three times and published on the demo platform's portal through a server process's
 * API, by the portal's staff (tokens from the local signing key), as the process tests need one.
 */
import { loadConfig } from '../../infra/config.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { sampleMetadata } from './fixtures.js';
import type { ServerProcess } from './server-process.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { status } }`;
const PUBLISH = `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["policies"] }) { indexNumber } }`;
const STAFF = ['portal-editor', 'portal-editor2', 'portal-reviewer', 'portal-approver'] as const;

export type PortalTokens = Record<(typeof STAFF)[number], string>;

export async function portalTokens(env: Record<string, string>): Promise<PortalTokens> {
  const key = await localSigningKey(loadConfig(env));
  const tokens = {} as PortalTokens;
  for (const who of STAFF) tokens[who] = await key.issue(who);
  return tokens;
}

/** Publishes a new resource through `server`; resolves with its index number, or throws with the step that failed. */
export async function publishThrough(
  server: ServerProcess,
  tokens: PortalTokens,
  resourceId: string,
  title: string,
): Promise<string> {
  const fail = (what: string, errors: unknown) => new Error(`${what} of ${resourceId}: ${JSON.stringify(errors)}`);
  const drafted = await server.gql(
    DRAFT,
    { input: { resourceId, siteId: 'portal', metadata: sampleMetadata({ title }) } },
    tokens['portal-editor'],
  );
  if (drafted.errors) throw fail('draftResource', drafted.errors);
  for (const [mutation, who] of [
    ['submitResource', 'portal-editor'],
    ['passFirstReview', 'portal-editor2'],
    ['passSecondReview', 'portal-reviewer'],
    ['passFinalReview', 'portal-approver'],
  ] as const) {
    const done = await server.gql(step(mutation), { id: resourceId }, tokens[who]);
    if (done.errors) throw fail(mutation, done.errors);
  }
  const published = await server.gql<{ publishResource: { indexNumber: string } }>(
    PUBLISH,
    { id: resourceId },
    tokens['portal-approver'],
  );
  if (published.errors) throw fail('publishResource', published.errors);
  return published.data!.publishResource.indexNumber;
}
