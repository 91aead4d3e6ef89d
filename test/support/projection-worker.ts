/**
 * A process that runs the counting projection over an embedded store until killed: the kill -9 test of projections.
 *   projection-worker <dataDir>
 */
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { CountingProjection } from './counting-projection.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: projection-worker <dataDir>');
const store = openSqliteEventStore(dataDir);
const counting = new CountingProjection(`${dataDir}/counting.sqlite`);
// Small batches: more commits, so a kill lands between and inside them often.
const runner = new ProjectionRunner(store, counting.projection(), { batchSize: 7 });
await runner.start();
process.stdout.write('live\n');
