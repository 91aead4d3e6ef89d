/**
 * The embedded feed's append, and what goes to its writer thread and back (feed-writer.ts). An append is one
 * transaction that hands out the topic's next offsets under SQLite's write lock (writers in several processes
 * serialise and never share an offset), inserts the records and moves the topic's next offset on.
 */
import type Database from 'better-sqlite3';

export interface AppendRequest {
  id: number;
  topic: string;
  /** The publish's ticket (domain/feed/publish-fence.ts). */
  ticket: number;
  keys: Array<string | null>;
  /** The values one after the other; moved to the writer thread, not copied. */
  values: ArrayBuffer;
  /** Where each value ends in `values`; -1 for a tombstone. */
  ends: number[];
  /** Each record's headers, as the JSON text the table holds. */
  headers: string[];
  timestamp: number;
}

export type AppendReply =
  | { id: number; first: number }
  | { id: number; fenced: true }
  | { id: number; error: { name: string; message: string; code?: string } };

/** Thrown inside the transaction when the topic does not exist; the feed turns it into `UnknownFeedTopic`. */
export const NO_SUCH_TOPIC = 'NoSuchTopic';

export function configure(db: Database.Database, synchronous: 'FULL' | 'NORMAL'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
}

/** The append, as part of the transaction it is called in; returns the first record's offset. */
export function appendStatements(db: Database.Database) {
  const topicRow = db.prepare<[string], { next_offset: number }>('SELECT next_offset FROM feed_topics WHERE name = ?');
  const insert = db.prepare(
    'INSERT INTO feed_messages (topic, "offset", key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const setNext = db.prepare('UPDATE feed_topics SET next_offset = ? WHERE name = ?');
  return (request: AppendRequest): number => {
    const found = topicRow.get(request.topic);
    if (!found) throw Object.assign(new Error(request.topic), { name: NO_SUCH_TOPIC });
    const first = found.next_offset;
    let start = 0;
    for (let i = 0; i < request.keys.length; i++) {
      const end = request.ends[i]!;
      const value = end < 0 ? null : Buffer.from(request.values, start, end - start);
      if (end >= 0) start = end;
      insert.run(request.topic, first + i, request.keys[i], value, request.headers[i], request.timestamp);
    }
    setNext.run(first + request.keys.length, request.topic);
    return first;
  };
}
