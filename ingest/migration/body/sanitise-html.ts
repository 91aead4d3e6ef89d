/**
 * The safe subset of HTML a library body may keep (metadata.md: no scripts, styles or event handlers), enforced by
 * sanitize-html rather than by patterns over markup. Old CMS bodies wrap every paragraph in `<font>` and inline
 * styles: those tags go and their text stays; scripts, iframes and embedded objects go with their content; links to
 * `javascript:` are page furniture (【打印本页】, 【关闭窗口】) and go whole. What was removed is counted, so the
 * report can say what the cleansing did to each row.
 */
import * as cheerio from 'cheerio';
import sanitizeHtml from 'sanitize-html';
import { scanHtml } from './html-scan.js';

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'sub',
  'sup',
  'a',
  'img',
];

/** Removed with everything inside them: their content is code or another page, never the document's text. */
const REMOVED_WITH_CONTENT = [
  'script',
  'style',
  'noscript',
  'iframe',
  'object',
  'embed',
  'frame',
  'frameset',
  'textarea',
  'option',
];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: REMOVED_WITH_CONTENT,
};

const JAVASCRIPT_URL = /^\s*javascript:/i;

/**
 * sanitize-html only sees a link's attributes after it has dropped the unsafe ones, so it cannot tell a `javascript:`
 * link from a bare anchor; such links are removed first, whole, on a parse of the few bodies that have one.
 */
function withoutScriptLinks(html: string): string {
  if (!/javascript:/i.test(html)) return html;
  const $ = cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' } }, false);
  $('a')
    .filter((_, element) => JAVASCRIPT_URL.test(element.attribs.href ?? ''))
    .remove();
  return $.html();
}

export interface SanitisedHtml {
  html: string;
  /** What was taken out, e.g. `{ '<script>': 1, 'onclick': 2, 'style=': 14, '<font>': 14 }`. */
  removed: Record<string, number>;
}

const KEPT_TAGS = new Set(ALLOWED_TAGS);

function countRemovals(html: string): Record<string, number> {
  const removed: Record<string, number> = {};
  const add = (what: string) => {
    removed[what] = (removed[what] ?? 0) + 1;
  };
  for (const { tag, attributes } of scanHtml(html).elements) {
    if (!KEPT_TAGS.has(tag)) add(`<${tag}>`);
    for (const attribute of Object.keys(attributes)) {
      if (attribute.startsWith('on')) add(attribute);
      else if (attribute === 'style') add('style=');
    }
    if (tag === 'a' && JAVASCRIPT_URL.test(attributes.href ?? '')) add('javascript: link');
  }
  return removed;
}

export function sanitiseHtml(html: string): SanitisedHtml {
  return { html: sanitizeHtml(withoutScriptLinks(html), OPTIONS), removed: countRemovals(html) };
}

/** The text of HTML as a reader sees it, blocks on lines of their own, for classifiers and summaries. */
export function htmlText(html: string): string {
  return scanHtml(html).text;
}
