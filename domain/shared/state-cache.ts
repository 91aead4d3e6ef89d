/**
 * Recently folded aggregate states, by stream, with the revision they include. A read with the cache still asks
 * the store for every event after that revision, so it is never stale, even with other processes writing; it only
 * saves re-reading and re-folding the history it has already seen (person and site streams are read by nearly
 * every command). States are immutable (every `evolve` returns a new one), so sharing them is safe.
 *
 * The states most recently used are kept (recent-entries.ts): a migration of tens of thousands of streams reads the
 * same few on every command, and an exact LRU, deleting and inserting a key on every read, cost it about 35 µs a read.
 */
import { RecentEntries } from './recent-entries.js';

interface Entry {
  state: unknown;
  revision: number;
}

export class StateCache {
  private readonly entries: RecentEntries<Entry>;

  constructor(maxEntries = 10_000) {
    this.entries = new RecentEntries(maxEntries);
  }

  get<State>(streamId: string): { state: State; revision: number } | undefined {
    return this.entries.get(streamId) as { state: State; revision: number } | undefined;
  }

  set(streamId: string, state: unknown, revision: number): void {
    const current = this.entries.get(streamId);
    // Two concurrent commands may fold the same stream; keep the newer state.
    if (current && current.revision > revision) return;
    this.entries.set(streamId, { state, revision });
  }
}
