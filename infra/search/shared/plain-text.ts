/**
 * The words of a body without its markup. A body is sanitised HTML or Markdown (metadata.md); search must neither
 * match tag names, attributes and URLs nor show them in snippets. This is not a sanitiser: its output is text and is
 * HTML-escaped wherever it is shown.
 */

const BLOCK_TAGS =
  /<\/?(?:p|div|br|hr|li|ul|ol|h[1-6]|tr|td|th|table|thead|tbody|section|article|blockquote|pre|dd|dt|dl)\b[^>]*>/giu;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/gu;
// Sanitised HTML has no scripts or styles, but migrated Markdown may carry raw HTML; their content is never text.
const INVISIBLE = /<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/giu;
const TAGS = /<\/?[a-z][^>]*>/giu;
const ENTITY = /&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z][a-z0-9]{1,31});/giu;

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  middot: '·',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  times: '×',
  divide: '÷',
  copy: '©',
  reg: '®',
  deg: '°',
  yen: '¥',
};

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}

// CSS Text 3 (segment break transformation): a line break in the source between two East Asian wide characters is
// removed, not shown as a space, so hard-wrapped Chinese reads as one sentence.
const SEGMENT_BREAK_BETWEEN_HAN = /(?<=\p{Script=Han})[ \t]*\r?\n[ \t]*(?=\p{Script=Han})/gu;

function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(COMMENTS, ' ')
      .replace(INVISIBLE, ' ')
      .replace(SEGMENT_BREAK_BETWEEN_HAN, '')
      .replace(BLOCK_TAGS, '\n')
      .replace(TAGS, ''),
  );
}

// Only the markers at the start of a line or around a span; text such as C# or 5*3 in a sentence stays as written.
const MARKDOWN_RULES: Array<[RegExp, string]> = [
  [/^```[^\n]*$/gmu, ''],
  [/^ {0,3}#{1,6}[ \t]+/gmu, ''],
  [/^ {0,3}>[ \t]?/gmu, ''],
  [/^ {0,3}(?:[-*_][ \t]*){3,}$/gmu, ''],
  [/^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+/gmu, ''],
  [/^\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$/gmu, ''],
  [/\|/gu, ' '],
  [/!\[([^\]]*)\]\([^)]*\)/gu, '$1'],
  [/\[([^\]]+)\]\([^)]*\)/gu, '$1'],
  [/\[([^\]]+)\]\[[^\]]*\]/gu, '$1'],
  [/^ {0,3}\[[^\]]+\]:\s+\S+.*$/gmu, ''],
  [/(\*\*|__|~~)(?=\S)([^\n]*?\S)\1/gu, '$2'],
  [/(?<![\p{L}\p{N}])([*_])(?=\S)([^*_\n]*?\S)\1(?![\p{L}\p{N}])/gu, '$2'],
  [/`+([^`\n]+)`+/gu, '$1'],
];

function markdownToText(markdown: string): string {
  let text = htmlToText(markdown);
  for (const [pattern, replacement] of MARKDOWN_RULES) text = text.replace(pattern, replacement);
  return text;
}

const LOOKS_LIKE_HTML = /<(?:[a-z][a-z0-9]*\b[^>]*|\/[a-z][a-z0-9]*\s*)>/iu;

/**
 * The plain text of a body, by its format (`text/markdown`, `text/html`, `text/plain`); any other format is read as
 * HTML when it contains tags, else as it is. Blocks end in line breaks; callers collapse white space as they need.
 */
export function plainText(body: string, format = 'text/html'): string {
  if (format === 'text/markdown' || format === 'text/x-markdown') return markdownToText(body);
  if (format === 'text/plain') return body;
  return LOOKS_LIKE_HTML.test(body) || format === 'text/html' ? htmlToText(body) : body;
}
