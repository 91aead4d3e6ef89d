/**
 * Who may read the embedded feed over HTTP and post to its inbound topic: the provincial library, with credentials
 * of its own (`rlf.<id>.<secret>`, sent as `Authorization: Bearer …`). Nobody reads anonymously. Only the SHA-256 of
 * each secret is kept, in a JSON file (`feed-credentials.json` under DATA_DIR unless FEED_CREDENTIALS_FILE says
 * otherwise), written by `npm run cli -- feed credential …` and read again by the server whenever it changes, so a
 * revocation bites on the next request without a restart.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const credentialSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  name: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const fileSchema = z.strictObject({ credentials: z.array(credentialSchema) });

export type FeedCredential = z.infer<typeof credentialSchema>;

const CREDENTIAL = /^rlf\.([0-9a-f]{16})\.([A-Za-z0-9_-]{32})$/;
const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export class FeedCredentials {
  private cached: { mtimeMs: number; size: number; credentials: FeedCredential[] } | null = null;

  constructor(readonly file: string) {}

  list(): FeedCredential[] {
    if (!existsSync(this.file)) return [];
    const stat = statSync(this.file);
    if (this.cached?.mtimeMs === stat.mtimeMs && this.cached.size === stat.size) return this.cached.credentials;
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) throw new Error(`${this.file} is not a feed credentials file: ${parsed.error.message}`);
    this.cached = { mtimeMs: stat.mtimeMs, size: stat.size, credentials: parsed.data.credentials };
    return parsed.data.credentials;
  }

  /** A new credential for `name`; the returned text is shown once and never stored. */
  issue(name: string, at = new Date()): { id: string; credential: string } {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(24).toString('base64url');
    this.save([...this.list(), { id, name, sha256: hash(secret), createdAt: at.toISOString(), revokedAt: null }]);
    return { id, credential: `rlf.${id}.${secret}` };
  }

  revoke(id: string, at = new Date()): boolean {
    const credentials = this.list();
    const found = credentials.find((c) => c.id === id && c.revokedAt === null);
    if (!found) return false;
    this.save(credentials.map((c) => (c === found ? { ...c, revokedAt: at.toISOString() } : c)));
    return true;
  }

  /** The credential a presented text stands for, when it is genuine and not revoked. */
  verify(presented: string): FeedCredential | null {
    const match = CREDENTIAL.exec(presented);
    if (!match) return null;
    const found = this.list().find((c) => c.id === match[1] && c.revokedAt === null);
    if (!found) return null;
    const given = Buffer.from(hash(match[2]!), 'hex');
    const stored = Buffer.from(found.sha256, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored) ? found : null;
  }

  private save(credentials: FeedCredential[]): void {
    mkdirSync(dirname(this.file), { recursive: true });
    // Written aside and renamed over: a reader never sees half a file.
    const next = `${this.file}.${process.pid}.tmp`;
    writeFileSync(next, `${JSON.stringify({ credentials }, null, 2)}\n`, { mode: 0o600 });
    renameSync(next, this.file);
    this.cached = null;
  }
}
