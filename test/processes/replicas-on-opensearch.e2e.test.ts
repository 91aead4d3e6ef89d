/**
 * The production topology on the local engines: two server processes sharing the log and the OpenSearch library, each
 * with its own local state (its SQLite read models in a data directory of its own), as replicas behind a load
 * balancer would run on KurrentDB and an OpenSearch cluster. What is published through one is searchable through the
 * other and reaches the other's subscribers. Runs when OPENSEARCH_URL is set (`ENGINES=local npm test` does).
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '../../domain/platform.js';
import { loadConfig } from '../../infra/config.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { sampleMetadata } from '../support/fixtures.js';
import { eventually, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

const url = process.env.OPENSEARCH_URL;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { status } }`;

describe.skipIf(!url)(
  `two replicas sharing the log and OpenSearch, each with its own local state${url ? '' : ' (skipped: OPENSEARCH_URL is not set)'}`,
  () => {
    const log = tempDir('shared-log');
    const local = [tempDir('replica-a'), tempDir('replica-b')];
    const common = {
      EVENT_STORE_DIR: log.path,
      SEARCH_INDEX: 'opensearch',
      OPENSEARCH_URL: url ?? '',
      OPENSEARCH_INDEX_PREFIX: `replicas-${randomUUID().slice(0, 8)}-`,
      AUDIT_CHECKPOINT_INTERVAL_MS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
    };
    const tokens: Record<string, string> = {};
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      const store = openSqliteEventStore(log.path);
      await createDemoPlatform(new Platform(store));
      await store.close();
      // Both replicas verify tokens with one key, as they would with one identity provider.
      const key = await localSigningKey(loadConfig({ ...common, DATA_DIR: local[0]!.path }));
      for (const who of ['portal-editor', 'portal-editor2', 'portal-reviewer', 'portal-approver'])
        tokens[who] = await key.issue(who);
      copyFileSync(`${local[0]!.path}/signing-key.jwk.json`, `${local[1]!.path}/signing-key.jwk.json`);
      [a, b] = await Promise.all([
        startServerProcess({ ...common, DATA_DIR: local[0]!.path }),
        startServerProcess({ ...common, DATA_DIR: local[1]!.path }),
      ]);
      await eventually('both replicas ready', async () => (await a.ready()) && (await b.ready()), 180_000);
    }, 240_000);

    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      log.remove();
      for (const dir of local) dir.remove();
    });

    it('a publication through one replica is searchable through the other and reaches its subscriber', async () => {
      const onB = b.subscribe(
        `subscription { resourcePublished(siteId: "portal") { id } }`,
        {},
        tokens['portal-editor']!,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      const id = 'replicated-1';
      const draft = await a.gql(
        `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`,
        { input: { resourceId: id, siteId: 'portal', metadata: sampleMetadata({ title: '关于副本共享检索的通知' }) } },
        tokens['portal-editor'],
      );
      expect(draft.errors).toBeUndefined();
      for (const [mutation, who] of [
        ['submitResource', 'portal-editor'],
        ['passFirstReview', 'portal-editor2'],
        ['passSecondReview', 'portal-reviewer'],
        ['passFinalReview', 'portal-approver'],
      ] as const)
        expect((await a.gql(step(mutation), { id }, tokens[who])).errors).toBeUndefined();
      const published = await a.gql(
        `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["policies"] }) { status } }`,
        { id },
        tokens['portal-approver'],
      );
      expect(published.errors).toBeUndefined();
      await eventually(
        'the other replica finds it',
        async () => {
          const found = await b.gql<{ search: { edges: Array<{ node: { id: string } }> } }>(
            `{ search(text: "副本共享检索") { edges { node { id } } } }`,
            {},
            tokens['portal-editor'],
          );
          return found.data?.search.edges.some((e) => e.node.id === id) ?? false;
        },
        60_000,
      );
      await eventually('its subscriber is told', () =>
        onB.received.some(
          (m) => (m as { data: { resourcePublished: { id: string } } }).data.resourcePublished.id === id,
        ),
      );
      const workflow = await b.gql<{ siteWorkflow: Array<{ resourceId: string; status: string }> }>(
        `{ siteWorkflow(siteId: "portal", statuses: [published]) { resourceId status } }`,
        {},
        tokens['portal-editor'],
      );
      expect(workflow.data!.siteWorkflow.map((w) => w.resourceId)).toContain(id);
    }, 180_000);
  },
);
