/**
 * The feed port: a partitioned, durable log of keyed messages with offsets, as Kafka has it, so that the provincial
 * library's feed runs on Kafka in production and on an embedded log on one machine, behind one contract suite
 * (test/contract/feed.contract.ts).
 *
 * Semantics every adapter keeps:
 * - a topic has one or more partitions; every message of one key lands in one partition, so one key's messages keep
 *   the order they were published in (the embedded log has one partition per topic);
 * - offsets count from 0 within a partition and only grow; a consumer group's committed offset is the next offset it
 *   will read (Kafka's convention);
 * - `publish` resolves once the messages are durable (Kafka: acknowledged by every in-sync replica; embedded: fsync'd),
 *   and one producer's publishes land in the order they were called;
 * - a publish that fails fails the publishes to the same topic that were called before the failure was known, with
 *   `PublishFenced` (Kafka's idempotent producer does the same to the batches behind a failed one): a caller that
 *   keeps several publishes under way and sends again from the first that failed keeps its order, since nothing
 *   called after that one landed before it;
 * - a consumer hands messages to `handle` one at a time, in offset order within a partition, and commits what was
 *   handled; a message whose handling did not complete is delivered again to the group's next consumer (at least
 *   once, never a gap);
 * - a message with no value is a tombstone (a CloudEvent without data in binary mode; on a compacted topic it deletes
 *   the key).
 *
 * Bad input (a topic name Kafka would refuse, a header that is not text, a message over the size limit…) is an
 * `InvalidFeedInput` listing each problem, and nothing of the call is written.
 */

import { TransientError } from '../shared/transient-error.js';

/** What a producer gives: Kafka's record, with UTF-8 text headers (the CloudEvents binding requires text). */
export interface FeedRecord {
  key: string | null;
  /** Null: a tombstone. */
  value: Buffer | null;
  headers: Readonly<Record<string, string>>;
}

export interface FeedPlace {
  topic: string;
  partition: number;
  offset: number;
}

/** What a consumer gets: the record where it landed, with the time the log took it (milliseconds since the epoch). */
export interface FeedMessage extends FeedRecord, FeedPlace {
  timestamp: number;
}

export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface TopicOptions {
  /** Log compaction: the log keeps the newest message of each key, and a tombstone deletes the key. */
  compacted?: boolean;
}

export interface ConsumeOptions {
  topic: string;
  /** The consumer group: what it handled is committed under this name and survives restarts. */
  groupId: string;
  /**
   * Where a group with nothing committed starts (`earliest` by default), or explicit offsets per partition, which
   * override the group's committed ones (a reference consumer reading from an offset).
   */
  from?: 'earliest' | 'latest' | readonly PartitionOffset[];
  /**
   * Takes one message; once it resolves the message counts as handled, and its offset is committed (at the latest
   * when the consumer stops). A rejection stops the consumer: the message and those after it are delivered again.
   */
  handle(message: FeedMessage): Promise<void>;
}

export interface FeedConsumer {
  /** Resolves once the consumer has its partitions and is fetching. */
  readonly ready: Promise<void>;
  /** Settles when the consumer ends: fulfilled after `stop`, rejected with the error that stopped it. */
  readonly done: Promise<void>;
  /** Commits what was handled and leaves the group. */
  stop(): Promise<void>;
}

export interface Feed {
  /** `embedded` (the SQLite feed log) or `kafka`. */
  readonly kind: 'embedded' | 'kafka';
  /** Creates the topic when it does not exist (a no-op when it does). */
  ensureTopic(topic: string, options?: TopicOptions): Promise<void>;
  /** Appends the records in order; resolves with where each landed once all are durable. A topic must exist. */
  publish(topic: string, records: readonly FeedRecord[]): Promise<FeedPlace[]>;
  consume(options: ConsumeOptions): FeedConsumer;
  /** The next offset of each partition: what a consumer that has read everything would have committed. */
  endOffsets(topic: string): Promise<PartitionOffset[]>;
  /** What the group has committed on each partition of the topic (partitions it never committed are left out). */
  committedOffsets(topic: string, groupId: string): Promise<PartitionOffset[]>;
  close(): Promise<void>;
}

export interface FeedInputIssue {
  path: string;
  message: string;
}

/** The call was malformed; nothing of it was written. */
export class InvalidFeedInput extends Error {
  readonly code = 'INVALID_FEED_INPUT';
  readonly category = 'BAD_USER_INPUT';
  constructor(readonly issues: FeedInputIssue[]) {
    super(`invalid feed input: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'InvalidFeedInput';
  }
}

/** Publishing to (or consuming) a topic nobody created: a typo in the configuration, most likely. */
export class UnknownFeedTopic extends Error {
  readonly code = 'UNKNOWN_FEED_TOPIC';
  constructor(readonly topic: string) {
    super(`the feed has no topic ${topic}`);
    this.name = 'UnknownFeedTopic';
  }
}

/**
 * Not written: a publish to the same topic, called earlier, failed after this one was called (see the port's rules).
 * Transient: sent again after the failed one, it goes through.
 */
export class PublishFenced extends TransientError {
  readonly code = 'PUBLISH_FENCED';
  constructor(readonly topic: string) {
    super(`not written to ${topic}: a publish to it called before this one failed`);
    this.name = 'PublishFenced';
  }
}

/** Lag of a group on a topic: messages after its committed offsets (from the start where it committed nothing). */
export async function consumerLag(feed: Feed, topic: string, groupId: string): Promise<number> {
  const [ends, committed] = await Promise.all([feed.endOffsets(topic), feed.committedOffsets(topic, groupId)]);
  const at = new Map(committed.map((c) => [c.partition, c.offset]));
  return ends.reduce((lag, end) => lag + Math.max(0, end.offset - (at.get(end.partition) ?? 0)), 0);
}
