import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { openOpenSearchIndex } from '../../infra/search/opensearch/opensearch-search-index.js';
import { type OpenOptions, searchIndexContract } from './search-index.contract.js';

const url = process.env.OPENSEARCH_URL;

if (url) {
  searchIndexContract('OpenSearch', async (options: OpenOptions = {}) => {
    // A prefix per test: the suite can share a cluster with other runs and leaves nothing behind.
    const prefix = `contract-${randomUUID().slice(0, 8)}-`;
    const index = await openOpenSearchIndex(url, prefix, options);
    return {
      index,
      async dispose() {
        await index.dropAll();
        await index.close();
      },
    };
  });
} else {
  describe('search index contract: OpenSearch', () => {
    it.skip('skipped: OPENSEARCH_URL is not set (start infra/compose.yaml, see the README)', () => {});
  });
}
