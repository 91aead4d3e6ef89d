/**
 * The audit log end to end on the embedded store: the tree projection over every event, signed checkpoints, the
 * tlog-tiles routes on a bare fastify (paths, widths, cache headers, compression, the 16-bit framing limit) and the
 * proofs the API will serve, checked with the outside verifier's own RFC 9162 code.
 */
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventLeafText } from '../../domain/audit/event-leaf.js';
import { leafHash, leafHashOfText } from '../../domain/audit/tree-hash.js';
import { loadAuditSigner } from '../../infra/audit/audit-signing-key.js';
import { openNote, parseCheckpoint, parseVerifierKey } from '../../infra/audit-verifier/note.js';
import { verifyConsistency, verifyInclusion } from '../../infra/audit-verifier/rfc9162.js';
import { Checkpointer, TreeForked } from '../../projections/audit-log/checkpointer.js';
import { AuditLogFixture } from '../support/audit-log-fixture.js';

const b64 = (s: string) => Buffer.from(s, 'base64');

function unframe(body: Buffer, bytes: 2 | 4): string[] {
  const out: string[] = [];
  for (let at = 0; at < body.length; ) {
    const n = bytes === 2 ? body.readUInt16BE(at) : body.readUInt32BE(at);
    out.push(body.subarray(at + bytes, at + bytes + n).toString('utf8'));
    at += bytes + n;
  }
  return out;
}

