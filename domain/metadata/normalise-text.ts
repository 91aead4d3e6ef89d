/**
 * White space in plain text from legacy pages and documents. Chinese text pads with full-width spaces and `&nbsp;`
 * (indenting paragraphs, spacing out short headings such as `工　作　规　则`), which renders differently everywhere and
 * breaks search; this makes it plain. It removes no markup and decodes no other entity: sanitising HTML is the ingest's
 * job, and running this on Markdown would flatten nested lists, whose meaning is their indentation.
 */

// U+00A0 and U+3000 pad; U+2000..U+200A, U+202F and U+205F are the other spaces word processors leave behind.
const PADDING = /&nbsp;|&#160;|&#x0*a0;|[\u00A0\u3000\u2000-\u200A\u202F\u205F]/giu;
// Zero-width space and the byte order mark are invisible and carry nothing in Chinese text, but split search terms.
const INVISIBLE = /[\u200B\uFEFF]/gu;

export function normaliseWhitespace(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(INVISIBLE, '')
      .replace(PADDING, ' ')
      .split('\n')
      // Trimming drops the full-width indentation of paragraphs: the renderer indents, not the text.
      .map((line) => line.trim())
      .join('\n')
      // More than one blank line between paragraphs is layout, not meaning.
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
