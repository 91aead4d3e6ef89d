/**
 * The verifier's reading of signed notes (C2SP signed-note) and checkpoints (C2SP tlog-checkpoint), written apart from
 * the server's signer. A note is trusted only through the pinned verifier key: the signature line must carry that
 * key's name and id and verify over the text; lines of other keys are ignored, as the spec says, and a line of the
 * pinned key that fails rejects the whole note.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { isTreeHashAlgorithm, type TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';

export class NoteError extends Error {
  readonly code = 'NOTE_INVALID';
}

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
  text: string;
}

const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

function keyIdOf(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a, 0x01]), publicKey]))
    .digest()
    .subarray(0, 4);
}

/** `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 public key)>`. */
export function parseVerifierKey(text: string): VerifierKey {
  const trimmed = text.trim();
  // base64 may hold `+`: the name and the id are the first two fields, the key is the rest.
  const fields = trimmed.split('+');
  if (fields.length < 3) throw new NoteError('a verifier key reads <name>+<key id>+<key>');
  const parts = [fields[0], fields[1], fields.slice(2).join('+')];
  const [name, idHex, material] = parts as [string, string, string];
  if (!name || /\s/u.test(name)) throw new NoteError('the verifier key has a bad name');
  if (!/^[0-9a-f]{8}$/i.test(idHex)) throw new NoteError('the verifier key id is not 8 hex digits');
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== 33 || bytes[0] !== 0x01) throw new NoteError('only Ed25519 verifier keys (type 0x01) are known');
  const publicKey = bytes.subarray(1);
  const keyId = keyIdOf(name, publicKey);
  if (keyId.toString('hex') !== idHex.toLowerCase()) throw new NoteError('the verifier key id does not match its key');
  return { name, keyId, publicKey, text: trimmed };
}

/** Verifies the note with the pinned key and returns its text (ending in a newline). */
export function openNote(note: string, key: VerifierKey): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the format forbids exactly these.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new NoteError('the note holds control characters');
  if (!note.endsWith('\n')) throw new NoteError('the note does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no signature block');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length === 0 || lines.length > 100) throw new NoteError('the note has no or too many signatures');
  let verified = false;
  for (const line of lines) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!match) throw new NoteError(`malformed signature line ${JSON.stringify(line)}`);
    const signature = Buffer.from(match[2]!, 'base64');
    if (signature.length < 5) throw new NoteError('a signature is too short');
    if (match[1] !== key.name || !signature.subarray(0, 4).equals(key.keyId)) continue;
    const publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519, key.publicKey]),
      format: 'der',
      type: 'spki',
    });
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, signature.subarray(4))) {
      throw new NoteError(`the signature of ${key.name} does not verify`);
    }
    verified = true;
  }
  if (!verified) throw new NoteError(`the note carries no signature of ${key.name}+${key.keyId.toString('hex')}`);
  return text;
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  algorithm: TreeHashAlgorithm;
  note: string;
}

/** The text of a verified checkpoint note: origin, size, base64 root, then `hash <algorithm>` among the extensions. */
export function parseCheckpoint(text: string, note: string): Checkpoint {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new NoteError('a checkpoint has at least three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError(`the tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  }
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== rootText) {
    throw new NoteError('the root hash is not 32 bytes of base64');
  }
  const hashLines = extensions.filter((l) => l.startsWith('hash '));
  if (hashLines.length !== 1) throw new NoteError('the checkpoint does not name its hash algorithm exactly once');
  const algorithm = hashLines[0]!.slice('hash '.length);
  if (!isTreeHashAlgorithm(algorithm)) throw new NoteError(`unknown hash algorithm ${algorithm}`);
  return { origin, size: Number(sizeText), rootHash, algorithm, note };
}
