/**
 * The outside verifier shares no code with the server beyond the hash primitives: its files import Node's built-ins,
 * npm packages, each other, and domain/audit/tree-hash.ts, nothing else of the project. A fault in the server's proof
 * code can then not hide behind the same fault in the check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDER = join(import.meta.dirname, '..', '..', 'infra', 'audit-verifier');

describe('R-SEC-1 verifier independence', () => {
  it('imports nothing of the server but the hashing primitives', () => {
    const files = readdirSync(FOLDER).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(join(FOLDER, file), 'utf8');
      const specifiers = [
        ...source.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g),
      ].map((m) => m[1] ?? m[2]!);
      for (const specifier of specifiers) {
        const allowed =
          specifier.startsWith('node:') ||
          /^\.\/[a-z0-9-]+\.js$/.test(specifier) ||
          specifier === '../../domain/audit/tree-hash.js' ||
          !specifier.startsWith('.');
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
