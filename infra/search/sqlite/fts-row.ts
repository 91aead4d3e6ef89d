/**
 * A library document as the embedded index writes it: the values of its row, its JSON, the texts of its full-text
 * columns and its placements. Making them is most of the cost of indexing (jieba and the bigrams), and depends on
 * the document alone, so it can be done away from the database (fts-row-indexer.ts) while earlier documents are
 * written.
 */
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import { indexedText } from '../shared/chinese-text.js';
import { searchFields } from '../shared/search-fields.js';

export interface FtsRow {
  resourceId: string;
  position: number;
  /** The docs table's values, in DOCUMENT_COLUMNS order. */
  values: Array<string | number | null>;
  json: string;
  /** The full-text columns' texts, in FULL_TEXT_COLUMNS order. */
  texts: string[];
  placements: Array<[siteId: string, columnId: string]>;
}

/** The docs table's columns that a new version of a document rewrites. */
export const DOCUMENT_COLUMNS = [
  'position',
  'status',
  'first_published_ms',
  'published_date',
  'published_year',
  'written_at',
  'subject',
  'subject_top',
  'genre',
  'publisher',
  'resource_type',
  'validity',
  'site_id',
  'index_number',
  'doc_number',
  'title_key',
] as const;

export const FULL_TEXT_COLUMNS = ['title_w', 'meta_w', 'body_w', 'title_b', 'meta_b', 'body_b'] as const;
/** The columns of the titles table: the same texts as the full-text columns of the same names. */
export const TITLE_COLUMNS = ['title_w', 'title_b'] as const;

export function ftsRow(document: LibraryDocument): FtsRow {
  const fields = searchFields(document);
  const metadata = document.metadata;
  const [title, meta, body] = [fields.title, fields.meta, fields.body].map(indexedText);
  return {
    resourceId: document.resourceId,
    position: document.position,
    values: [
      document.position,
      document.status,
      fields.firstPublishedMs,
      fields.publishedDate,
      fields.publishedYear,
      metadata.writtenAt ?? null,
      fields.subject,
      fields.subjectTop,
      metadata.genre,
      metadata.publisher,
      metadata.resourceType,
      metadata.validity ?? null,
      document.siteId,
      document.indexNumber.trim(),
      fields.docNumber,
      fields.titleKey,
    ],
    json: JSON.stringify(document),
    texts: [title!.words, meta!.words, body!.words, title!.bigrams, meta!.bigrams, body!.bigrams],
    placements: document.placements.map((p) => [p.siteId, p.columnId]),
  };
}
