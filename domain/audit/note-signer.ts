/**
 * Signing in the C2SP signed-note format with Ed25519 (signature type 0x01). A note is its text (ending in a newline),
 * a blank line, and one line per signature: an em dash, a space, the key name, a space, and base64 of the 4-byte key
 * id followed by the signature over the text. The key id is the first 4 bytes of
 * SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key), so a verifier pinned to one key knows which line is its own.
 *
 * Keys are written as Go's golang.org/x/mod/sumdb/note writes them, so that the standard tools read them:
 * verifier key `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, signer key
 * `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`.
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject, sign } from 'node:crypto';

const ED25519 = 0x01;
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410), and SPKI wrapping of a raw public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteKeyError extends Error {
  readonly code = 'NOTE_KEY_INVALID';
}

/** Key names must be non-empty and hold no Unicode space and no plus sign (signed-note). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name);
}

export function noteKeyId(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256')
    .update(name)
    .update(Buffer.from([0x0a, ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

export function ed25519PrivateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function ed25519PublicKeyBytes(key: KeyObject): Buffer {
  const der = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

export function ed25519PublicKeyFromBytes(bytes: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, bytes]), format: 'der', type: 'spki' });
}

export function verifierKeyText(name: string, publicKey: Uint8Array): string {
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

export function signerKeyText(name: string, seed: Uint8Array): string {
  const publicKey = ed25519PublicKeyBytes(ed25519PrivateKeyFromSeed(seed));
  return `PRIVATE+KEY+${name}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`;
}

export class NoteSigner {
  readonly name: string;
  readonly keyId: Buffer;
  readonly publicKey: Buffer;
  private readonly privateKey: KeyObject;

  /** From a signer key text (`PRIVATE+KEY+…`); refuses one whose key id does not match its key. */
  constructor(signerKey: string) {
    // The key itself is base64 and may hold `+`: only the first four separate fields (as Go's note package reads it).
    const fields = signerKey.trim().split('+');
    const parts = [...fields.slice(0, 4), fields.slice(4).join('+')];
    if (fields.length < 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
      throw new NoteKeyError('a signer key reads PRIVATE+KEY+<name>+<key id>+<key>');
    }
    const [, , name, idHex, material] = parts as [string, string, string, string, string];
    if (!isValidKeyName(name)) throw new NoteKeyError(`bad key name ${JSON.stringify(name)}`);
    const bytes = Buffer.from(material, 'base64');
    if (bytes.length !== 33 || bytes[0] !== ED25519) throw new NoteKeyError('only Ed25519 signer keys are supported');
    this.privateKey = ed25519PrivateKeyFromSeed(bytes.subarray(1));
    this.publicKey = ed25519PublicKeyBytes(this.privateKey);
    this.name = name;
    this.keyId = noteKeyId(name, this.publicKey);
    if (this.keyId.toString('hex') !== idHex.toLowerCase()) {
      throw new NoteKeyError(`the key id ${idHex} does not belong to this key (it is ${this.keyId.toString('hex')})`);
    }
  }

  /**
   * A secret for `purpose` derived from this key (HKDF-SHA-256): every process holding the platform's audit key
   * derives the same one, and it reveals nothing of the key.
   */
  deriveSecret(purpose: string): Buffer {
    const seed = this.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    return Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), purpose, 32));
  }

  get verifierKey(): string {
    return verifierKeyText(this.name, this.publicKey);
  }

  /** The signed note: the text, a blank line, this key's signature line. */
  sign(text: string): string {
    if (!text.endsWith('\n')) throw new Error('a note text ends with a newline');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the format forbids exactly these.
    if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new Error('a note text holds no control characters');
    const signature = sign(null, Buffer.from(text, 'utf8'), this.privateKey);
    return `${text}\n\u2014 ${this.name} ${Buffer.concat([this.keyId, signature]).toString('base64')}\n`;
  }
}
