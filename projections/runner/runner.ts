/**
 * What keeps a read model up with the log, as the rest of a process sees it: the projection runner on this thread,
 * or one that runs a projection on a worker thread of its own (the audit tree) and reports for it here.
 */
import type { Position } from '../../domain/event-store/event.js';
import type { ProjectionStatus } from './projection-runner.js';

export interface Runner {
  readonly projection: { readonly name: string; readonly version: number };
  status(): ProjectionStatus;
  /** Log head minus checkpoint. */
  lag(): Promise<number>;
  /** Resolves once live. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once every event up to `position` is in the read model. */
  waitFor(position: Position, timeoutMs?: number): Promise<void>;
}
