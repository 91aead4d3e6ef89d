/**
 * The production feed: Kafka through `kafkajs`, kept thin on purpose. kafkajs is in maintenance mode (no releases
 * since 2.2.4); Confluent's `@confluentinc/kafka-javascript` offers a KafkaJS-compatible API over librdkafka, so this
 * file is what a switch would touch, and the contract suite (test/contract/feed.contract.ts) is what it would have to
 * pass.
 *
 * What the adapter adds to kafkajs, and why:
 * - one send at a time: kafkajs's idempotent producer loses or reorders messages when sends overlap (kafkajs issues
 *   598 and 1005), so publishes queue behind each other, with `maxInFlightRequests: 1`, `acks: -1` (all in-sync
 *   replicas) and `idempotent: true`; a failed one fences off those queued behind it (domain/feed/publish-fence.ts);
 * - sends of at most ~900 KiB: kafkajs puts a partition's messages in one record batch, which the broker measures
 *   against `max.message.bytes` (1 MiB by default); a single message larger than that goes alone, and topics this
 *   adapter creates allow 16 MiB;
 * - partitions chosen here with kafkajs's own default partitioner (murmur2 of the key, as the Java client), so each
 *   record's offset is known from the partition's base offset in the answer;
 * - consumers commit explicitly what their handler finished (after each fetched batch and when stopping), never
 *   what was only fetched, and stop at the first handler failure instead of retrying behind the caller's back.
 */
import { readFileSync } from 'node:fs';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Message,
  Partitioners,
  type PartitionMetadata,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import {
  type ConsumeOptions,
  type Feed,
  type FeedConsumer,
  type FeedMessage,
  type FeedPlace,
  type FeedRecord,
  type PartitionOffset,
  PublishFenced,
  type TopicOptions,
  UnknownFeedTopic,
} from '../../../domain/feed/feed-port.js';
import {
  checkFrom,
  checkGroupId,
  checkPublish,
  checkTopic,
  MAX_FEED_MESSAGE_BYTES,
  recordBytes,
} from '../../../domain/feed/feed-validation.js';
import { PublishFence } from '../../../domain/feed/publish-fence.js';

/** Room for the record batch's own framing above the largest message. */
const TOPIC_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const SEND_BYTES = 900 * 1024;

export interface KafkaFeedOptions {
  brokers: string[];
  clientId?: string;
  ssl?: boolean | { ca?: string };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Create missing topics (with these partitions and replication factor; -1: the broker's defaults). */
  createTopics?: boolean;
  partitions?: number;
  replicationFactor?: number;
}

export class KafkaFeed implements Feed {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private admin: Admin | null = null;
  private producer: Producer | null = null;
  private connecting: Promise<void> | null = null;
  private readonly metadata = new Map<string, PartitionMetadata[]>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** The tail of the send queue: every publish waits for the one before it. */
  private sending: Promise<unknown> = Promise.resolve();
  private readonly fence = new PublishFence();
  private readonly consumers = new Set<KafkaConsumer>();

  constructor(private readonly options: KafkaFeedOptions) {
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'luan-resource-library',
      brokers: options.brokers,
      logLevel: logLevel.WARN,
    };
    if (options.ssl) config.ssl = options.ssl === true ? true : { ca: options.ssl.ca ? [options.ssl.ca] : undefined };
    if (options.sasl) config.sasl = options.sasl as SASLOptions;
    this.kafka = new Kafka(config);
  }

