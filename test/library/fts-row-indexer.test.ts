/**
 * The embedded index indexes large batches in a worker thread while it writes (infra/search/fts-row-indexer.ts):
 * the worker must index a document exactly as this thread does, and such a batch must be searchable like any other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ftsRow } from '../../infra/search/sqlite/fts-row.js';
import { ftsRows, indexInWorker, WORKER_MINIMUM } from '../../infra/search/sqlite/fts-row-indexer.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import type { LibraryDocument } from '../../projections/library/library-document.js';
import { indexNumberOf, sampleLibrary } from '../support/library-documents.js';
import { tempDir } from '../support/temp-dir.js';

function manyDocuments(count: number): LibraryDocument[] {
  const samples = sampleLibrary();
  return Array.from({ length: count }, (_, i) => {
    const sample = samples[i % samples.length]!;
    return {
      ...sample,
      resourceId: `many-${i}`,
      indexNumber: indexNumberOf(i + 1),
      position: i + 1,
      metadata: { ...sample.metadata, title: `${sample.metadata.title}（第${i}号）` },
    };
  });
}

describe('document indexer', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  afterEach(() => dir?.remove());

  it('indexes documents in the worker thread exactly as in this thread', async () => {
    const documents = manyDocuments(12);
    expect(await indexInWorker(documents)).toEqual(documents.map(ftsRow));
  });

  it('hands a large batch over in chunks, in order', async () => {
    const documents = manyDocuments(WORKER_MINIMUM * 3);
    const chunks = ftsRows(documents);
    expect(chunks.length).toBeGreaterThan(2);
    expect((await Promise.all(chunks)).flat()).toEqual(documents.map(ftsRow));
  });

  it('a batch indexed in the worker while it is written is searchable, with its checkpoint', async () => {
    dir = tempDir('document-indexer');
    const index = openSqliteSearchIndex(dir.path);
    try {
      const documents = manyDocuments(WORKER_MINIMUM * 4);
      const generation = await index.openGeneration('v1');
      await generation.apply(
        documents.map((document) => ({ kind: 'upsert', document })),
        documents.length,
      );
      await index.promote('v1');
      expect(await generation.checkpoint()).toBe(documents.length);
      const filters = { statuses: ['published' as const, 'archived' as const] };
      expect((await index.search({ first: 1, filters })).total).toBe(documents.length);
      const page = await index.search({ text: '"7号"', filters });
      expect(page.hits.map((hit) => hit.document.resourceId)).toEqual(['many-7']);
    } finally {
      await index.close();
    }
  });
});
