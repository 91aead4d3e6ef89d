import { describe, it } from 'vitest';
import { KafkaFeed } from '../../infra/feed/kafka/kafka-feed.js';
import { feedContract } from './feed.contract.js';

const brokers = process.env.KAFKA_BROKERS;

if (brokers) {
  // Three partitions, so that order per key is tested where keys are spread over partitions.
  feedContract('Kafka', async () => {
    const feed = new KafkaFeed({ brokers: brokers.split(','), clientId: 'feed-contract', partitions: 3 });
    return { feed, partitions: 3, dispose: () => feed.close() };
  });
} else {
  describe('feed contract: Kafka', () => {
    it.skip('skipped: KAFKA_BROKERS is not set (ENGINES=local npm test starts a local broker, see the README)', () => {});
  });
}
