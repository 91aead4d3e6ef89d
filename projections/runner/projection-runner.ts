/**
 * Runs one projection: catches up from its checkpoint, then follows the log live, in batches. A new projection
 * version is built into a fresh generation while the old one keeps answering, and is promoted only once it has
 * caught up with the log as it was when the build started.
 *
 * An event the projection cannot handle stops it with an error naming the event; nothing is skipped silently. The
 * operator retries (after a fix) or skips that event explicitly, and the skip is itself an event in the log. An error
 * that says "try again" (a read model's file locked by another process, a store out of reach: transient-error.ts) is
 * not the event's fault: the batch, or the subscription, is tried again with bounded backoff, for as long as it takes,
 * and counted.
 */
import { randomUUID } from 'node:crypto';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore, Subscription } from '../../domain/event-store/port.js';
import { backoffMs, isTransientError } from '../../domain/shared/transient-error.js';
import { generationOf, type Projection, type ProjectionTarget, versionOfGeneration } from './projection.js';

export type ProjectionState = 'starting' | 'catching-up' | 'live' | 'failed' | 'stopped';

export interface ProjectionFailure {
  position: Position;
  eventId: string;
  eventType: string;
  streamId: string;
  message: string;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  generation: string | null;
  state: ProjectionState;
  checkpoint: Position | null;
  failure: ProjectionFailure | null;
  eventsApplied: number;
  /** Transient errors (busy or unreachable stores) met and waited out since the runner was made. */
  transientRetries: number;
}

/**
 * A batch holds at most this many times `batchSize` events in all: a projection that handles one event type in ten
 * (the library, of a resource's draft-to-publication events) still fills its transactions, and one that handles
 * almost nothing still records its progress.
 */
const SKIPPED_PER_BATCH = 10;

export interface RunnerOptions {
  /**
   * Events the projection handles taken into one read-model transaction at most; events it does not handle in between
   * ride along, up to `SKIPPED_PER_BATCH` times as many, so a long stretch of them still moves the checkpoint.
   */
  batchSize?: number;
  /** Generation to build; defaults to the projection version's own (`v<version>`). */
  generation?: string;
  /** Called after each batch while catching up: for progress bars. */
  onProgress?: (checkpoint: Position, head: Position | null) => void;
}

/** The stream where operator decisions about projections (skips) are recorded. */
export const projectionStream = (name: string) => `projection-${name}`;

export class ProjectionFailed extends Error {
  readonly code = 'PROJECTION_FAILED';
  constructor(
    readonly projection: string,
    readonly failure: ProjectionFailure,
  ) {
    super(
      `projection ${projection} stopped at event ${failure.eventId} (${failure.eventType} in ${failure.streamId}, position ${failure.position}): ${failure.message}`,
    );
    this.name = 'ProjectionFailed';
  }
}

/** The generation this runner writes was replaced by a rebuild elsewhere; the runner moves to the new one. */
class GenerationReplaced extends Error {
  constructor(readonly generation: string) {
    super(`generation replaced by ${generation}`);
  }
}

/** Whether the iterator already has its next value: while catching up it does, and events are batched. */
function settlesNow<T>(promise: Promise<T>): Promise<boolean> {
  return Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => setImmediate(() => resolve(false))),
  ]);
}

export class ProjectionRunner {
  private state: ProjectionState = 'stopped';
  private target: ProjectionTarget | null = null;
  private checkpointValue: Position | null = null;
  private failure: ProjectionFailure | null = null;
  private subscription: Subscription | null = null;
  private running: Promise<void> | null = null;
  private eventsApplied = 0;
  private transientRetries = 0;
  /** Wakes a backoff wait when the runner is stopped. */
  private stopping: AbortController | null = null;
  private readonly handled: { has(type: string): boolean };
  private readonly waiters = new Set<{ position: Position; resolve: () => void }>();
  private readonly batchSize: number;

  constructor(
    private readonly store: EventStore,
    readonly projection: Projection,
    private readonly options: RunnerOptions = {},
  ) {
    this.handled = projection.eventTypes === 'all' ? { has: () => true } : new Set(projection.eventTypes);
    this.batchSize = options.batchSize ?? 500;
  }

  status(): ProjectionStatus {
    return {
      name: this.projection.name,
      version: this.projection.version,
      generation: this.target?.generation ?? null,
      state: this.state,
      checkpoint: this.checkpointValue,
      failure: this.failure,
      eventsApplied: this.eventsApplied,
      transientRetries: this.transientRetries,
    };
  }

