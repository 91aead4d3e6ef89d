/**
 * Signed notes (C2SP signed-note) between the server's signer and the verifier's own reader: the spec's example note
 * verifies with its published key, a note the platform signs verifies with its verifier key, and a changed text, a
 * foreign key or a forged line does not.
 */
import { describe, expect, it } from 'vitest';
import { NoteSigner, signerKeyText } from '../../domain/audit/note-signer.js';
import { NoteError, openNote, parseVerifierKey } from '../../infra/audit-verifier/note.js';

// From c2sp.org/signed-note, "Verifier keys", Example.
const SPEC_KEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

/** A seed whose signer and verifier keys both hold `+` in their base64, the case a naive split gets wrong. */
function signerWithPlus(name: string): NoteSigner {
  for (let i = 0; ; i++) {
    const seed = Buffer.alloc(32, i);
    const signer = new NoteSigner(signerKeyText(name, seed));
    if (signerKeyText(name, seed).split('+').length > 5 && signer.verifierKey.split('+').length > 3) return signer;
  }
}

describe('R-SEC-1 signed notes', () => {
  it("verifies the spec's example note with its published key", () => {
    expect(openNote(SPEC_NOTE, parseVerifierKey(SPEC_KEY))).toBe('This is an example message.\n');
  });

  it('verifies what the platform signs, with keys whose base64 holds +', () => {
    const signer = signerWithPlus('luan.example/audit');
    const note = signer.sign('luan.example/audit\n3\nAAAA\n');
    expect(openNote(note, parseVerifierKey(signer.verifierKey))).toBe('luan.example/audit\n3\nAAAA\n');
  });

  it('refuses a changed text, a note of another key, and a forged line of the pinned key', () => {
    const signer = signerWithPlus('luan.example/audit');
    const key = parseVerifierKey(signer.verifierKey);
    const note = signer.sign('luan.example/audit\n3\nAAAA\n');
    expect(() => openNote(note.replace('\n3\n', '\n4\n'), key)).toThrow(/does not verify/);
    const other = new NoteSigner(signerKeyText('luan.example/audit', Buffer.alloc(32, 200)));
    expect(() => openNote(other.sign('luan.example/audit\n3\nAAAA\n'), key)).toThrow(/no signature of/);
    // Another key's line beside ours is ignored; our own is still checked.
    const cosigned = `${note}${other.sign('x\n').split('\n\n')[1]}`;
    expect(openNote(cosigned, key)).toBe('luan.example/audit\n3\nAAAA\n');
    expect(() => parseVerifierKey(signer.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(NoteError);
  });
});
