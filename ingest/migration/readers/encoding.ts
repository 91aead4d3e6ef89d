/**
 * Character encodings by their WHATWG labels (`gbk`, `gb18030`, `gb2312`, `utf-8`, `big5`…), decoded by the
 * platform's TextDecoder, which Node builds with full ICU. A label the platform does not know is refused when the
 * configuration is loaded, not when the first row is read.
 */
import { z } from 'zod';

export function isKnownEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

export const encodingSchema = z
  .string()
  .refine(isKnownEncoding, 'not a character encoding this platform decodes (try gbk, gb18030, utf-8, big5)');

/** Decodes byte chunks as they arrive; a multi-byte character split across chunks is kept whole. */
export async function* decodeChunks(
  chunks: AsyncIterable<Buffer>,
  encoding: string,
  onBytes: (count: number) => void,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding);
  for await (const chunk of chunks) {
    onBytes(chunk.length);
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}
