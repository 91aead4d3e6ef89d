/**
 * The audit log's signing key. Production names a file (`AUDIT_SIGNING_KEY_FILE`, mounted from a secret store)
 * holding a signer key in the Go note format; the embedded default makes one in `DATA_DIR` on first use, named by
 * `AUDIT_ORIGIN` or, without it, by a random name that keeps two data directories from passing for one log.
 * The matching verifier key is written beside it, `DATA_DIR/audit-verifier-key.txt`: what is published for auditors,
 * and what `npm run verify` pins by default on this machine.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoteSigner, signerKeyText } from '../../domain/audit/note-signer.js';
import { keyFileOnce } from '../../graphql/auth/key-file.js';

export const SIGNING_KEY_FILE = 'audit-signing-key.txt';
export const VERIFIER_KEY_FILE = 'audit-verifier-key.txt';

export interface AuditKeyConfig {
  DATA_DIR: string;
  AUDIT_ORIGIN?: string | undefined;
  AUDIT_SIGNING_KEY_FILE?: string | undefined;
}

function newSignerKey(origin: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  return signerKeyText(origin, seed);
}

export function loadAuditSigner(config: AuditKeyConfig): NoteSigner {
  const local = join(config.DATA_DIR, SIGNING_KEY_FILE);
  const file = config.AUDIT_SIGNING_KEY_FILE ?? local;
  if (config.AUDIT_SIGNING_KEY_FILE && !existsSync(file))
    throw new Error(`AUDIT_SIGNING_KEY_FILE: ${file} does not exist`);
  const text = config.AUDIT_SIGNING_KEY_FILE
    ? readFileSync(file, 'utf8')
    : keyFileOnce(local, () => {
        const origin = config.AUDIT_ORIGIN ?? `resource-library.local/${randomBytes(4).toString('hex')}`;
        return `${newSignerKey(origin)}\n`;
      });
  const signer = new NoteSigner(text);
  if (config.AUDIT_ORIGIN && signer.name !== config.AUDIT_ORIGIN) {
    throw new Error(`AUDIT_ORIGIN is ${config.AUDIT_ORIGIN}, but the signing key in ${file} is named ${signer.name}`);
  }
  const published = join(config.DATA_DIR, VERIFIER_KEY_FILE);
  const current = existsSync(published) ? readFileSync(published, 'utf8').trim() : null;
  if (current !== signer.verifierKey) {
    // Written apart and renamed into place: a verifier reading it meanwhile never sees half a key.
    mkdirSync(config.DATA_DIR, { recursive: true });
    const draft = `${published}.${process.pid}`;
    writeFileSync(draft, `${signer.verifierKey}\n`);
    renameSync(draft, published);
  }
  return signer;
}
