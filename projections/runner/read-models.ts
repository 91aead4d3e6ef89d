/**
 * The read models a process serves, each with the runner that keeps it up with the log: started and stopped together,
 * reported together (readiness, metrics), and waited on together when a writer wants to read its own write.
 */
import type { Position } from '../../domain/event-store/event.js';
import type { Runner } from './runner.js';

/** How long a write waits for this process's read models to hold it before answering anyway. */
export const READ_YOUR_WRITES_MS = 2_000;

export class ReadModels<Name extends string = string> {
  constructor(readonly runners: Readonly<Record<Name, Runner>>) {}

  all(): Runner[] {
    return Object.values<Runner>(this.runners);
  }

  async start(): Promise<void> {
    for (const runner of this.all()) await runner.start();
  }

  async stop(): Promise<void> {
    for (const runner of this.all()) await runner.stop();
  }

  /**
   * Resolves once every read model that follows the log live holds `position`, or after `timeoutMs`: the write is
   * durable either way, and a read model that is rebuilding or stopped must not hold up the writer's answer.
   */
  async settled(position: Position | null, timeoutMs = READ_YOUR_WRITES_MS): Promise<void> {
    if (position === null) return;
    const live = this.all().filter((runner) => runner.status().state === 'live');
    await Promise.all(live.map((runner) => runner.waitFor(position, timeoutMs).catch(() => undefined)));
  }
}
