/**
 * Recently folded aggregate states, by stream, with the revision they include. A read with the cache still asks
 * the store for every event after that revision, so it is never stale, even with other processes writing; it only
 * saves re-reading and re-folding the history it has already seen (person and site streams are read by nearly
 * every command). States are immutable (every `evolve` returns a new one), so sharing them is safe.
 *
 * Two generations instead of an exact LRU: states go into the young one; once it holds half the entries, it becomes
 * the old one and the previous old one is dropped; a state found in the old one moves back to the young one. So
 * what is used keeps its place and what is not goes, without deleting and inserting a key on every read: in V8 a
 * Map that keeps deleting and inserting the same key costs time in proportion to its size (about 35 µs a read at
 * 10,000 entries), which a migration of tens of thousands of streams, reading the same few on every command, met.
 */
interface Entry {
  state: unknown;
  revision: number;
}

export class StateCache {
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {}

  get<State>(streamId: string): { state: State; revision: number } | undefined {
    let entry = this.young.get(streamId);
    if (!entry) {
      entry = this.old.get(streamId);
      if (!entry) return undefined;
      this.keep(streamId, entry);
    }
    return entry as { state: State; revision: number };
  }

  set(streamId: string, state: unknown, revision: number): void {
    const current = this.young.get(streamId) ?? this.old.get(streamId);
    // Two concurrent commands may fold the same stream; keep the newer state.
    if (current && current.revision > revision) return;
    this.keep(streamId, { state, revision });
  }

  private keep(streamId: string, entry: Entry): void {
    // A key already there is updated in place; only a new one counts towards the next generation.
    if (!this.young.has(streamId) && this.young.size >= Math.max(1, this.maxEntries >> 1)) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(streamId, entry);
  }
}
