import { openSqliteSearchIndex } from '../../infra/search/sqlite-search-index.js';
import { tempDir } from '../support/temp-dir.js';
import { searchIndexContract } from './search-index.contract.js';

searchIndexContract('embedded SQLite FTS5', async () => {
  const dir = tempDir('search-index');
  const index = openSqliteSearchIndex(dir.path);
  return {
    index,
    async dispose() {
      await index.close();
      dir.remove();
    },
  };
});