  /** Connects on first use, so composing the platform (a CLI command, say) never needs the brokers. */
  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const admin = this.kafka.admin();
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await admin.connect();
      await producer.connect();
      this.admin = admin;
      this.producer = producer;
    })().catch((error: unknown) => {
      this.connecting = null;
      throw error;
    });
    return this.connecting;
  }

  async ensureTopic(topic: string, options: TopicOptions = {}): Promise<void> {
    checkTopic(topic);
    await this.connect();
    if (this.metadata.has(topic) || (await this.admin!.listTopics()).includes(topic)) return;
    if (this.options.createTopics === false) throw new UnknownFeedTopic(topic);
    const configEntries = [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }];
    if (options.compacted) configEntries.push({ name: 'cleanup.policy', value: 'compact' });
    await this.admin!.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: this.options.partitions ?? -1,
          replicationFactor: this.options.replicationFactor ?? -1,
          configEntries,
        },
      ],
    });
    this.metadata.delete(topic);
  }

  private async partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const known = this.metadata.get(topic);
    if (known) return known;
    await this.connect();
    // Asking for the metadata of a topic that does not exist makes kafkajs log an error: look it up in the list first.
    if (!(await this.admin!.listTopics()).includes(topic)) throw new UnknownFeedTopic(topic);
    const { topics } = await this.admin!.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions;
    if (!partitions || partitions.length === 0) throw new UnknownFeedTopic(topic);
    this.metadata.set(topic, partitions);
    return partitions;
  }

  async publish(topic: string, records: readonly FeedRecord[]): Promise<FeedPlace[]> {
    const checked = checkPublish(topic, records);
    const ticket = this.fence.ticket(topic);
    const sent = this.sending.then(() => {
      if (this.fence.fenced(topic, ticket)) throw new PublishFenced(topic);
      return this.send(topic, checked);
    });
    this.sending = sent.catch(() => this.fence.failed(topic, ticket));
    return sent;
  }

  private async send(topic: string, records: FeedRecord[]): Promise<FeedPlace[]> {
    const partitionMetadata = await this.partitionsOf(topic);
    const places: FeedPlace[] = [];
    for (const chunk of chunks(records)) {
      const messages: Message[] = chunk.map((record) => {
        const message: Message = { key: record.key, value: record.value, headers: { ...record.headers } };
        message.partition = this.partitioner({ topic, partitionMetadata, message });
        return message;
      });
      const answers = await this.producer!.send({ topic, acks: -1, messages });
      const base = new Map(answers.map((a) => [a.partition, Number(a.baseOffset)]));
      const next = new Map<number, number>();
      for (const message of messages) {
        const partition = message.partition!;
        const index = next.get(partition) ?? 0;
        next.set(partition, index + 1);
        places.push({ topic, partition, offset: base.get(partition)! + index });
      }
    }
    return places;
  }

  async endOffsets(topic: string): Promise<PartitionOffset[]> {
    checkTopic(topic);
    await this.partitionsOf(topic);
    const offsets = await this.admin!.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, offset: Number(o.high) })).sort(byPartition);
  }

  async committedOffsets(topic: string, groupId: string): Promise<PartitionOffset[]> {
    checkTopic(topic);
    checkGroupId(groupId);
    await this.connect();
    const [found] = await this.admin!.fetchOffsets({ groupId, topics: [topic] });
    return (found?.partitions ?? [])
      .filter((p) => Number(p.offset) >= 0)
      .map((p) => ({ partition: p.partition, offset: Number(p.offset) }))
      .sort(byPartition);
  }

  consume(options: ConsumeOptions): FeedConsumer {
    checkTopic(options.topic);
    checkGroupId(options.groupId);
    const from = checkFrom(options.from);
    const consumer = new KafkaConsumer(this.kafka, options, from, () => this.partitionsOf(options.topic));
    this.consumers.add(consumer);
    const forget = () => this.consumers.delete(consumer);
    void consumer.done.then(forget, forget);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
    await this.sending;
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.producer = null;
    this.admin = null;
    this.connecting = null;
  }
}

const byPartition = (a: PartitionOffset, b: PartitionOffset) => a.partition - b.partition;

