import type { EventStore } from '../../domain/event-store/port.js';
import type { Config } from '../config.js';
import { openKurrentDbEventStore } from './kurrentdb-event-store.js';
import { openSqliteEventStore } from './sqlite-event-store.js';

/** The adapter is chosen by configuration only, never by code. */
export function openEventStore(
  config: Pick<Config, 'EVENT_STORE' | 'EVENT_STORE_DIR' | 'SQLITE_SYNCHRONOUS' | 'KURRENTDB_URL'>,
): EventStore {
  if (config.EVENT_STORE === 'kurrentdb') return openKurrentDbEventStore(config.KURRENTDB_URL!);
  return openSqliteEventStore(config.EVENT_STORE_DIR, { synchronous: config.SQLITE_SYNCHRONOUS });
}
