/**
 * The cost a client may spend per minute, across requests. The per-request limits (query-cost.ts) bound what one
 * operation costs; the request rate limit bounds how many a client sends. Neither bounds their product: within 1,200
 * requests a minute, operations at the cost limit (nine searches each) would keep the event loop busy for most of
 * every second on behalf of one client. So every operation's cost, as query-cost.ts priced it, is taken from its
 * client's budget (a person or an API key, else the address, as for the rate limit), refilled continuously up to
 * QUERY_COST_PER_MINUTE; an operation the budget cannot pay is refused as RATE_LIMITED, saying when to retry.
 *
 * The budgets live in this process, like the request rate limit's counters.
 */
import type { OperationDefinitionNode } from 'graphql';
import { RequestRefused } from './errors.js';

/** The cost of each operation the validation rule priced; documents are cached, so it is priced once per text. */
const operationCosts = new WeakMap<OperationDefinitionNode, number>();

export function recordCost(operation: OperationDefinitionNode, cost: number): void {
  operationCosts.set(operation, cost);
}

export function costOf(operation: OperationDefinitionNode): number | undefined {
  return operationCosts.get(operation);
}

/** A refusal for a spent budget, saying when the operation could be paid. */
export class BudgetSpent extends RequestRefused {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('RATE_LIMITED', message, 429, [], 'RATE_LIMITED');
  }
}

interface Bucket {
  units: number;
  at: number;
}

/** Budgets untouched for this long are full again, so forgetting them changes nothing. */
const FULL_AFTER_MS = 60_000;
const SWEEP_ABOVE = 10_000;

export class CostBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` from `client`'s budget, or throws RATE_LIMITED when the budget cannot pay it. */
  spend(client: string, cost: number): void {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { units: this.perMinute, at: now };
    const units = Math.min(this.perMinute, bucket.units + ((now - bucket.at) * this.perMinute) / 60_000);
    if (units < cost) {
      this.buckets.set(client, { units, at: now });
      const seconds = Math.ceil(((cost - units) * 60) / this.perMinute);
      throw new BudgetSpent(
        seconds,
        `query cost budget of ${this.perMinute} per minute spent: this operation costs ${cost}; retry in ${seconds} s`,
      );
    }
    this.buckets.set(client, { units: units - cost, at: now });
    if (this.buckets.size > SWEEP_ABOVE) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [client, bucket] of this.buckets) if (now - bucket.at >= FULL_AFTER_MS) this.buckets.delete(client);
  }
}
