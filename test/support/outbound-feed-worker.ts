/**
 * A process that runs the outbound provincial feed over an embedded event store until killed: the kill -9 test of
 * the feed.
 *   outbound-feed-worker <dataDir> <topic> [kafka brokers]
 * Each acknowledged publish prints `sent <n>` and then waits a little before the checkpoint is committed, so that a
 * kill right after `sent` lands exactly between the broker's acknowledgement and the checkpoint.
 */
import type { Feed } from '../../domain/feed/feed-port.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { KafkaFeed } from '../../infra/feed/kafka/kafka-feed.js';
import { openSqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { openOutboundFeed } from '../../projections/feed/outbound-feed.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';

const [dataDir, topic, brokers] = process.argv.slice(2);
if (!dataDir || !topic) throw new Error('usage: outbound-feed-worker <dataDir> <topic> [brokers]');
const PAUSE_MS = Number(process.env.FEED_WORKER_PAUSE_MS ?? 30);

const store = openSqliteEventStore(dataDir);
const real: Feed = brokers ? new KafkaFeed({ brokers: brokers.split(','), partitions: 3 }) : openSqliteFeed(dataDir);
let sent = 0;
// The real feed does the publishing; this only says when it was acknowledged, and holds the checkpoint back a moment.
const feed: Feed = {
  kind: real.kind,
  ensureTopic: (t, o) => real.ensureTopic(t, o),
  async publish(t, records) {
    const places = await real.publish(t, records);
    sent += records.length;
    process.stdout.write(`sent ${sent}\n`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    return places;
  },
  consume: (o) => real.consume(o),
  endOffsets: (t) => real.endOffsets(t),
  committedOffsets: (t, g) => real.committedOffsets(t, g),
  close: () => real.close(),
};
const outbound = openOutboundFeed(dataDir, {
  feed,
  log: store,
  topic,
  source: 'https://www.luan.gov.cn/resource-library',
});
// Small batches: more publishes and commits, so kills land between and inside them often.
const runner = new ProjectionRunner(store, outbound.projection(), { batchSize: 4 });
await runner.start();
process.stdout.write('live\n');
