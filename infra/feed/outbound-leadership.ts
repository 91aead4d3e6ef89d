/**
 * One publisher of the outbound feed at a time (R-LIB-3). Every server process composes the outbound projection;
 * if every process on one data directory ran it, the province would receive each message once per process, and a
 * process that fell behind would publish a resource's older versions after the newer ones another had sent. So the
 * projection runs only in the process holding the lease (outbound-lease.ts), renewed every third of its term; the
 * others stand by, and one of them takes over when the holder stops (a clean stop gives the lease up at once) or
 * dies (within one term). The outbound checkpoint is in the same data directory, so the one that takes over goes on
 * where the last one was acknowledged.
 *
 * Replicas that keep their own DATA_DIR (EVENT_STORE_DIR apart, or KurrentDB underneath) share no lease: the feed runs
 * where FEED_OUTBOUND=on, and the README says to leave it on for one of them only.
 *
 * A holder that stalled past its term finds the lease taken at its next renewal and stops; until then both may
 * publish the same messages, which are duplicates with the same `ce_id` (what at-least-once allows), never a gap.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import type { OutboundLease } from './outbound-lease.js';

export type OutboundRole = 'publisher' | 'standby' | 'off';

export interface OutboundLeadershipOptions {
  runner: ProjectionRunner;
  /** Stops waiting for the broker, so that a runner losing the lease stops at once. */
  interrupt: () => void;
  /** null: this process never publishes (FEED_OUTBOUND=off). */
  lease: OutboundLease | null;
  termMs: number;
  onError: (error: unknown, what: string) => void;
}

export class OutboundLeadership {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private current: OutboundRole;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private started: Promise<void> | null = null;

  constructor(private readonly options: OutboundLeadershipOptions) {
    this.current = options.lease ? 'standby' : 'off';
  }

  get role(): OutboundRole {
    return this.current;
  }

  /** Resolves once this process publishes and its feed is live, or once it stands by (or is off). */
  async start(): Promise<void> {
    if (!this.options.lease) return;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.options.termMs / 3)));
    this.timer.unref();
    await this.started;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    if (this.current === 'publisher') await this.standDown();
    this.options.lease?.release(this.holder);
    this.options.lease?.close();
  }

  private tick(): Promise<void> {
    this.ticking ??= this.renew().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async renew(): Promise<void> {
    let held: boolean;
    try {
      held = this.options.lease!.take(this.holder, Date.now(), this.options.termMs);
    } catch (error) {
      // A busy lease file says nothing about who holds it: the next tick asks again.
      this.options.onError(error, 'outbound feed lease not renewed');
      return;
    }
    if (held && this.current !== 'publisher') {
      this.current = 'publisher';
      // Not awaited here: catching up may take longer than a term, and the lease is renewed meanwhile.
      this.started = this.options.runner.start().catch((error: unknown) => {
        this.options.onError(error, 'outbound feed stopped');
      });
    } else if (!held && this.current === 'publisher') {
      await this.standDown();
    }
  }

  private async standDown(): Promise<void> {
    this.current = 'standby';
    this.options.interrupt();
    await this.options.runner.stop();
    await this.started;
  }
}
