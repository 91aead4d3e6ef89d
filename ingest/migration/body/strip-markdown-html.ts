/**
 * Markdown may carry raw HTML, which a renderer passes through: a `<script>` in a Markdown body is as live as in an
 * HTML one. The Markdown is parsed (mdast, CommonMark) so that only what the parser calls HTML is touched, and each
 * such piece is replaced by its text as the HTML sanitiser would leave it with no tags allowed. Text that merely
 * looks like a tag to a pattern (`《公安部关于修改<机动车登记规定>的决定》`) is not HTML to CommonMark and stays.
 */
import type { Html, Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import sanitizeHtml from 'sanitize-html';

const TEXT_ONLY: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  nonTextTags: ['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'textarea', 'option'],
};

export interface StrippedMarkdown {
  markdown: string;
  /** How many raw HTML pieces (tags, comments, blocks) were replaced. */
  removed: number;
}

function htmlNodes(node: Nodes, found: Html[]): Html[] {
  if (node.type === 'html') found.push(node);
  if ('children' in node) for (const child of node.children) htmlNodes(child, found);
  return found;
}

export function stripMarkdownHtml(markdown: string): StrippedMarkdown {
  const text = markdown.replace(/\r\n?/g, '\n');
  // CommonMark raw HTML always begins with "<": text without one has none, and parsing it would only cost time.
  if (!text.includes('<')) return { markdown: text, removed: 0 };
  const pieces = htmlNodes(fromMarkdown(text), []);
  let result = text;
  // From the end, so that earlier offsets stay valid while later pieces are replaced.
  for (const piece of [...pieces].reverse()) {
    const start = piece.position?.start.offset;
    const end = piece.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    const replacement = sanitizeHtml(piece.value, TEXT_ONLY);
    result = `${result.slice(0, start)}${replacement}${result.slice(end)}`;
  }
  return { markdown: result, removed: pieces.length };
}
