/**
 * How many subscriptions each identity (a person, an API key, or an address for anonymous readers) holds open on this
 * process. A lease is taken when a subscription starts and given back exactly once when it ends, however it ends:
 * stopped by the client, its socket closed, ended by an error or by the server.
 */
import { TooManySubscriptions } from './subscription-errors.js';

export class SubscriptionLeases {
  private readonly held = new Map<string, number>();

  constructor(readonly perIdentity: number) {}

  /** Takes a lease for `identity`, or throws TOO_MANY_SUBSCRIPTIONS; returns its release. */
  acquire(identity: string): () => void {
    const count = this.held.get(identity) ?? 0;
    if (count >= this.perIdentity) throw new TooManySubscriptions(this.perIdentity);
    this.held.set(identity, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(identity) ?? 1) - 1;
      if (left === 0) this.held.delete(identity);
      else this.held.set(identity, left);
    };
  }

  count(identity: string): number {
    return this.held.get(identity) ?? 0;
  }
}
