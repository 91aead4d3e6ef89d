/**
 * Recently folded aggregate states, by stream, with the revision they include. A read with the cache still asks
 * the store for every event after that revision, so it is never stale, even with other processes writing; it only
 * saves re-reading and re-folding the history it has already seen (person and site streams are read by nearly
 * every command). States are immutable (every `evolve` returns a new one), so sharing them is safe.
 */
export class StateCache {
  private readonly entries = new Map<string, { state: unknown; revision: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get<State>(streamId: string): { state: State; revision: number } | undefined {
    const entry = this.entries.get(streamId);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    return entry as { state: State; revision: number };
  }

  set(streamId: string, state: unknown, revision: number): void {
    const current = this.entries.get(streamId);
    // Two concurrent commands may fold the same stream; keep the newer state.
    if (current && current.revision > revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { state, revision });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
