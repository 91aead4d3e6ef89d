/**
 * The provincial feed as the configuration names it (FEED=sqlite, the default, or FEED=kafka), its topics, the
 * outbound projection and the inbound consumer, and the province's credentials for the embedded feed's HTTP routes.
 */
import type { EventStore } from '../../domain/event-store/port.js';
import type { Feed } from '../../domain/feed/feed-port.js';
import type { Platform } from '../../domain/platform.js';
import { ProvincialInbound as Inbound, type ProvincialInbound } from '../../ingest/provincial/provincial-inbound.js';
import { type OutboundFeed, openOutboundFeed } from '../../projections/feed/outbound-feed.js';
import type { Config } from '../config.js';
import { FeedCredentials } from './feed-credentials.js';
import { KafkaFeed, kafkaFeedOptionsFrom } from './kafka/kafka-feed.js';
import { openSqliteFeed, type SqliteFeed } from './sqlite/sqlite-feed.js';

export interface FeedTopics {
  outbound: string;
  compacted: string | null;
  inbound: string;
  deadLetter: string;
}

export interface FeedComposition {
  port: Feed;
  /** The embedded feed log, served over HTTP; null on Kafka. */
  embedded: SqliteFeed | null;
  topics: FeedTopics;
  outbound: OutboundFeed;
  inbound: ProvincialInbound;
  credentials: FeedCredentials;
  close(): Promise<void>;
}

export function openFeed(config: Config): Feed {
  return config.FEED === 'kafka'
    ? new KafkaFeed(kafkaFeedOptionsFrom(config))
    : openSqliteFeed(config.DATA_DIR, { synchronous: config.SQLITE_SYNCHRONOUS });
}

export function composeFeed(
  config: Config,
  platform: Platform,
  log: EventStore,
  clock: () => Date = () => new Date(),
): FeedComposition {
  const port = openFeed(config);
  const topics: FeedTopics = {
    outbound: config.FEED_TOPIC,
    compacted: config.FEED_COMPACTED_TOPIC ?? null,
    inbound: config.FEED_INBOUND_TOPIC,
    deadLetter: config.FEED_DEAD_LETTER_TOPIC,
  };
  const outbound = openOutboundFeed(config.DATA_DIR, {
    feed: port,
    log,
    topic: topics.outbound,
    ...(topics.compacted ? { compactedTopic: topics.compacted } : {}),
    source: config.FEED_SOURCE,
  });
  const inbound = new Inbound({
    feed: port,
    platform,
    topic: topics.inbound,
    groupId: config.FEED_INBOUND_GROUP,
    deadLetterTopic: topics.deadLetter,
    clock,
  });
  return {
    port,
    embedded: port.kind === 'embedded' ? (port as SqliteFeed) : null,
    topics,
    outbound,
    inbound,
    credentials: new FeedCredentials(config.FEED_CREDENTIALS_FILE ?? `${config.DATA_DIR}/feed-credentials.json`),
    async close() {
      outbound.interrupt();
      await inbound.stop();
      await port.close();
      outbound.close();
    },
  };
}
