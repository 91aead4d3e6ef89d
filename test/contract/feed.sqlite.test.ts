import { openSqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { tempDir } from '../support/temp-dir.js';
import { feedContract } from './feed.contract.js';

feedContract('embedded SQLite', async () => {
  const dir = tempDir('feed');
  const feed = openSqliteFeed(dir.path);
  return {
    feed,
    partitions: 1,
    async dispose() {
      await feed.close();
      dir.remove();
    },
  };
});