  /** Log head minus checkpoint: how far behind the read model is (0 when it has everything). */
  async lag(): Promise<number> {
    const head = (await this.store.headPosition()) ?? 0;
    return Math.max(0, head - (this.checkpointValue ?? 0));
  }

  /**
   * Starts the projection and resolves once it is live (caught up and promoted); it then keeps following the log.
   * Rejects with ProjectionFailed if an event cannot be handled on the way.
   */
  async start(): Promise<void> {
    if (this.running) throw new Error(`projection ${this.projection.name} is already running`);
    this.state = 'starting';
    this.failure = null;
    this.stopping = new AbortController();
    const active = await this.untilNotTransient(() => this.projection.activeGeneration());
    // Keep following the active generation while it is of this version (an operator's rebuild names its own);
    // a new version gets a generation of its own, built while the active one keeps answering.
    const generation =
      this.options.generation ??
      (active !== null && versionOfGeneration(active) === this.projection.version
        ? active
        : generationOf(this.projection.version));
    this.target = await this.untilNotTransient(() => this.projection.openGeneration(generation));
    const target = this.target;
    this.checkpointValue = await this.untilNotTransient(() => target.checkpoint());
    // The log as it is now: the runner is live (and a new generation promoted) once it has taken in at least this much.
    const promoteAt = await this.untilNotTransient(() => this.store.headPosition());
    let live!: () => void;
    let failed!: (error: unknown) => void;
    const ready = new Promise<void>((resolve, reject) => {
      live = resolve;
      failed = reject;
    });
    const goLive = async () => {
      if (active !== generation) await this.projection.promote(generation);
      this.state = 'live';
      live();
    };
    this.state = 'catching-up';
    if (promoteAt === null || (this.checkpointValue ?? -1) >= promoteAt) await goLive();
    this.running = this.follow(this.target, promoteAt, goLive).then(
      () => undefined,
      (error: unknown) => failed(error),
    );
    return ready;
  }

