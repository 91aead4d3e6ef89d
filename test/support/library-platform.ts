/**
 * A platform with the library projection running into the embedded search index, for tests and benchmarks that
 * publish through the real command path and then search.
 */

import { readFileSync } from 'node:fs';
import type { Position } from '../../domain/event-store/event.js';
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

export interface LibraryPlatform extends PlatformFixture {
  searchIndex: SearchIndex;
  runner: ProjectionRunner;
  /** Waits until the library holds everything written so far. */
  settle(): Promise<void>;
}

export async function libraryPlatform(): Promise<LibraryPlatform> {
  const fixture = await staffedPlatform();
  const searchIndex = await openSqliteSearchIndex(fixture.dataDir);
  const runner = new ProjectionRunner(fixture.store, libraryProjection(searchIndex));
  await runner.start();
  return {
    ...fixture,
    searchIndex,
    runner,
    async settle() {
      const head: Position | null = await fixture.store.headPosition();
      if (head !== null) await runner.waitFor(head, 60_000);
    },
    async dispose() {
      await runner.stop();
      await searchIndex.close();
      await fixture.dispose();
    },
  };
}
