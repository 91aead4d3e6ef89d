import { openSqliteSearchIndex, type SqliteSearchOptions } from '../../infra/search/sqlite/sqlite-search-index.js';
import { tempDir } from '../support/temp-dir.js';
import { type OpenOptions, searchIndexContract } from './search-index.contract.js';

function embedded(options: SqliteSearchOptions = {}) {
  return async (open: OpenOptions = {}) => {
    const dir = tempDir('search-index');
    const index = openSqliteSearchIndex(dir.path, { ...options, ...open });
    return {
      index,
      async dispose() {
        await index.close();
        dir.remove();
      },
    };
  };
}

searchIndexContract('embedded SQLite FTS5', embedded());
// Every search with text broad, as a common word is at 100,000 documents: ranked by title and date, not bm25. The
// contract holds all the same (its relevance tests ask for title hits first and ties by resource id, which both keep).
searchIndexContract('embedded SQLite FTS5, every search broad', embedded({ broadMatches: 0 }));
