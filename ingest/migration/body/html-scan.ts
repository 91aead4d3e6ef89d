/**
 * One streaming pass over HTML (htmlparser2, the tokenizer sanitize-html itself uses) for what the cleansing needs to
 * know without building a DOM: which tags and attributes are there, and the text as a reader sees it. A DOM per body
 * cost seconds per thousand rows for information a tokenizer gives in milliseconds.
 */
import { Parser } from 'htmlparser2';

/** Elements whose content is code or another page, never text. */
const NON_TEXT = new Set(['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'textarea', 'template']);
/** Elements that end a line of text where they start or end. */
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'table',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'hr',
  'section',
  'article',
]);

export interface HtmlScan {
  /** Text nodes outside scripts and the like, in order, with line breaks where blocks begin and end. */
  text: string;
  /** Each text node on its own, for checks that must not look across markup. */
  textNodes: string[];
  tags: Map<string, number>;
  /** Elements with their attribute names (lower case), for counting handlers and inline styles. */
  elements: Array<{ tag: string; attributes: Record<string, string> }>;
}

export function scanHtml(html: string): HtmlScan {
  const scan: HtmlScan = { text: '', textNodes: [], tags: new Map(), elements: [] };
  const parts: string[] = [];
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        scan.tags.set(name, (scan.tags.get(name) ?? 0) + 1);
        scan.elements.push({ tag: name, attributes });
        if (NON_TEXT.has(name)) hidden++;
        if (BLOCK.has(name)) parts.push('\n');
      },
      onclosetag(name) {
        if (NON_TEXT.has(name) && hidden > 0) hidden--;
        if (BLOCK.has(name)) parts.push('\n');
      },
      ontext(data) {
        if (hidden > 0) return;
        parts.push(data);
        scan.textNodes.push(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  scan.text = parts.join('');
  return scan;
}
