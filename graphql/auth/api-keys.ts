/**
 * API keys as clients present them: `rlk.<keyId>.<secret>`. Only the SHA-256 of the secret is ever stored (in the
 * ApiKeyCreated event); a presented key is checked against it in constant time, and against revocation, on every
 * request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AggregateReader } from '../../domain/shared/aggregate-reader.js';

export interface NewApiKey {
  keyId: string;
  secretHash: string;
  /** Shown to its creator once; never stored. */
  key: string;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function newApiKey(): NewApiKey {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { keyId, secretHash: hash(secret), key: `rlk.${keyId}.${secret}` };
}

/** The key's id and site when the key is genuine and not revoked; null otherwise. */
export async function verifyApiKey(
  reader: AggregateReader,
  key: string,
): Promise<{ keyId: string; siteId: string } | null> {
  const match = /^rlk\.([0-9a-f]{16})\.([A-Za-z0-9_-]{32})$/.exec(key);
  if (!match) return null;
  const state = await reader.apiKey(match[1]!);
  if (!state.exists || state.revoked) return null;
  const presented = Buffer.from(hash(match[2]!), 'hex');
  const stored = Buffer.from(state.secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored)
    ? { keyId: state.keyId, siteId: state.siteId }
    : null;
}
