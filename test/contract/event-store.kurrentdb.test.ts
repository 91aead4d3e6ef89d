import { describe, it } from 'vitest';
import { openKurrentDbEventStore } from '../../infra/event-store/kurrentdb-event-store.js';
import { eventStoreContract } from './event-store.contract.js';

const url = process.env.KURRENTDB_URL;

if (url) {
  eventStoreContract('KurrentDB', async () => {
    const store = openKurrentDbEventStore(url);
    return { store, dispose: () => store.close() };
  });
} else {
  describe('event store contract: KurrentDB', () => {
    it.skip('skipped: KURRENTDB_URL is not set (start infra/compose.yaml, see the README)', () => {});
  });
}
