/**
 * The port's rule for publishes under way at the same time (feed-port.ts): once a publish to a topic fails, the
 * publishes to that topic called before the failure was known are not written either. Each publish takes a ticket,
 * the topic's current era; a failure closes the era it was in, so every publish holding a ticket of that era or an
 * earlier one is fenced off, and the publishes called afterwards take the next era's ticket and go through.
 *
 * The embedded feed keeps one fence where publishes are called and one on its writer thread, where they are written:
 * both hear of every failure, so tickets handed out after it are of the next era in both.
 */
export class PublishFence {
  private readonly eras = new Map<string, number>();
  private readonly closed = new Map<string, number>();

  /** The ticket of a publish to `topic` called now. */
  ticket(topic: string): number {
    return this.eras.get(topic) ?? 0;
  }

  /** Whether a publish holding `ticket` must not be written: one of its era, or a later one, failed. */
  fenced(topic: string, ticket: number): boolean {
    return ticket <= (this.closed.get(topic) ?? -1);
  }

  /** A publish holding `ticket` failed (or was fenced): its era is over. */
  failed(topic: string, ticket: number): void {
    if (ticket > (this.closed.get(topic) ?? -1)) this.closed.set(topic, ticket);
    if (ticket + 1 > this.ticket(topic)) this.eras.set(topic, ticket + 1);
  }
}