  /**
   * Runs `work` until it succeeds or fails for a reason other than a transient one, waiting longer each time (at most
   * 5 s). A stop ends the wait with the error.
   */
  private async untilNotTransient<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isTransientError(error) || !(await this.pause(attempt))) throw error;
      }
    }
  }

  /** Counts a transient error and waits before attempt `attempt + 1`; false when the runner is stopped meanwhile. */
  private async pause(attempt: number): Promise<boolean> {
    const signal = this.stopping?.signal;
    if (!signal || signal.aborted) return false;
    this.transientRetries++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, backoffMs(attempt));
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return !signal.aborted;
  }

  private async follow(
    target: ProjectionTarget,
    promoteAt: Position | null,
    goLive: () => Promise<void>,
    attempt = 1,
  ): Promise<void> {
    try {
      await this.followGeneration(target, promoteAt, goLive);
    } catch (error) {
      // The subscription lost its store for a moment: follow again from the checkpoint, after a pause.
      if (isTransientError(error)) {
        await this.subscription?.close();
        if (!(await this.pause(attempt))) return;
        return this.follow(target, promoteAt, goLive, attempt + 1);
      }
      if (!(error instanceof GenerationReplaced)) throw error;
      // Another process (an operator's rebuild) promoted a newer generation: follow that one from its checkpoint.
      this.target = await this.projection.openGeneration(error.generation);
      this.checkpointValue = await this.target.checkpoint();
      return this.follow(this.target, null, goLive);
    }
  }

  private async followGeneration(
    target: ProjectionTarget,
    promoteAt: Position | null,
    goLive: () => Promise<void>,
  ): Promise<void> {
    const checkpoint = this.checkpointValue;
    this.subscription = this.store.subscribeToAll(checkpoint === null ? {} : { after: checkpoint });
    const iterator = this.subscription[Symbol.asyncIterator]();
    let next = iterator.next();
    let batch: RecordedEvent[] = [];
    let handled = 0;
    // The batch before, while it is projected: the next one is read meanwhile, so a target that waits (for a writer
    // thread, a broker, a search engine) has the next batch ready when it is done. One batch at a time is projected,
    // in order, and none is begun before the one before it has its checkpoint.
    let applying: Promise<void> | null = null;
    try {
      for (;;) {
        // A failure of the batch being projected ends the wait for more events (none may come while live).
        const result = await (applying ? Promise.race([next, applying.then(() => next)]) : next);
        if (result.done) break;
        batch.push(result.value);
        if (this.handled.has(result.value.type)) handled++;
        next = iterator.next();
        const full = handled >= this.batchSize || batch.length >= this.batchSize * SKIPPED_PER_BATCH;
        if (!full && (await settlesNow(next))) continue;
        if (applying) await applying;
        applying = this.applyInTurn(target, batch, promoteAt, goLive);
        // Its failure is taken up by the next wait on it; until then it must not count as unhandled.
        applying.catch(() => undefined);
        batch = [];
        handled = 0;
        // Reading on waits until the batch has been taken as far as it can go without waiting: it is the one that is late.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (applying) await applying;
    } finally {
      // Whoever follows the log next starts from the checkpoint: the batch being projected is through first.
      await applying?.catch(() => undefined);
    }
  }

  private async applyInTurn(
    target: ProjectionTarget,
    batch: RecordedEvent[],
    promoteAt: Position | null,
    goLive: () => Promise<void>,
  ): Promise<void> {
    await this.applyBatch(target, batch);
    if (this.state === 'catching-up') {
      this.options.onProgress?.(this.checkpointValue!, promoteAt);
      if (promoteAt === null || this.checkpointValue! >= promoteAt) await goLive();
    }
  }

  private async applyBatch(target: ProjectionTarget, batch: RecordedEvent[]): Promise<void> {
    const relevant = batch.filter((e) => this.handled.has(e.type));
    const checkpoint = batch[batch.length - 1]!.position;
    try {
      await this.untilNotTransient(() => target.project(relevant, checkpoint));
    } catch (error) {
      await this.findFailure(target, batch, error);
    }
    this.checkpointValue = checkpoint;
    this.eventsApplied += relevant.length;
    for (const waiter of this.waiters) {
      if (waiter.position <= checkpoint) {
        waiter.resolve();
        this.waiters.delete(waiter);
      }
    }
  }

  /** Replays the failed batch one event at a time, so the failure names the event, and stops there. */
  private async findFailure(target: ProjectionTarget, batch: RecordedEvent[], batchError: unknown): Promise<never> {
    const active = await this.projection.activeGeneration();
    if (this.state === 'live' && active !== null && active !== target.generation) {
      await this.subscription?.close();
      throw new GenerationReplaced(active);
    }
    let culprit = batch[0]!;
    let error = batchError;
    for (const event of batch) {
      try {
        await this.untilNotTransient(() => target.project(this.handled.has(event.type) ? [event] : [], event.position));
        this.checkpointValue = event.position;
      } catch (eventError) {
        culprit = event;
        error = eventError;
        break;
      }
    }
    this.failure = {
      position: culprit.position,
      eventId: culprit.id,
      eventType: culprit.type,
      streamId: culprit.streamId,
      message: error instanceof Error ? error.message : String(error),
    };
    this.state = 'failed';
    await this.subscription?.close();
    throw new ProjectionFailed(this.projection.name, this.failure);
  }

  /** Resolves once every event up to `position` is in the read model (for read-your-writes and tests). */
  waitFor(position: Position, timeoutMs = 10_000): Promise<void> {
    if ((this.checkpointValue ?? -1) >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(`projection ${this.projection.name} did not reach position ${position} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** After a failure (and a fix): start again from the checkpoint, which still stands before the failed event. */
  async retry(): Promise<void> {
    if (this.state !== 'failed') throw new Error(`projection ${this.projection.name} has not failed`);
    await this.stop();
    return this.start();
  }

  /**
   * After a failure: records in the log who skipped which event and why, moves the checkpoint past it, and starts
   * again. The read model will lack whatever that event would have changed; the record says so for auditors.
   */
  async skipFailedEvent(
    reason: string,
    actor: { actorId: string; actorRole: string; occurredAt: string },
  ): Promise<void> {
    const failure = this.failure;
    if (this.state !== 'failed' || !failure || !this.target)
      throw new Error(`projection ${this.projection.name} has not failed`);
    if (!reason.trim()) throw new Error('a skip needs a reason');
    await this.store.append(
      projectionStream(this.projection.name),
      [
        {
          id: randomUUID(),
          type: 'ProjectionEventSkipped',
          data: {
            projection: this.projection.name,
            version: this.projection.version,
            generation: this.target.generation,
            position: failure.position,
            eventId: failure.eventId,
            eventType: failure.eventType,
            streamId: failure.streamId,
            error: failure.message,
            reason,
          },
          metadata: {
            ...actor,
            siteId: null,
            correlationId: randomUUID(),
            causationId: failure.eventId,
            schemaVersion: 1,
          },
        },
      ],
      { expectedRevision: 'any' },
    );
    await this.target.project([], failure.position);
    this.checkpointValue = failure.position;
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    if (this.state !== 'failed') this.state = 'stopped';
    this.stopping?.abort();
    await this.subscription?.close();
    await this.running;
    this.running = null;
    this.subscription = null;
  }
}
