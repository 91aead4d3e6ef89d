/**
 * Highlights made from the document's own text rather than from the index: the index holds segmented tokens, and
 * showing them would put jieba's spaces into Chinese sentences. The matched terms are found again in the display
 * text (case-insensitively), wrapped in `<em>`, and everything else is HTML-escaped.
 */
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import { characterUnits, displayText } from './chinese-text.js';
import { plainText } from './plain-text.js';

export const FRAGMENT_CHARACTERS = 120;
// How much of the fragment comes before the first match, so that its context is visible.
const LEAD_CHARACTERS = 30;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export interface HighlightTerm {
  /** In searchText form. */
  text: string;
  /** A literal matches with spaces and punctuation between its characters, a word only with spaces. */
  literal: boolean;
}

/** A term as a pattern over display text, which keeps the spaces and punctuation that searchText and the index drop. */
function termPattern(term: HighlightTerm): string {
  return characterUnits(term.text)
    .map(escapeRegExp)
    .join(term.literal ? '[^\\p{L}\\p{N}]*' : ' ?');
}

/** A matcher for the terms (longest first, so 集约化 wins over 集约), or null when there is nothing to mark. */
export function termMatcher(terms: readonly HighlightTerm[]): RegExp | null {
  const patterns = [...new Set(terms.filter((term) => term.text !== '').map(termPattern))].filter((p) => p !== '');
  if (patterns.length === 0) return null;
  return new RegExp(patterns.sort((a, b) => b.length - a.length).join('|'), 'giu');
}

function mark(text: string, matcher: RegExp | null): string {
  if (matcher === null) return escapeHtml(text);
  let html = '';
  let last = 0;
  for (const match of text.matchAll(matcher)) {
    if (match[0] === '') continue;
    html += `${escapeHtml(text.slice(last, match.index))}<em>${escapeHtml(match[0])}</em>`;
    last = match.index + match[0].length;
  }
  // Terms next to each other (集约化 平台 in 集约化平台) read as one marked passage.
  return (html + escapeHtml(text.slice(last))).replaceAll('</em><em>', '');
}

/** The whole text with every match marked. */
export function highlightAll(text: string, matcher: RegExp | null): string {
  return mark(text, matcher);
}

/**
 * About `FRAGMENT_CHARACTERS` characters around the first match, every match in it marked; the start of the text
 * when nothing matches. Never cuts the first match or a surrogate pair in two.
 */
export function highlightFragment(text: string, matcher: RegExp | null): string {
  let start = 0;
  let minimumEnd = 0;
  if (matcher !== null) {
    matcher.lastIndex = 0;
    const first = matcher.exec(text);
    matcher.lastIndex = 0;
    if (first !== null) {
      start = Math.max(0, first.index - LEAD_CHARACTERS);
      minimumEnd = first.index + first[0].length;
    }
  }
  let end = Math.min(text.length, Math.max(start + FRAGMENT_CHARACTERS, minimumEnd));
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
  return mark(text.slice(start, end), matcher);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The highlights of a search hit: its whole title and a fragment of its body. */
export function documentHighlights(document: LibraryDocument, matcher: RegExp | null): { title: string; body: string } {
  const { title, body, format } = document.metadata;
  return {
    title: highlightAll(displayText(title), matcher),
    body: body === undefined ? '' : highlightFragment(displayText(plainText(body, format)), matcher),
  };
}
