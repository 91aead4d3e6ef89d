/**
 * `npm run bench -- <name…>` runs the named benchmarks (all of them without a name) and prints one JSON document
 * per benchmark on stdout. Each compares against a baseline measured in the same run: on these shared machines
 * ratios hold where absolute times do not.
 */
import { apiBenchmark } from './api.js';
import { auditBenchmark } from './audit.js';
import { commandsBenchmark } from './commands.js';
import { eventStoreBenchmark } from './eventstore.js';
import { feedBenchmark } from './feed.js';
import { libraryBenchmark } from './library.js';
import { loadBenchmark } from './load.js';
import { migrateBenchmark } from './migrate.js';
import { pushBenchmark } from './push.js';
import { slowSubscribersBenchmark } from './slow-subscribers.js';
import { supervisionBenchmark } from './supervision.js';

const benchmarks: Record<string, () => Promise<unknown>> = {
  eventstore: eventStoreBenchmark,
  commands: commandsBenchmark,
  library: libraryBenchmark,
  api: apiBenchmark,
  push: pushBenchmark,
  'slow-subscribers': slowSubscribersBenchmark,
  load: loadBenchmark,
  audit: auditBenchmark,
  supervision: supervisionBenchmark,
  migrate: migrateBenchmark,
  feed: feedBenchmark,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(benchmarks)) {
  const result = await benchmarks[name]!();
  console.log(JSON.stringify(result, null, 2));
}
