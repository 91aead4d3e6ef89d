/**
 * A key file in the data directory that is made on first use: several processes starting at once on a fresh data
 * directory (two servers, a server and the CLI) must all end up with the same key, and none may read a half-written
 * one. So the key is written to a file of its own and linked into place, which succeeds for exactly one of them; the
 * others read what the winner linked.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The file's text, after creating it with `make()` if it does not exist yet. */
export function keyFileOnce(filename: string, make: () => string): string {
  if (!existsSync(filename)) {
    mkdirSync(dirname(filename), { recursive: true });
    const draft = `${filename}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, make(), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, filename);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return readFileSync(filename, 'utf8');
}
