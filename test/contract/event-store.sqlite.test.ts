import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { tempDir } from '../support/temp-dir.js';
import { eventStoreContract } from './event-store.contract.js';

eventStoreContract('embedded SQLite', async () => {
  const dir = tempDir('event-store');
  const store = openSqliteEventStore(dir.path);
  return {
    store,
    async dispose() {
      await store.close();
      dir.remove();
    },
  };
});