/** Consecutive runs of records of at most SEND_BYTES (a larger record alone), order kept. */
function* chunks(records: FeedRecord[]): Generator<FeedRecord[]> {
  let chunk: FeedRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (chunk.length > 0 && bytes + size > SEND_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(record);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}

function text(value: IHeaders[string]): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return text(value[value.length - 1]);
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

class KafkaConsumer implements FeedConsumer {
  readonly ready: Promise<void>;
  readonly done: Promise<void>;
  private readonly consumer: Consumer;
  private failure: unknown = null;
  private stopped = false;
  private finish!: (error?: unknown) => void;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly from: 'earliest' | 'latest' | PartitionOffset[],
    partitions: () => Promise<PartitionMetadata[]>,
  ) {
    // Short fetch waits: a consumer asked to stop leaves within half a second, not after the default five.
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: 500,
      maxBytes: MAX_FEED_MESSAGE_BYTES * 2,
      allowAutoTopicCreation: false,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.finish = (error?: unknown) => (error === undefined ? resolve() : reject(error));
    });
    this.ready = this.start(partitions);
    this.ready.catch((error: unknown) => void this.end(error));
  }

  private async start(partitions: () => Promise<PartitionMetadata[]>): Promise<void> {
    const { topic } = this.options;
    const all = await partitions();
    let fetched!: () => void;
    const firstFetch = new Promise<void>((resolve) => {
      fetched = resolve;
    });
    // The first completed fetch means every assigned partition has its position (so `latest` is fixed by now).
    const removeFetch = this.consumer.on(this.consumer.events.FETCH, () => fetched());
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => void this.end(this.failure ?? payload.error));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topic], fromBeginning: this.from !== 'latest' });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    if (Array.isArray(this.from)) {
      for (const { partition, offset } of this.from) {
        if (!all.some((p) => p.partitionId === partition))
          throw new UnknownFeedTopic(`${topic} partition ${partition}`);
        this.consumer.seek({ topic, partition, offset: String(offset) });
      }
    }
    await firstFetch;
    removeFetch();
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
    commitOffsetsIfNecessary,
  }: EachBatchPayload): Promise<void> {
    if (this.failure !== null || this.stopped) return;
    let handled: number | null = null;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale() || this.stopped) break;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = text(value);
        const feedMessage: FeedMessage = {
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value,
          headers,
          timestamp: Number(message.timestamp),
        };
        await this.options.handle(feedMessage);
        resolveOffset(message.offset);
        handled = feedMessage.offset;
        await heartbeat();
      }
    } catch (error) {
      this.failure = error;
    }
    // Through the batch's own commit: `consumer.commitOffsets` silently does nothing once `stop` was called, which
    // would lose the commit of a batch that was finishing when the consumer was asked to stop.
    if (handled !== null)
      await commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(handled + 1) }] }],
      });
    // Left from outside the batch: disconnecting waits for the batch, which is this call.
    if (this.failure !== null) setImmediate(() => void this.end(this.failure));
  }

  private async end(error?: unknown): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.consumer.disconnect().catch(() => undefined);
    this.finish(error ?? undefined);
  }

  async stop(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.end();
    await this.done.catch(() => undefined);
  }
}

export function kafkaFeedOptionsFrom(config: {
  KAFKA_BROKERS?: string;
  KAFKA_CLIENT_ID: string;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
  KAFKA_CREATE_TOPICS: boolean;
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
}): KafkaFeedOptions {
  return {
    brokers: (config.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()),
    clientId: config.KAFKA_CLIENT_ID,
    ssl: config.KAFKA_SSL_CA_FILE ? { ca: readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8') } : config.KAFKA_SSL,
    ...(config.KAFKA_SASL_MECHANISM
      ? {
          sasl: {
            mechanism: config.KAFKA_SASL_MECHANISM,
            username: config.KAFKA_SASL_USERNAME ?? '',
            password: config.KAFKA_SASL_PASSWORD ?? '',
          },
        }
      : {}),
    createTopics: config.KAFKA_CREATE_TOPICS,
    partitions: config.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: config.KAFKA_REPLICATION_FACTOR,
  };
}
