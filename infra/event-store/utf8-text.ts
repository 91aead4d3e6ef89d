/**
 * UTF-8 bytes as text, fast for the long Chinese texts events carry (a resource's body). Node 20's V8 decodes UTF-8
 * one character at a time from the first non-ASCII byte on: measured, 25 µs for a 2,000-character body (about 6 KB),
 * most of the time a projection spends reading such an event from the log. ICU's converter, which
 * `buffer.transcode` uses, takes about 6 µs for the same bytes. Short and pure-ASCII texts keep V8's decoder, faster
 * for them (ICU only wins from about 500 bytes of non-ASCII text on), and so do bytes that are not well-formed
 * UTF-8, so that a malformed text reads exactly as it always did.
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';

/** Below this many bytes V8's decoder is as fast or faster: such texts are best read as text in the first place. */
export const LONG_TEXT_BYTES = 512;
/** `transcode` exists only where Node was built with ICU (official builds are). */
const icu = typeof transcode === 'function';

export function utf8Text(bytes: Buffer): string {
  if (!icu || bytes.length < LONG_TEXT_BYTES || isAscii(bytes) || !isUtf8(bytes)) return bytes.toString('utf8');
  return transcode(bytes, 'utf8', 'utf16le').toString('utf16le');
}
