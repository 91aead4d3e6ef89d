/**
 * What the verifier trusts between runs, kept on the auditor's side: the last checkpoint it verified and, after a full
 * audit, the hashes of every leaf it recomputed itself. It is filed under the pinned origin and verifier key, never
 * under anything the log says about itself (the lesson of immudb's GHSA-672p-m5jq-mrh8, where a server could reset a
 * client's trusted state by announcing another identity): a log presenting another key or origin starts from nothing
 * and cannot touch this log's record.
 *
 * With the leaf hashes at hand a later run names the first leaf that differs from what it once verified, even when
 * the log was rewritten and its tree rebuilt and re-signed to agree with itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface TrustedState {
  /** The checkpoint note last verified (its signature is checked again on load). */
  note: string;
  /** Leaf hashes 0..n-1 the verifier computed from entries itself (n may be below the checkpoint's size). */
  leaves: Buffer;
}

export function defaultStateDirectory(): string {
  return join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'resource-library-audit-verifier');
}

export class TrustedStateStore {
  readonly directory: string;

  constructor(root: string, origin: string, verifierKey: string) {
    const id = createHash('sha256').update(`${origin}\n${verifierKey}\n`).digest('hex').slice(0, 32);
    this.directory = join(root, id);
  }

  load(): TrustedState | null {
    const note = join(this.directory, 'checkpoint');
    if (!existsSync(note)) return null;
    const leaves = join(this.directory, 'leaves');
    return {
      note: readFileSync(note, 'utf8'),
      leaves: existsSync(leaves) ? readFileSync(leaves) : Buffer.alloc(0),
    };
  }

  save(origin: string, verifierKey: string, note: string, leaves: Buffer | null): void {
    mkdirSync(this.directory, { recursive: true });
    const write = (name: string, data: string | Buffer) => {
      writeFileSync(join(this.directory, `${name}.new`), data);
      renameSync(join(this.directory, `${name}.new`), join(this.directory, name));
    };
    write('identity', `${origin}\n${verifierKey}\n`);
    if (leaves) write('leaves', leaves);
    write('checkpoint', note);
  }
}
