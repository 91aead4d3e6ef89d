import { join } from 'node:path';
import { jwksVerifier, LocalSigningKey, type TokenVerifier } from '../graphql/auth/token-keys.js';
import type { Config } from './config.js';

export const SIGNING_KEY_FILE = 'signing-key.jwk.json';

/** Production verifies the identity provider's tokens against its JWKS; the embedded default, its own local key. */
export async function tokenVerifier(config: Config): Promise<TokenVerifier> {
  const settings = {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
  };
  if (config.AUTH_JWKS_URL) return jwksVerifier(config.AUTH_JWKS_URL, settings);
  return (await localSigningKey(config)).verifier();
}

export function localSigningKey(config: Config): Promise<LocalSigningKey> {
  return LocalSigningKey.open(join(config.DATA_DIR, SIGNING_KEY_FILE), {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    maxLifetimeSeconds: config.AUTH_MAX_TOKEN_LIFETIME_SECONDS,
  });
}
