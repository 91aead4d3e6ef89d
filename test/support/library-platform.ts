/**
 * A platform with the library projection running into the embedded search index, for tests and benchmarks that
 * publish through the real command path and then search; given an OpenSearch URL, a second library projection
 * follows the same log into OpenSearch (an index prefix of its own), so that both adapters are measured on the same
 * documents in the same run.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Position } from '../../domain/event-store/event.js';
import { openOpenSearchIndex } from '../../infra/search/opensearch/opensearch-search-index.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import {
  parseRegulations,
  type RegulationItem,
  type RegulationMapping,
  STATE_COUNCIL,
} from '../../ingest/national-regulations.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { libraryProjection } from '../../projections/library/library-projection.js';
import type { SearchIndex } from '../../projections/library/search-index.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { type PlatformFixture, staffedPlatform } from './platform-fixture.js';

export function corpus(): RegulationItem[] {
  return parseRegulations(readFileSync(SAMPLE_CORPUS_PATH, 'utf8'));
}

export const REGULATION_MAPPING: RegulationMapping = { ...STATE_COUNCIL, migratedAt: '2026-11-26T12:00:00+08:00' };

/** One search index adapter with the library projection following the log into it. */
export interface ProjectedIndex {
  adapter: 'embedded' | 'OpenSearch';
  searchIndex: SearchIndex;
  runner: ProjectionRunner;
}

export interface LibraryPlatform extends PlatformFixture {
  /** The embedded index. */
  searchIndex: SearchIndex;
  runner: ProjectionRunner;
  /** The embedded index first, then OpenSearch when asked for. */
  indexes: ProjectedIndex[];
  /** Waits until every index holds everything written so far. */
  settle(): Promise<void>;
}

/** A fresh OpenSearch index under a prefix of its own, removed with `drop`. */
export async function scratchOpenSearchIndex(url: string, purpose: string) {
  const prefix = `${purpose}-${randomUUID().slice(0, 8)}-`;
  const index = await openOpenSearchIndex(url, prefix);
  return {
    index,
    prefix,
    async drop() {
      await index.dropAll();
      await index.close();
    },
  };
}

export async function libraryPlatform(options: { openSearchUrl?: string | undefined } = {}): Promise<LibraryPlatform> {
  const fixture = await staffedPlatform();
  const searchIndex = await openSqliteSearchIndex(fixture.dataDir);
  const runner = new ProjectionRunner(fixture.store, libraryProjection(searchIndex));
  const indexes: ProjectedIndex[] = [{ adapter: 'embedded', searchIndex, runner }];
  const cleanups: Array<() => Promise<void>> = [];
  if (options.openSearchUrl) {
    const scratch = await scratchOpenSearchIndex(options.openSearchUrl, 'library-test');
    cleanups.push(scratch.drop);
    const openSearchRunner = new ProjectionRunner(fixture.store, libraryProjection(scratch.index));
    indexes.push({ adapter: 'OpenSearch', searchIndex: scratch.index, runner: openSearchRunner });
  }
  for (const projected of indexes) await projected.runner.start();
  return {
    ...fixture,
    searchIndex,
    runner,
    indexes,
    async settle() {
      const head: Position | null = await fixture.store.headPosition();
      // OpenSearch takes a round trip and a refresh per batch, and trails a load of 16 workflows at once by a minute
      // or more when the whole suite shares the machine's two cores with it.
      if (head !== null) await Promise.all(indexes.map((projected) => projected.runner.waitFor(head, 300_000)));
    },
    async dispose() {
      for (const projected of indexes) await projected.runner.stop();
      await searchIndex.close();
      for (const cleanup of cleanups) await cleanup();
      await fixture.dispose();
    },
  };
}
