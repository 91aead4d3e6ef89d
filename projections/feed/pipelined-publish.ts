/**
 * A topic's share of one batch of the outbound feed: its chunks are published as they are made, several under way
 * at once, so that the feed writes one while the next is being made; `settle` then waits until every chunk is
 * acknowledged, in order.
 *
 * Order survives a failure because of the port's fencing rule (domain/feed/feed-port.ts): once a chunk fails, those
 * called after it, before the failure was known, fail too, and no chunk is called here after the failure is known.
 * So what was acknowledged is a prefix of the chunks, and `settle` sends the rest again from the first that failed,
 * one after another, each until the feed takes it: duplicates of nothing, and no chunk before one sent earlier.
 */
import type { Feed, FeedRecord } from '../../domain/feed/feed-port.js';
import { InvalidFeedInput } from '../../domain/feed/feed-port.js';

export class PipelinedPublish {
  private readonly chunks: FeedRecord[][] = [];
  private readonly sent: Array<Promise<unknown>> = [];
  private failed = false;

  constructor(
    private readonly feed: Feed,
    private readonly topic: string,
    /** Publishes one chunk until the feed acknowledges it (with backoff), or throws what cannot be retried. */
    private readonly durably: (publish: () => Promise<unknown>) => Promise<unknown>,
    /** Told of the failure that ended the chunks under way (for the feed's status and log). */
    private readonly onFailure: (error: unknown) => void,
  ) {}

  /** Publishes the chunk now, or, after a failure, keeps it to be sent after the one that failed. */
  send(records: FeedRecord[]): void {
    if (records.length === 0) return;
    this.chunks.push(records);
    if (this.failed) return;
    const publishing = this.feed.publish(this.topic, records);
    publishing.catch(() => {
      this.failed = true;
    });
    this.sent.push(publishing);
  }

  /** Waits for what is under way, sending nothing again: for a batch that failed and will be tried afresh. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.sent);
  }

  /** Waits for what is under way; whether every chunk was acknowledged (then `settle` has nothing left to do). */
  async acknowledged(): Promise<boolean> {
    const outcomes = await Promise.allSettled(this.sent);
    return !this.failed && outcomes.every((outcome) => outcome.status === 'fulfilled');
  }

  /** Resolves once every chunk is acknowledged; rejects with a refusal that retrying cannot mend. */
  async settle(): Promise<void> {
    const outcomes = await Promise.allSettled(this.sent);
    const first = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    if (first < 0) return;
    const error = (outcomes[first] as PromiseRejectedResult).reason;
    if (error instanceof InvalidFeedInput) throw error;
    this.onFailure(error);
    for (const records of this.chunks.slice(first)) await this.durably(() => this.feed.publish(this.topic, records));
  }
}
