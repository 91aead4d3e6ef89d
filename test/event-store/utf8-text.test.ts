/**
 * The event store reads `data` as bytes and decodes long non-ASCII text with ICU (infra/event-store/utf8-text.ts):
 * whatever the bytes, the text must be exactly what Node's own decoder makes of them.
 */
import { describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { utf8Text } from '../../infra/event-store/utf8-text.js';
import { newEvent } from '../support/events.js';
import { corpus } from '../support/library-platform.js';
import { tempDir } from '../support/temp-dir.js';

const chinese = corpus()[0]!.markdown.slice(0, 3000);
const texts: Record<string, string> = {
  'short ASCII': '{"a":1}',
  'long ASCII': 'plain text '.repeat(200),
  'short Chinese': '六安市人民政府办公室',
  'long Chinese': chinese,
  'long ASCII, then Chinese': `${'plain text '.repeat(200)}${chinese}`,
  'Chinese, then long ASCII': `${chinese.slice(0, 10)}${'plain text '.repeat(200)}`,
  'characters outside the BMP': `😀𠮷 ${chinese} 🇨🇳`.repeat(3),
  'escapes and separators': `"quoted" \\ \n\t \u2028 \u2029 ${chinese}`,
};

describe('event data decoded from UTF-8', () => {
  for (const [name, text] of Object.entries(texts))
    it(`${name}: the same text as Node's decoder`, () => {
      const bytes = Buffer.from(text, 'utf8');
      expect(utf8Text(bytes)).toBe(bytes.toString('utf8'));
      expect(utf8Text(bytes)).toBe(text);
    });

  const long = Buffer.from(chinese, 'utf8');
  const malformed: Record<string, Buffer> = {
    'a lone continuation byte': Buffer.concat([long, Buffer.from([0x80]), long]),
    'a sequence cut short': Buffer.concat([long, Buffer.from([0xe5, 0x85]), long]),
    'an overlong encoding': Buffer.concat([long, Buffer.from([0xc0, 0xaf]), long]),
    'an encoded surrogate': Buffer.concat([long, Buffer.from([0xed, 0xa0, 0x80]), long]),
    'a sequence cut short at the end': Buffer.concat([long, Buffer.from([0xf0, 0x9f, 0x98])]),
  };
  for (const [name, bytes] of Object.entries(malformed))
    it(`${name}: replaced exactly as Node's decoder replaces it`, () => {
      expect(utf8Text(bytes)).toBe(bytes.toString('utf8'));
    });

  it('a long Chinese body comes back from the log as it went in', async () => {
    const dir = tempDir('utf8-text');
    const store = openSqliteEventStore(dir.path);
    try {
      const body = `${chinese}😀 "引号" \u2028`;
      await store.append('resource-1', [newEvent('ResourceDrafted', { body })], { expectedRevision: 'no_stream' });
      const [read] = await store.readStream('resource-1');
      expect(read!.data.body).toBe(body);
      const [all] = await store.readAll();
      expect(all!.data).toEqual({ body });
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
