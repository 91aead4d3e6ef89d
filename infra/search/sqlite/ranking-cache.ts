/**
 * Relevance rankings frozen when a search's first page is served, so that its later pages come from the same order.
 * A relevance score (bm25) depends on statistics of the whole index (how many documents contain a word, their
 * average length), so every document applied between two pages shifts the scores of all others; paging on "score
 * below the last one" would then repeat or skip hits near the page boundary. The embedded index runs in one process,
 * so the frozen order lives in memory, like an OpenSearch point in time: bounded in count and age, and a cursor
 * whose ranking has gone falls back to paging by score.
 */
import { randomUUID } from 'node:crypto';

export interface RankedHit {
  id: number;
  resourceId: string;
  /** bm25 as SQLite returns it: lower is better. */
  rank: number;
}

export interface FrozenRanking {
  generationId: number;
  hits: RankedHit[];
  /** False when the search had more hits than were frozen: pages beyond them are found by score. */
  complete: boolean;
}

export class RankingCache {
  readonly #entries = new Map<string, { ranking: FrozenRanking; expires: number }>();

  constructor(
    private readonly capacity = 256,
    private readonly ttlMs = 10 * 60_000,
  ) {}

  put(ranking: FrozenRanking, now = Date.now()): string {
    const id = randomUUID();
    this.#entries.set(id, { ranking, expires: now + this.ttlMs });
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.capacity && entry.expires > now) break;
      this.#entries.delete(key);
    }
    return id;
  }

  get(id: string, now = Date.now()): FrozenRanking | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires <= now) {
      this.#entries.delete(id);
      return undefined;
    }
    return entry.ranking;
  }

  /** Rankings of a dropped generation name rows that no longer exist. */
  forgetGeneration(generationId: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.ranking.generationId === generationId) this.#entries.delete(key);
    }
  }
}
