/**
 * The reference consumer of the city's feed, as the provincial library would run it (`npm run cli -- feed follow
 * <topic>`): reads a topic from an offset and prints each message as a CloudEvent in the JSON format, one line each,
 * or appends those lines to a file. On the embedded feed it reads the server over HTTP with the province's
 * credential; on Kafka it is a kafkajs consumer of its own group, from the offsets asked for.
 */

import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { structuredEvent } from '../../domain/feed/cloud-event.js';
import type { FeedMessage } from '../../domain/feed/feed-port.js';
import type { Config } from '../config.js';
import { HttpFeedClient } from './http/http-feed-client.js';
import { KafkaFeed, kafkaFeedOptionsFrom } from './kafka/kafka-feed.js';

export interface FollowOptions {
  topic: string;
  /** Offset to start from (every partition); omitted: the start of the topic (or the group's committed offsets). */
  from?: number;
  /** Kafka: only this partition. */
  partition?: number;
  /** Append the lines here instead of printing them. */
  out?: string;
  /** Stop once the end of the topic as it was when reading began is reached. */
  untilEnd?: boolean;
  /** The embedded feed's base URL (the server). */
  url: string;
  /** The province's feed credential (embedded feed). */
  credential?: string;
  /** Kafka: the consumer group (a fresh one by default, so nothing is taken from anybody else). */
  group?: string;
  signal?: AbortSignal;
  write?: (line: string) => void;
}

/** One message as a line: where it is, its key, and the CloudEvent it carries. */
export function followLine(message: FeedMessage): string {
  return JSON.stringify({
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    timestamp: new Date(message.timestamp).toISOString(),
    event: structuredEvent(message),
  });
}

export async function followFeed(config: Config, options: FollowOptions): Promise<number> {
  const write =
    options.write ??
    (options.out
      ? (line: string) => appendFileSync(options.out!, `${line}\n`)
      : (line: string) => process.stdout.write(`${line}\n`));
  let count = 0;
  const take = (message: FeedMessage) => {
    write(followLine(message));
    count++;
  };
  if (config.FEED === 'sqlite') {
    if (!options.credential) throw new Error('the embedded feed is read with a credential: set FEED_CREDENTIAL');
    const client = new HttpFeedClient(options.url, options.credential);
    for await (const message of client.follow(options.topic, options.from ?? 0, {
      untilEnd: options.untilEnd,
      signal: options.signal,
      onRetry: (error, waitMs) =>
        process.stderr.write(`feed: ${(error as Error).message}; trying again in ${waitMs} ms\n`),
    }))
      take(message);
    return count;
  }
  const feed = new KafkaFeed(kafkaFeedOptionsFrom(config));
  try {
    const ends = await feed.endOffsets(options.topic);
    const partitions = ends.filter((e) => options.partition === undefined || e.partition === options.partition);
    const end = new Map(partitions.map((e) => [e.partition, e.offset]));
    const reached = new Set<number>();
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const check = () => {
      if (options.untilEnd && partitions.every((p) => reached.has(p.partition) || p.offset <= (options.from ?? 0)))
        finished();
    };
    const consumer = feed.consume({
      topic: options.topic,
      groupId: options.group ?? `feed-follow-${randomUUID()}`,
      from:
        options.from === undefined && options.partition === undefined
          ? 'earliest'
          : partitions.map((p) => ({ partition: p.partition, offset: options.from ?? 0 })),
      async handle(message) {
        if (options.partition !== undefined && message.partition !== options.partition) return;
        take(message);
        if (message.offset + 1 >= (end.get(message.partition) ?? Number.POSITIVE_INFINITY))
          reached.add(message.partition);
        check();
      },
    });
    await consumer.ready;
    check();
    options.signal?.addEventListener('abort', finished, { once: true });
    await Promise.race([done, consumer.done]);
    await consumer.stop();
    return count;
  } finally {
    await feed.close();
  }
}
