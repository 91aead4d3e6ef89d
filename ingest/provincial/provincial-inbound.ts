/**
 * The inbound provincial feed (R-LIB-3): a consumer group on the province's shared-resource topic that takes each
 * message into the library through the platform's write path (`ReceiveProvincialChange`).
 *
 * - A valid message becomes (or corrects, withdraws, archives) a provincial resource, one append, all or nothing.
 * - A message delivered again (same source and `ce_id`) changes nothing: the resource's stream remembers it.
 * - A message that cannot be read or that the metadata model refuses goes to the dead-letter topic, as it came, with
 *   its reason (`dlq_reason`: code, message and each field's problem) and where it came from; nothing of it is
 *   written to the library. Its offset is committed only once the dead letter is acknowledged.
 * - Anything else (the event store not answering) stops the consumer without committing the message: it is delivered
 *   again when the consumer restarts, after a backoff.
 */

import type { Feed, FeedConsumer, FeedMessage } from '../../domain/feed/feed-port.js';
import { consumerLag, InvalidFeedInput } from '../../domain/feed/feed-port.js';
import type { Platform } from '../../domain/platform.js';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { readProvincialMessage } from './provincial-message.js';

export type InboundOutcome = 'applied' | 'unchanged' | 'dead_letter';

export interface ProvincialInboundOptions {
  feed: Feed;
  platform: Platform;
  topic: string;
  groupId: string;
  deadLetterTopic: string;
  clock?: () => Date;
  /** First wait before a failed consumer starts again; doubles up to ten times as long. */
  restartMs?: number;
  onOutcome?: (outcome: InboundOutcome, message: FeedMessage) => void;
  onError?: (error: unknown) => void;
}

export interface ProvincialInboundStatus {
  topic: string;
  groupId: string;
  deadLetterTopic: string;
  state: 'stopped' | 'starting' | 'running' | 'restarting';
  applied: number;
  unchanged: number;
  deadLettered: number;
  lastError: string | null;
}

export interface DeadLetterReason {
  code: string;
  message: string;
  details: Array<{ path: string; message: string }>;
}

/** The actor of everything the province's feed writes: the platform itself, naming the feed. */
export const PROVINCIAL_FEED_ACTOR = 'provincial-feed';

export class ProvincialInbound {
  private consumer: FeedConsumer | null = null;
  private state: ProvincialInboundStatus['state'] = 'stopped';
  private counts = { applied: 0, unchanged: 0, deadLettered: 0 };
  private lastError: string | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: ProvincialInboundOptions) {}

  /** Resolves once the consumer is fetching; it then keeps running (and restarting) until `stop`. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the provincial inbound feed is already running');
    const { feed, topic, deadLetterTopic } = this.options;
    this.stopping = false;
    this.state = 'starting';
    await feed.ensureTopic(topic);
    await feed.ensureTopic(deadLetterTopic);
    let ready!: () => void;
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    this.running = this.supervise(ready);
    await started;
  }

  private async supervise(ready: () => void): Promise<void> {
    let wait = this.options.restartMs ?? 500;
    while (!this.stopping) {
      const consumer = this.options.feed.consume({
        topic: this.options.topic,
        groupId: this.options.groupId,
        from: 'earliest',
        handle: (message) => this.take(message),
      });
      this.consumer = consumer;
      await consumer.ready.catch(() => undefined);
      this.state = 'running';
      ready();
      try {
        await consumer.done;
        wait = this.options.restartMs ?? 500;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error);
      }
      if (this.stopping) break;
      this.state = 'restarting';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wait = Math.min(wait * 2, (this.options.restartMs ?? 500) * 10);
    }
    this.state = 'stopped';
  }

  private async take(message: FeedMessage): Promise<void> {
    const read = readProvincialMessage(message);
    if (!read.ok) {
      await this.deadLetter(message, {
        code: 'UNREADABLE_MESSAGE',
        message: 'the message is not a provincial resource change this library can read',
        details: read.problems,
      });
      return;
    }
    const meta: CommandMeta = {
      actorId: PROVINCIAL_FEED_ACTOR,
      system: true,
      occurredAt: (this.options.clock?.() ?? new Date()).toISOString(),
      source: { system: read.input.message.source, originalId: read.input.originalId },
    };
    try {
      const result = await this.options.platform.execute('ReceiveProvincialChange', read.input, meta);
      const outcome = result.events.length > 0 ? 'applied' : 'unchanged';
      this.counts[outcome]++;
      this.options.onOutcome?.(outcome, message);
    } catch (error) {
      // A refusal is about the message, and stays a refusal however often it comes: it goes to the dead letters.
      if (!(error instanceof DomainError) || error.code === 'CONCURRENCY_CONFLICT') throw error;
      await this.deadLetter(message, { code: error.code, message: error.message, details: error.details });
    }
  }

  private async deadLetter(message: FeedMessage, reason: DeadLetterReason): Promise<void> {
    const headers = {
      ...message.headers,
      dlq_reason: JSON.stringify(reason),
      dlq_topic: message.topic,
      dlq_partition: String(message.partition),
      dlq_offset: String(message.offset),
      dlq_at: (this.options.clock?.() ?? new Date()).toISOString(),
    };
    try {
      await this.options.feed.publish(this.options.deadLetterTopic, [
        { key: message.key, value: message.value, headers },
      ]);
    } catch (error) {
      // Too large with the reason added: the reason alone still says what came and why it went nowhere.
      if (!(error instanceof InvalidFeedInput)) throw error;
      await this.options.feed.publish(this.options.deadLetterTopic, [{ key: message.key, value: null, headers }]);
    }
    this.counts.deadLettered++;
    this.options.onOutcome?.('dead_letter', message);
  }

  /** Messages of the province's topic not yet taken. */
  lag(): Promise<number> {
    return consumerLag(this.options.feed, this.options.topic, this.options.groupId);
  }

  status(): ProvincialInboundStatus {
    return {
      topic: this.options.topic,
      groupId: this.options.groupId,
      deadLetterTopic: this.options.deadLetterTopic,
      state: this.state,
      applied: this.counts.applied,
      unchanged: this.counts.unchanged,
      deadLettered: this.counts.deadLettered,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.consumer?.stop();
    await this.running;
    this.running = null;
    this.consumer = null;
    this.state = 'stopped';
  }
}
