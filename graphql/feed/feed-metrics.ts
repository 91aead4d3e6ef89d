/**
 * The provincial feed on `/metrics` and `/readyz` (R-LIB-3): for the outbound feed the last log position every
 * message up to which the broker acknowledged, and how far that is behind the log; for the inbound feed how many of
 * the province's messages wait, and what became of those taken (applied, unchanged, dead-lettered).
 */
import { Gauge, type Registry } from 'prom-client';
import type { ReadinessCheck } from '../operations/operations.js';

export interface FeedWatch {
  outbound: () => {
    topic: string;
    lastAcknowledgedPosition: number | null;
    messagesPublished: number;
    publishFailures: number;
    lastError: string | null;
  };
  /** Whether this process publishes the outbound feed, stands by for another process, or never does. */
  outboundRole: () => 'publisher' | 'standby' | 'off';
  /** Whether the outbound projection follows the log live (a standby's is another process's). */
  outboundLive: () => boolean;
  /** Log head minus the last acknowledged position. */
  outboundLag: () => Promise<number>;
  inbound: () => {
    topic: string;
    groupId: string;
    state: string;
    applied: number;
    unchanged: number;
    deadLettered: number;
    lastError: string | null;
  };
  inboundLag: () => Promise<number>;
}

export function watchFeed(registry: Registry, watch: FeedWatch): void {
  const registers = [registry];
  new Gauge({
    name: 'feed_outbound_acknowledged_position',
    help: 'Log position up to which every message of the outbound provincial feed was acknowledged by the broker',
    registers,
    collect() {
      this.set(watch.outbound().lastAcknowledgedPosition ?? 0);
    },
  });
  new Gauge({
    name: 'feed_outbound_lag_positions',
    help: 'Log head position minus the last position acknowledged by the outbound provincial feed',
    registers,
    async collect() {
      this.set(await watch.outboundLag());
    },
  });
  new Gauge({
    name: 'feed_outbound_publisher',
    help: 'Whether this process publishes the outbound provincial feed (1) or stands by for another process (0)',
    registers,
    collect() {
      this.set(watch.outboundRole() === 'publisher' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'feed_outbound_messages_published',
    help: 'Messages the outbound provincial feed published since the process started (duplicates after a crash included)',
    registers,
    collect() {
      this.set(watch.outbound().messagesPublished);
    },
  });
  new Gauge({
    name: 'feed_outbound_publish_failures',
    help: 'Publishes of the outbound provincial feed that failed and were tried again, since the process started',
    registers,
    collect() {
      this.set(watch.outbound().publishFailures);
    },
  });
  new Gauge({
    name: 'feed_inbound_lag_messages',
    help: 'Messages of the province’s shared-resource topic not yet taken in',
    registers,
    async collect() {
      this.set(await watch.inboundLag().catch(() => -1));
    },
  });
  new Gauge({
    name: 'feed_inbound_messages',
    help: 'Messages of the province’s topic taken since the process started, by outcome',
    labelNames: ['outcome'],
    registers,
    collect() {
      const s = watch.inbound();
      this.set({ outcome: 'applied' }, s.applied);
      this.set({ outcome: 'unchanged' }, s.unchanged);
      this.set({ outcome: 'dead_letter' }, s.deadLettered);
    },
  });
  new Gauge({
    name: 'feed_inbound_up',
    help: '1 while the consumer of the province’s topic runs',
    registers,
    collect() {
      this.set(watch.inbound().state === 'running' ? 1 : 0);
    },
  });
}

/** Ready while the outbound feed is live and within `maxLag` of the log, and the inbound consumer runs. */
export function feedReadiness(watch: FeedWatch, maxLag: number): ReadinessCheck {
  return async () => {
    const outbound = watch.outbound();
    const inbound = watch.inbound();
    const lag = await watch.outboundLag();
    const inboundLag = await watch.inboundLag().catch(() => null);
    const live = watch.outboundLive();
    const role = watch.outboundRole();
    return {
      name: 'feed',
      // A standby answers for its own part only: the publisher's lag is the publisher's readiness.
      ready: live && (role !== 'publisher' || lag <= maxLag) && inbound.state === 'running',
      outbound: { ...outbound, role, live, lag },
      inbound: { ...inbound, lag: inboundLag },
    };
  };
}
