/**
 * What both search adapters index of a library document: the three text fields the query searches (title highest),
 * and the values filters, facets and sorts use, derived once so that the adapters cannot disagree about them.
 */
import { normaliseDocNumber, SUBJECT_SEPARATOR } from '../../../domain/metadata/index.js';
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import { displayText } from './chinese-text.js';
import { plainText } from './plain-text.js';

export interface SearchFields {
  /** Display text (see chinese-text.ts) of the title. */
  title: string;
  /** The title as titleKey makes it, for the text typed as the whole title. */
  titleKey: string;
  /** Subtitle, summary, keywords, document number and publisher, one per line. */
  meta: string;
  /** Display text of the body without its markup. */
  body: string;
  subject: string;
  /** The first level of the subject path: a filter on it matches every second level. */
  subjectTop: string;
  /** The day of `publishedAt` in Beijing time (`YYYY-MM-DD`), whatever offset the timestamp was written with. */
  publishedDate: string;
  publishedYear: number;
  /** `firstPublishedAt` as epoch milliseconds: timestamps with different offsets order correctly. */
  firstPublishedMs: number;
  /** Normalised with the metadata model's rules, so any bracket variant of a query finds it. */
  docNumber: string | null;
}

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

export function beijingDate(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp.slice(0, 10) : new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

export function epochMs(timestamp: string): number {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? 0 : ms;
}

/** The stored form of a document number: normalised when it can be, else as written (trimmed). */
export function docNumberKey(docNumber: string): string | null {
  const normalised = normaliseDocNumber(docNumber);
  return normalised.flagged ? null : normalised.value;
}

/**
 * A title as people type it whole, compared without what they leave out or spell another way: NFKC (full-width
 * letters and digits), letters in lower case, no spaces, punctuation or symbols (《》、（）“”·). A text whose key is a
 * document's title key is that document's title typed whole, which ranks it with its identifiers.
 */
export function titleKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

export function searchFields(document: LibraryDocument): SearchFields {
  const metadata = document.metadata;
  const docNumber = metadata.docNumber === undefined ? null : (docNumberKey(metadata.docNumber) ?? metadata.docNumber);
  const meta = [metadata.subtitle, metadata.summary, ...(metadata.keywords ?? []), docNumber, metadata.publisher]
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .map(displayText)
    .join('\n');
  const publishedDate = beijingDate(document.publishedAt);
  const [subjectTop = metadata.subject] = metadata.subject.split(SUBJECT_SEPARATOR);
  return {
    title: displayText(metadata.title),
    titleKey: titleKey(metadata.title),
    meta,
    body: metadata.body === undefined ? '' : displayText(plainText(metadata.body, metadata.format)),
    subject: metadata.subject,
    subjectTop,
    publishedDate,
    publishedYear: Number(publishedDate.slice(0, 4)),
    firstPublishedMs: epochMs(document.firstPublishedAt),
    docNumber,
  };
}
