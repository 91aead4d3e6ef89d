/**
 * How the OpenSearch adapter stores a library document: the index settings and mappings of a generation's index,
 * and the indexed form of a document.
 *
 * Text is indexed twice, as in the embedded index and with the same tokens (chinese-text.ts): `*_words` holds
 * jieba's full-mode words, `*_pairs` the bigram tokens (pairs of Han characters, a Han character beside a letter or
 * digit also alone), both already normalised and separated by spaces, so OpenSearch only splits them at the spaces
 * (the built-in `whitespace` analyzer). Not the `cjk` analyzer, which the first version used: it makes the same
 * pairs but never a character alone beside a digit, so a phrase that begins or ends at a number ("第5条",
 * "2021年", 鲜度测试100号 in 关于鲜度测试100号的通知) found nothing in OpenSearch that the embedded index found.
 * The token fields are left out of `_source`: nothing reads them back, and a body of a million characters should
 * not be stored three times.
 *
 * One shard: relevance uses each shard's own term statistics, and a city's library (hundreds of thousands of
 * documents) is far below what one shard holds; with one shard, equal documents get equal scores everywhere.
 */
import type { API } from '@opensearch-project/opensearch';
import type { LibraryDocument } from '../../../projections/library/library-document.js';
import { bigramTokens, wordTokens } from '../shared/chinese-text.js';
import { searchFields } from '../shared/search-fields.js';

/** The id of the document that holds a generation's checkpoint (resource ids are UUIDs, never this). */
export const CHECKPOINT_ID = '__checkpoint__';
/** A removal is kept as a document of this status, so that an older upsert replayed later cannot revive it. */
export const REMOVED = 'removed';

const keyword = { type: 'keyword' } as const;
const tokens = { type: 'text', analyzer: 'whitespace' } as const;

export const GENERATION_INDEX: API.Indices_Create_RequestBody = {
  settings: {
    number_of_shards: 1,
  },
  mappings: {
    dynamic: 'strict',
    _source: { excludes: ['title_words', 'meta_words', 'body_words', 'title_pairs', 'meta_pairs', 'body_pairs'] },
    properties: {
      kind: keyword,
      checkpoint: { type: 'long' },
      resource_id: keyword,
      status: keyword,
      title_words: tokens,
      meta_words: tokens,
      body_words: tokens,
      title_pairs: tokens,
      meta_pairs: tokens,
      body_pairs: tokens,
      subject: keyword,
      subject_top: keyword,
      genre: keyword,
      publisher: keyword,
      resource_type: keyword,
      validity: keyword,
      site_ids: keyword,
      columns: keyword,
      published_date: { type: 'date', format: 'yyyy-MM-dd' },
      published_year: { type: 'integer' },
      written_at: { type: 'date', format: 'yyyy-MM-dd' },
      first_published_ms: { type: 'long' },
      index_number: keyword,
      title_key: keyword,
      doc_number: keyword,
      document: { type: 'object', enabled: false },
    },
  },
};

export interface StoredDocument {
  kind: 'document';
  resource_id: string;
  status: string;
  document?: LibraryDocument;
  [field: string]: unknown;
}

export function storedDocument(document: LibraryDocument): StoredDocument {
  const fields = searchFields(document);
  const metadata = document.metadata;
  return {
    kind: 'document',
    resource_id: document.resourceId,
    status: document.status,
    title_words: wordTokens(fields.title).join(' '),
    meta_words: wordTokens(fields.meta).join(' '),
    body_words: wordTokens(fields.body).join(' '),
    title_pairs: bigramTokens(fields.title).join(' '),
    meta_pairs: bigramTokens(fields.meta).join(' '),
    body_pairs: bigramTokens(fields.body).join(' '),
    subject: fields.subject,
    subject_top: fields.subjectTop,
    genre: metadata.genre,
    publisher: metadata.publisher,
    resource_type: metadata.resourceType,
    validity: metadata.validity ?? null,
    site_ids: [...new Set(document.placements.map((p) => p.siteId))],
    columns: document.placements.map((p) => `${p.siteId}/${p.columnId}`),
    published_date: fields.publishedDate,
    published_year: fields.publishedYear,
    written_at: metadata.writtenAt ?? null,
    first_published_ms: fields.firstPublishedMs,
    index_number: document.indexNumber.trim(),
    title_key: fields.titleKey,
    doc_number: fields.docNumber,
    document,
  };
}

export function removedDocument(resourceId: string): StoredDocument {
  return { kind: 'document', resource_id: resourceId, status: REMOVED };
}
