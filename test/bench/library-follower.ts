/**
 * The library projection in a process of its own, following an embedded log live as `npm start` would while the
 * CLI migrates: it prints its checkpoint as one JSON line every 100 ms, so a benchmark can tell when everything
 * written is searchable.
 *   library-follower <dataDir>
 */
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import { libraryProjection } from '../../projections/library/library-projection.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: library-follower <dataDir>');
const store = openSqliteEventStore(dataDir);
const index = await openSqliteSearchIndex(dataDir);
const runner = new ProjectionRunner(store, libraryProjection(index));
setInterval(() => process.stdout.write(`${JSON.stringify({ checkpoint: runner.status().checkpoint ?? 0 })}\n`), 100);
await runner.start();
