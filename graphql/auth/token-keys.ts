/**
 * How bearer tokens are checked. In production the platform's unified identity provider signs them and publishes
 * its keys (a JWKS URL); on a single machine the platform signs its own with a local Ed25519 key kept in the data
 * directory, and `npm run cli -- token <personId>` issues one for a registered person.
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  type KeyObject,
  SignJWT,
} from 'jose';
import { isReservedActorId } from '../../domain/shared/actor.js';
import { keyFileOnce } from './key-file.js';

export const DEFAULT_ISSUER = 'luan-resource-library';
export const DEFAULT_AUDIENCE = 'resource-library-api';
/** Twelve hours: a working day with overtime; the local `token` command issues eight-hour tokens. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 12 * 3600;

export interface TokenSettings {
  issuer: string;
  audience: string;
  /** Tokens valid for longer than this (from `iat`, or from now when absent) are refused. */
  maxLifetimeSeconds?: number;
}

export class InvalidToken extends Error {
  readonly code = 'UNAUTHENTICATED';
}

/** Verifies a bearer token and returns the person it names (the `sub` claim). */
export type TokenVerifier = (token: string) => Promise<string>;

/** Verified tokens remembered, so a client's every request does not pay for a signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

function verifierFor(key: KeyObject | JWTVerifyGetKey, settings: TokenSettings): TokenVerifier {
  // A token never changes, so once its signature checked out it stays good until it expires; what a person may do
  // is read from their Person stream on every request, so a revocation is not delayed by this.
  const verified = new Map<string, { subject: string; expiresAt: number }>();
  const maxLifetime = settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  return async (token) => {
    const known = verified.get(token);
    if (known && known.expiresAt > Date.now()) return known.subject;
    try {
      const { payload } = await jwtVerify(token, key as never, {
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ['exp', 'sub'],
      });
      const subject = payload.sub!;
      // A token names a person; the platform and machines act under ids no identity provider may hand out.
      if (isReservedActorId(subject))
        throw new InvalidToken(`the token's subject ${subject} names the platform or a machine, not a person`);
      const now = Math.floor(Date.now() / 1000);
      const issued = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now;
      const lifetime = payload.exp! - issued;
      if (lifetime > maxLifetime)
        throw new InvalidToken(
          `the token's lifetime of ${lifetime} s exceeds the maximum of ${maxLifetime} s; ask for a shorter-lived token`,
        );
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
      verified.set(token, { subject, expiresAt: payload.exp! * 1000 });
      return subject;
    } catch (error) {
      verified.delete(token);
      if (error instanceof InvalidToken) throw error;
      throw new InvalidToken(`invalid token: ${(error as Error).message}`);
    }
  };
}

export function jwksVerifier(url: string, settings: TokenSettings): TokenVerifier {
  return verifierFor(createRemoteJWKSet(new URL(url)), settings);
}

/** The embedded signing key: created on first use, then read back, so tokens survive restarts. */
export class LocalSigningKey {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    private readonly settings: TokenSettings,
  ) {}

  static async open(filename: string, settings: TokenSettings): Promise<LocalSigningKey> {
    // Made before it is known to be needed (key generation is async, the file's creation must not be).
    const { privateKey: fresh } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const made = JSON.stringify(await exportJWK(fresh));
    const jwk = JSON.parse(keyFileOnce(filename, () => made)) as JWK;
    const privateKey = (await importJWK(jwk, 'EdDSA')) as KeyObject;
    const { d: _, ...publicJwk } = jwk;
    const publicKey = (await importJWK(publicJwk, 'EdDSA')) as KeyObject;
    return new LocalSigningKey(privateKey, publicKey, settings);
  }

  /** A token for `personId`; one that the verifier would refuse for its lifetime is not issued. */
  async issue(personId: string, expiresIn = '8h'): Promise<string> {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA' })
      .setSubject(personId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.privateKey);
    const { exp = 0, iat = 0 } = decodeJwt(token);
    const maxLifetime = this.settings.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
    if (exp - iat > maxLifetime)
      throw new InvalidToken(
        `a token valid for ${expiresIn} would outlive the maximum lifetime of ${maxLifetime} s (AUTH_MAX_TOKEN_LIFETIME_SECONDS)`,
      );
    return token;
  }

  verifier(): TokenVerifier {
    return verifierFor(this.publicKey, this.settings);
  }
}
