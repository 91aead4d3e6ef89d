/**
 * A GBK export writes a character it cannot encode as `?` (README of the legacy exports: "characters outside GBK came
 * out of the CSV export as ?"). Which character it was cannot be known from the export, so such text is flagged for
 * a person with the original to hand. A `?` counts as lost when it stands beside a non-ASCII character or alone in
 * a paragraph: a question mark in Chinese text is `？`, and in URLs and Latin text `?` sits between ASCII.
 */
import { scanHtml } from './html-scan.js';

const BESIDE_WIDE = /(?<=[^\p{ASCII}])\?|\?(?=[^\p{ASCII}])/gu;

function countIn(text: string): number {
  if (text.trim() === '?') return 1;
  return text.match(BESIDE_WIDE)?.length ?? 0;
}

/** How many characters look lost in a text, or in the text nodes of HTML (attributes and URLs are not text). */
export function countLostCharacters(value: string, html: boolean): number {
  const pieces = html ? scanHtml(value).textNodes : value.split('\n');
  return pieces.reduce((sum, piece) => sum + countIn(piece), 0);
}