describe('R-SEC-1 audit log', () => {
  let f: AuditLogFixture;
  let positions: number[];

  beforeAll(async () => {
    f = await AuditLogFixture.start();
    // 600 events: two full level-0 tiles and a partial one of 88; event 300 is too long for a 16-bit entry length.
    positions = await f.append(600, (i) => ({ n: i, body: i === 300 ? '长'.repeat(30_000) : `第${i}号` }));
    f.sign();
  });
  afterAll(() => f.dispose());

  it('makes every event of the log a leaf, in $all order', async () => {
    expect(f.log.tree.size()).toBe(600);
    const events = await f.store.readAll({ maxCount: 1000 });
    const tile = f.log.tree.tile(0, 0)!;
    for (const [i, event] of events.slice(0, 256).entries()) {
      expect(leafHashOfText('sha256', eventLeafText(event)).equals(tile.subarray(i * 32, (i + 1) * 32))).toBe(true);
    }
    expect(f.log.tree.leafIndexOf(positions[431]!)).toBe(431);
    expect(f.log.tree.leafPosition(599)).toBe(positions[599]);
    expect(f.log.tree.leafIndexOf(positions[599]! + 1000)).toBeNull();
  });

  it('serves a checkpoint signed by the published key, naming origin, size, root and hash', async () => {
    const response = await fetch(`${f.url}/audit/checkpoint`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=5');
    const note = await response.text();
    const key = parseVerifierKey(readFileSync(`${f.dataDir}/audit-verifier-key.txt`, 'utf8'));
    const checkpoint = parseCheckpoint(openNote(note, key), note);
    expect(checkpoint).toMatchObject({ origin: key.name, size: 600, algorithm: 'sha256' });
    expect(checkpoint.rootHash.equals(f.log.tree.merkleTree().rootHash(600))).toBe(true);
    expect(note.split('\n')[3]).toBe('hash sha256');
  });

  it('serves full and partial tiles at their tlog-tiles paths, immutable', async () => {
    const full = await fetch(`${f.url}/audit/tile/0/001`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('application/octet-stream');
    expect(full.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await full.arrayBuffer()).length).toBe(8192);
    const partial = Buffer.from(await (await fetch(`${f.url}/audit/tile/0/002.p/88`)).arrayBuffer());
    expect(partial.length).toBe(88 * 32);
    // A narrower partial tile is a prefix of the wider one; level 1 holds the roots of the two full tiles.
    const narrow = Buffer.from(await (await fetch(`${f.url}/audit/tile/0/002.p/10`)).arrayBuffer());
    expect(narrow.equals(partial.subarray(0, 320))).toBe(true);
    expect(Buffer.from(await (await fetch(`${f.url}/audit/tile/1/000.p/2`)).arrayBuffer()).length).toBe(64);
    expect((await fetch(`${f.url}/audit/tile/0/002`)).status).toBe(404);
    expect((await fetch(`${f.url}/audit/tile/0/002.p/89`)).status).toBe(404);
    expect((await fetch(`${f.url}/audit/tile/0/003.p/1`)).status).toBe(404);
    for (const bad of ['0/2', '0/x000/002', '0/002.p/0', '0/002.p/256', '64/000', 'x/000'])
      expect((await fetch(`${f.url}/audit/tile/${bad}`)).status, bad).toBe(400);
  });

  it('serves entry bundles read from the event store, gzipped on request, and the long entry at the uint32 URL', async () => {
    const events = await f.store.readAll({ maxCount: 1000 });
    const first = await fetch(`${f.url}/audit/tile/entries/000`, { headers: { 'accept-encoding': 'identity' } });
    expect(first.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(unframe(Buffer.from(await first.arrayBuffer()), 2)).toEqual(events.slice(0, 256).map(eventLeafText));
    const gz = await new Promise<{ encoding?: string; body: Buffer }>((resolve) =>
      http.get(`${f.url}/audit/tile/entries/002.p/88`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }),
    );
    expect(gz.encoding).toBe('gzip');
    expect(unframe(gunzipSync(gz.body), 2)).toEqual(events.slice(512, 600).map(eventLeafText));
    const long = await fetch(`${f.url}/audit/tile/entries/001`);
    expect(long.status).toBe(404);
    expect(long.headers.get('link')).toBe('</audit/tile/entries-u32/001>; rel="alternate"');
    const u32 = unframe(Buffer.from(await (await fetch(`${f.url}/audit/tile/entries-u32/001`)).arrayBuffer()), 4);
    expect(u32).toEqual(events.slice(256, 512).map(eventLeafText));
    expect(Buffer.byteLength(u32[300 - 256]!)).toBeGreaterThan(0xffff);
  });

  it('proves an event included in a signed checkpoint, and two checkpoints consistent', async () => {
    const proof = await f.log.reader.inclusionProof(positions[123]!);
    expect(proof).toMatchObject({ leafIndex: 123, treeSize: 600, entryMatchesLeaf: true });
    expect(proof.hashes).toHaveLength(Math.ceil(Math.log2(600)));
    const checkpoint = parseCheckpoint(
      proof.checkpoint.slice(0, proof.checkpoint.indexOf('\n\n') + 1),
      proof.checkpoint,
    );
    verifyInclusion(
      'sha256',
      123,
      600,
      leafHash('sha256', Buffer.from(proof.entry)),
      proof.hashes.map(b64),
      checkpoint.rootHash,
    );

    await f.append(100);
    f.sign();
    const later = await f.log.reader.inclusionProof(positions[123]!, 700);
    expect(later.treeSize).toBe(700);
    const consistency = f.log.reader.consistencyProof(600, 700);
    const root = (size: number) => f.log.checkpoints.ofSize(size)!.rootHash;
    verifyConsistency('sha256', 600, 700, consistency.hashes.map(b64), root(600), root(700));
    expect(f.log.reader.listCheckpoints().map((c) => c.size)).toEqual([700, 600]);
    await expect(f.log.reader.inclusionProof(positions[123]!, 650)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('signs nothing new while the tree has not grown, and signs on a timer once it has', async () => {
    const before = f.log.checkpoints.latest()!;
    expect(f.sign()).toEqual(before);
    const signed = new Promise<number>((resolve) => {
      const timer = setInterval(() => {
        const latest = f.log.checkpoints.latest()!;
        if (latest.size > before.size) {
          clearInterval(timer);
          resolve(latest.size);
        }
      }, 10);
    });
    await f.append(3);
    const timed = new Checkpointer({
      tree: f.log.tree,
      log: f.log.checkpoints,
      signer: loadAuditSigner({ DATA_DIR: f.dataDir }),
      intervalMs: 50,
    });
    timed.start();
    expect(await signed).toBe(before.size + 3);
    timed.stop();
  });

  it('refuses UPDATE and DELETE on the events table', () => {
    const db = new Database(`${f.dataDir}/events.sqlite`);
    try {
      expect(() => db.prepare("UPDATE events SET data = '{}' WHERE position = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM events WHERE position = 1').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('refuses to sign a tree that no longer extends what it signed (a changed event, the tree rebuilt)', async () => {
    await f.shut();
    const db = new Database(`${f.dataDir}/events.sqlite`);
    db.exec('DROP TRIGGER events_are_never_changed');
    db.prepare(`UPDATE events SET data = json_set(data, '$.n', 'changed') WHERE position = ?`).run(positions[5]);
    db.close();
    rmSync(`${f.dataDir}/audit-tree.sqlite`);
    await f.open();
    await f.append(1);
    expect(() => f.sign()).toThrow(TreeForked);
    expect(f.log.checkpoints.latest()!.size).toBe(703);
  });
});
