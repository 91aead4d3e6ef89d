/**
 * The audit log over the real server: the trail (R-REVIEW-5) and the proofs (R-SEC-1) over GraphQL, the trail as CSV,
 * the tlog-tiles paths, and the outside verifier run against the server's URL. Proofs are checked here with the
 * verifier's own RFC 9162 code, not the server's.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leafHashOfText } from '../../domain/audit/tree-hash.js';
import { verifyConsistency, verifyInclusion } from '../../infra/audit-verifier/rfc9162.js';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`;
const step = (name: string) => `mutation($id: ID!) { ${name}(input: { resourceId: $id }) { status } }`;
const PROOFS = `query($id: ID!) { resourceProofs(resourceId: $id) {
  leafIndex eventId entry leafHash entryMatchesLeaf treeSize hashes checkpoint } }`;

const b64 = (text: string) => Buffer.from(text, 'base64');
/** The root hash a signed checkpoint commits to (its third line). */
const rootOf = (note: string) => b64(note.split('\n')[2]!);

describe('audit log over HTTP (R-SEC-1, R-REVIEW-5)', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApiServer({ AUDIT_CHECKPOINT_INTERVAL_MS: '0' });
    for (const who of ['auditor', 'admin', 'jinan-editor', 'jinan-editor2', 'jinan-reviewer', 'jinan-approver'])
      tokens[who] = await api.token(who);
    const id = 'audit-1';
    const input = { resourceId: id, siteId: 'jinan', metadata: sampleMetadata({ title: '关于审计日志的通知' }) };
    expect((await api.gql(DRAFT, { input }, tokens['jinan-editor'])).errors).toBeUndefined();
    for (const [mutation, who] of [
      ['submitResource', 'jinan-editor'],
      ['passFirstReview', 'jinan-editor2'],
      ['passSecondReview', 'jinan-reviewer'],
      ['passFinalReview', 'jinan-approver'],
    ] as const)
      expect((await api.gql(step(mutation), { id }, tokens[who])).errors).toBeUndefined();
    await api.settle();
    api.c.auditLog.checkpointer.checkpointNow();
  }, 120_000);
  afterAll(async () => api?.close());

  it('R-SEC-1: an auditor gets a resource’s events with inclusion proofs that hold against the signed checkpoint', async () => {
    const result = await api.gql<{
      resourceProofs: Array<{
        leafIndex: number;
        entry: string;
        leafHash: string;
        entryMatchesLeaf: boolean;
        treeSize: number;
        hashes: string[];
        checkpoint: string;
      }>;
    }>(PROOFS, { id: 'audit-1' }, tokens.auditor);
    expect(result.errors).toBeUndefined();
    const proofs = result.data!.resourceProofs;
    expect(proofs).toHaveLength(5);
    for (const proof of proofs) {
      expect(proof.entryMatchesLeaf).toBe(true);
      expect(JSON.parse(proof.entry).stream).toBe('resource-audit-1');
      // The auditor's own hashing: the leaf from the entry, the path up to the checkpoint's root.
      expect(leafHashOfText('sha256', proof.entry).toString('base64')).toBe(proof.leafHash);
      verifyInclusion(
        'sha256',
        proof.leafIndex,
        proof.treeSize,
        b64(proof.leafHash),
        proof.hashes.map(b64),
        rootOf(proof.checkpoint),
      );
    }
  });

  it('R-SEC-1: a site editor is refused the proofs, and the consistency proof joins two checkpoints', async () => {
    const refused = await api.gql(PROOFS, { id: 'audit-1' }, tokens['jinan-editor']);
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const first = api.c.auditLog.checkpoints.latest()!;
    await api.gql(
      step('rejectResource').replace('{ resourceId: $id }', '{ resourceId: $id, reason: "再核对" }'),
      { id: 'audit-1' },
      tokens['jinan-approver'],
    );
    await api.settle();
    const second = api.c.auditLog.checkpointer.checkpointNow();
    expect(second.size).toBeGreaterThan(first.size);
    const proof = await api.gql<{
      consistencyProof: { hashes: string[]; fromCheckpoint: string; toCheckpoint: string };
    }>(
      `query($a: Int!, $b: Int!) { consistencyProof(fromSize: $a, toSize: $b) { hashes fromCheckpoint toCheckpoint } }`,
      { a: first.size, b: second.size },
      tokens.auditor,
    );
    expect(proof.errors).toBeUndefined();
    const { hashes, fromCheckpoint, toCheckpoint } = proof.data!.consistencyProof;
    verifyConsistency('sha256', first.size, second.size, hashes.map(b64), rootOf(fromCheckpoint), rootOf(toCheckpoint));
  });

  it('R-REVIEW-5: the trail names who did what in which role; a site’s staff see their own site’s only (R-SEC-2)', async () => {
    const TRAIL = `query($f: AuditTrailFilter) { auditTrail(filter: $f, order: OLDEST, first: 50) {
      edges { node { kind eventType actorId actorRole siteId resourceId leafIndex } } } }`;
    const all = await api.gql<{ auditTrail: { edges: Array<{ node: Record<string, unknown> }> } }>(
      TRAIL,
      { f: { resourceId: 'audit-1' } },
      tokens.auditor,
    );
    expect(all.errors).toBeUndefined();
    expect(all.data!.auditTrail.edges.map((e) => [e.node.eventType, e.node.actorId, e.node.actorRole])).toEqual([
      ['ResourceDrafted', 'jinan-editor', 'editor'],
      ['ResourceSubmitted', 'jinan-editor', 'editor'],
      ['FirstReviewPassed', 'jinan-editor2', 'editor'],
      ['SecondReviewPassed', 'jinan-reviewer', 'reviewer'],
      ['FinalReviewPassed', 'jinan-approver', 'approver'],
      ['ResourceRejected', 'jinan-approver', 'approver'],
    ]);
    const own = await api.gql<{ auditTrail: { edges: Array<{ node: { siteId: string } }> } }>(
      TRAIL,
      {},
      tokens['jinan-editor'],
    );
    expect(own.errors).toBeUndefined();
    expect(new Set(own.data!.auditTrail.edges.map((e) => e.node.siteId))).toEqual(new Set(['jinan']));
    const other = await api.gql(TRAIL, { f: { siteId: 'portal' } }, tokens['jinan-editor']);
    expect(other.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('R-REVIEW-5: the trail downloads as CSV for spreadsheets; without a token it is refused', async () => {
    const csv = await fetch(`${api.url}/audit/trail.csv?resourceId=audit-1`, {
      headers: { authorization: `Bearer ${tokens.auditor}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte-order mark, so that a spreadsheet reads the Chinese as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.trim().split('\r\n')).toHaveLength(1 + 6);
    expect(text).toContain('SecondReviewPassed');
    expect((await fetch(`${api.url}/audit/trail.csv`)).status).toBe(401);
    const bad = await fetch(`${api.url}/audit/trail.csv?kinds=nonsense`, {
      headers: { authorization: `Bearer ${tokens.auditor}` },
    });
    expect(bad.status).toBe(400);
  });

  it('R-SEC-1: checkpoints and tiles are public, entry bundles are the auditors’, and the verifier holds the log', async () => {
    const checkpoint = await fetch(`${api.url}/audit/checkpoint`);
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers.get('cache-control')).toBe('public, max-age=5');
    const size = Number((await checkpoint.text()).split('\n')[1]);
    const tile = await fetch(`${api.url}/audit/tile/0/000${size >= 256 ? '' : `.p/${size}`}`);
    expect(tile.status).toBe(200);
    expect((await fetch(`${api.url}/audit/tile/entries/000${size >= 256 ? '' : `.p/${size}`}`)).status).not.toBe(403);
    // The platform's own machine (loopback) reads entries without a token, so the verifier needs only the key.
    const statePath = mkdtempSync(join(tmpdir(), 'verifier-state-'));
    try {
      const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'infra/audit-verifier/main.ts',
            api.url,
            '--key-file',
            join(api.c.config.DATA_DIR, 'audit-verifier-key.txt'),
            '--state',
            statePath,
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      });
      expect(run.code, run.out).toBe(0);
    } finally {
      rmSync(statePath, { recursive: true, force: true });
    }
  }, 60_000);
});
