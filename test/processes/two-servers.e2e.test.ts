/**
 * Several server processes serving one platform on one data directory, as `npm start` twice would (behind a load
 * balancer, or during a rolling restart): writes through either and through the CLI reach the subscribers of both, a
 * read model held locked by another process for longer than SQLite waits only delays its projection, and a server
 * killed with SIGKILL loses nothing it acknowledged; a mutation retried with its idempotency key afterwards answers its
 * first outcome.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Platform } from '../../domain/platform.js';
import { loadConfig } from '../../infra/config.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { sampleMetadata } from '../support/fixtures.js';
import { eventually, type ServerProcess, startServerProcess } from '../support/server-process.js';
import { tempDir } from '../support/temp-dir.js';

const PUBLISHED = `subscription { resourcePublished(siteId: "portal") { id title } }`;
const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId events } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { status } }`;
const PUBLISH = `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["policies"] }) { status indexNumber } }`;

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('two server processes on one data directory', () => {
  const dir = tempDir('two-servers');
  const env = { DATA_DIR: dir.path, AUDIT_CHECKPOINT_INTERVAL_MS: '0', RATE_LIMIT_PER_MINUTE: '100000' };
  const tokens: Record<string, string> = {};
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const store = openSqliteEventStore(dir.path);
    await createDemoPlatform(new Platform(store));
    await store.close();
    const key = await localSigningKey(loadConfig(env));
    for (const who of ['portal-editor', 'portal-editor2', 'portal-reviewer', 'portal-approver'])
      tokens[who] = await key.issue(who);
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    await eventually('both servers ready', async () => (await a.ready()) && (await b.ready()), 120_000);
  }, 180_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    dir.remove();
  });

  async function publishThrough(server: ServerProcess, resourceId: string, title: string, headers = {}) {
    const draft = await server.gql(
      DRAFT,
      { input: { resourceId, siteId: 'portal', metadata: sampleMetadata({ title }) } },
      tokens['portal-editor'],
      headers,
    );
    expect(draft.errors, resourceId).toBeUndefined();
    for (const [mutation, who] of [
      ['submitResource', 'portal-editor'],
      ['passFirstReview', 'portal-editor2'],
      ['passSecondReview', 'portal-reviewer'],
      ['passFinalReview', 'portal-approver'],
    ] as const)
      expect((await server.gql(step(mutation), { id: resourceId }, tokens[who])).errors, mutation).toBeUndefined();
    const published = await server.gql(PUBLISH, { id: resourceId }, tokens['portal-approver']);
    expect(published.errors, 'publish').toBeUndefined();
  }

  it('every publication, through either server or the CLI, reaches the subscribers of both; both stay ready', async () => {
    const onA = a.subscribe(PUBLISHED, {}, tokens['portal-editor']!);
    const onB = b.subscribe(PUBLISHED, {}, tokens['portal-editor']!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const corpus = join(dir.path, 'five.jsonl');
    writeFileSync(corpus, `${readFileSync(SAMPLE_CORPUS_PATH, 'utf8').split('\n').slice(0, 5).join('\n')}\n`);
    const cli = run(['infra/cli.ts', 'demo', corpus], env);
    await publishThrough(a, 'via-a', '关于经甲服务器发布的通知');
    await publishThrough(b, 'via-b', '关于经乙服务器发布的通知');
    expect((await cli).code).toBe(0);
    const ids = (s: typeof onA) =>
      s.received.map((m) => (m as { data: { resourcePublished: { id: string } } }).data.resourcePublished.id);
    await eventually(
      '7 publications on both',
      () => new Set(ids(onA)).size >= 7 && new Set(ids(onB)).size >= 7,
      60_000,
    );
    for (const subscriber of [onA, onB]) {
      expect(subscriber.errors).toEqual([]);
      expect(ids(subscriber)).toEqual([...new Set(ids(subscriber))]);
      expect(ids(subscriber)).toEqual(expect.arrayContaining(['via-a', 'via-b']));
    }
    await eventually('both ready', async () => (await a.ready()) && (await b.ready()));
  }, 180_000);

  it('a subscription resumes on the other server from a cursor the first one gave: exactly what it missed, in order', async () => {
    const RESUMABLE = `subscription($after: String) { resourcePublished(siteId: "portal", after: $after) { id cursor } }`;
    type Published = { data: { resourcePublished: { id: string; cursor: string } } };
    const published = (s: { received: Array<Record<string, unknown>> }) =>
      s.received.map((m) => (m as Published).data.resourcePublished);
    const onA = a.subscribe(RESUMABLE, {}, tokens['portal-editor']!);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await publishThrough(a, 'resume-a1', '关于续订游标的第一份通知');
    await eventually('resume-a1 on A', () => published(onA).some((p) => p.id === 'resume-a1'));
    const cursor = published(onA).at(-1)!.cursor;
    await onA.close();

    await publishThrough(b, 'resume-b1', '关于续订游标的第二份通知');
    await publishThrough(a, 'resume-a2', '关于续订游标的第三份通知');
    const onB = b.subscribe(RESUMABLE, { after: cursor }, tokens['portal-editor']!);
    await eventually('the two missed on B', () => published(onB).length >= 2);
    await publishThrough(b, 'resume-b2', '关于续订游标的第四份通知');
    await eventually('the live one on B', () => published(onB).length >= 3);
    expect(onB.errors).toEqual([]);
    expect(published(onB).map((p) => p.id)).toEqual(['resume-b1', 'resume-a2', 'resume-b2']);
    await onB.close();
  }, 120_000);

  it('a read model held locked by another process past SQLite’s wait delays its projection and never fails it', async () => {
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(join(dir.path, 'workflow.sqlite'))});
         db.exec('BEGIN EXCLUSIVE'); process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, 12000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const draft = await a.gql(
      DRAFT,
      {
        input: { resourceId: 'while-locked', siteId: 'portal', metadata: sampleMetadata({ title: '锁定期间的草稿' }) },
      },
      tokens['portal-editor'],
    );
    expect(draft.errors).toBeUndefined();
    await new Promise((resolve) => holder.once('exit', resolve));
    const workflow = async (server: ServerProcess) => {
      const response = await fetch(`${server.url}/readyz`);
      const body = (await response.json()) as {
        projections: Array<{ name: string; state: string; transientRetries: number; failure: unknown }>;
      };
      return body.projections.find((p) => p.name === 'workflow')!;
    };
    await eventually('both ready after the lock', async () => (await a.ready()) && (await b.ready()), 60_000);
    for (const server of [a, b]) {
      const status = await workflow(server);
      expect(status.state).toBe('live');
      expect(status.failure).toBeNull();
    }
    // At least one of the two waited the lock out as a transient error rather than an event it could not handle.
    expect((await workflow(a)).transientRetries + (await workflow(b)).transientRetries).toBeGreaterThan(0);
  }, 120_000);

  it('SIGKILL of one server during writes: the other serves on, the restarted one catches up, nothing acknowledged is lost', async () => {
    const acknowledged: string[] = [];
    let inFlight: string | null = null;
    const writing = (async () => {
      for (let i = 0; i < 200; i++) {
        inFlight = `k-${i}`;
        const response = await a
          .gql(
            DRAFT,
            { input: { resourceId: inFlight, siteId: 'portal', metadata: sampleMetadata({ title: `第${i}号草稿` }) } },
            tokens['portal-editor'],
            { 'idempotency-key': `draft-${inFlight}-0001` },
          )
          .catch(() => null);
        if (!response) return;
        expect(response.errors).toBeUndefined();
        acknowledged.push(inFlight);
        inFlight = null;
      }
    })();
    await eventually('some drafts acknowledged', () => acknowledged.length >= 5);
    await a.kill();
    await writing;
    expect(await b.ready()).toBe(true);
    const SITE_WORKFLOW = `query { siteWorkflow(siteId: "portal", statuses: [draft]) { resourceId } }`;
    const draftsOn = async (server: ServerProcess) =>
      new Set(
        (
          (
            await server.gql<{ siteWorkflow: Array<{ resourceId: string }> }>(
              SITE_WORKFLOW,
              {},
              tokens['portal-editor'],
            )
          ).data?.siteWorkflow ?? []
        ).map((d) => d.resourceId),
      );
    await eventually('the other server holds every acknowledged draft', async () => {
      const drafts = await draftsOn(b);
      return acknowledged.every((id) => drafts.has(id));
    });
    a = await startServerProcess(env);
    await eventually('the restarted server ready', () => a.ready(), 120_000);
    const drafts = await draftsOn(a);
    for (const id of acknowledged) expect(drafts.has(id), id).toBe(true);
    // The answer lost with the killed server: retried with its key, the command answers its first outcome, once.
    if (inFlight) {
      const retried = await a.gql<{ draftResource: { resourceId: string; events: string[] } }>(
        DRAFT,
        { input: { resourceId: inFlight, siteId: 'portal', metadata: sampleMetadata({ title: '重试' }) } },
        tokens['portal-editor'],
        { 'idempotency-key': `draft-${inFlight}-0001` },
      );
      expect(retried.errors).toBeUndefined();
      expect(retried.data!.draftResource.events).toEqual(['ResourceDrafted']);
      const again = await a.gql<{ draftResource: { events: string[] } }>(
        DRAFT,
        { input: { resourceId: inFlight, siteId: 'portal', metadata: sampleMetadata({ title: '重试' }) } },
        tokens['portal-editor'],
        { 'idempotency-key': `draft-${inFlight}-0001` },
      );
      expect(again.data!.draftResource.events).toEqual(['ResourceDrafted']);
    }
  }, 240_000);
});
