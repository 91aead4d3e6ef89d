/**
 * The RFC 9162 inclusion and consistency vectors of transparency-dev/merkle (test/fixtures/merkle): the outside
 * verifier's proof checks accept exactly the files whose `wantErr` is false. The server's proof generation is held to
 * the same happy paths: built from the RFC's eight test leaves, its tiles give the vectors' proofs byte for byte.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TiledMerkleTree } from '../../domain/audit/merkle-proofs.js';
import { TileBuilder } from '../../domain/audit/tile-builder.js';
import { leafHash } from '../../domain/audit/tree-hash.js';
import { ProofError, verifyConsistency, verifyInclusion } from '../../infra/audit-verifier/rfc9162.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'merkle');

function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.json') ? [path] : [];
  });
}

const b64 = (s: string) => Buffer.from(s, 'base64');

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const inclusion = files(join(FIXTURES, 'inclusion')).map((path) => ({
  path: path.slice(FIXTURES.length + 1),
  v: JSON.parse(readFileSync(path, 'utf8')) as InclusionVector,
}));
const consistency = files(join(FIXTURES, 'consistency')).map((path) => ({
  path: path.slice(FIXTURES.length + 1),
  v: JSON.parse(readFileSync(path, 'utf8')) as ConsistencyVector,
}));

// RFC 6962's test leaves, whose tree of 8 the vectors use.
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];

describe('R-SEC-1 RFC 9162 vectors', () => {
  it('has the vectors', () => {
    expect(inclusion.length).toBeGreaterThan(80);
    expect(consistency.length).toBeGreaterThan(80);
  });

  it.each(inclusion)('inclusion $path', ({ v }) => {
    const check = () =>
      verifyInclusion('sha256', v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    if (v.wantErr) expect(check).toThrow(ProofError);
    else expect(check).not.toThrow();
  });

  it.each(consistency)('consistency $path', ({ v }) => {
    const check = () =>
      verifyConsistency('sha256', v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2));
    if (v.wantErr) expect(check).toThrow(ProofError);
    else expect(check).not.toThrow();
  });

  it('the server builds the happy paths from tiles: same roots, same proofs', () => {
    const tiles = new Map<string, Buffer>();
    const builder = new TileBuilder('sha256', 0, () => Buffer.alloc(0));
    for (const hex of RFC_LEAVES) {
      for (const t of builder.append([leafHash('sha256', Buffer.from(hex, 'hex'))])) {
        tiles.set(`${t.level}/${t.index}`, t.hashes);
      }
    }
    const tree = new TiledMerkleTree('sha256', (l, i) => tiles.get(`${l}/${i}`) ?? null, 8);
    let compared = 0;
    for (const { path, v } of inclusion) {
      if (v.wantErr || v.treeSize > 8 || path.includes('additional') || path.includes('single-entry')) continue;
      expect(tree.rootHash(v.treeSize).toString('base64'), path).toBe(v.root);
      expect(
        tree.inclusionProof(v.leafIdx, v.treeSize).map((h) => h.toString('base64')),
        path,
      ).toEqual(v.proof ?? []);
      compared++;
    }
    for (const { path, v } of consistency) {
      if (v.wantErr || v.size2 > 8 || path.includes('additional')) continue;
      expect(tree.rootHash(v.size1).toString('base64'), path).toBe(v.root1);
      expect(
        tree.consistencyProof(v.size1, v.size2).map((h) => h.toString('base64')),
        path,
      ).toEqual(v.proof ?? []);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });
});
