/**
 * Wakes subscriptions when the log may have grown. Appends in this process bump it at once; appends by another
 * process (or another connection) are seen by an optional probe polled only while someone is waiting.
 */
export class ChangeSignal {
  private version = 0;
  private waiters = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    /** Returns a value that changes whenever someone else wrote; polled only while subscriptions wait. */
    private readonly probe: (() => unknown) | undefined,
    private readonly pollIntervalMs: number,
  ) {}

  current(): number {
    return this.version;
  }

  notify(): void {
    this.version++;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    this.stopPollingIfIdle();
  }

  /** Resolves once the version differs from `seen`, or the signal is closed. */
  waitForChange(seen: number): Promise<void> {
    if (this.closed || this.version !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.add(resolve);
      this.startPolling();
    });
  }

  close(): void {
    this.closed = true;
    this.notify();
    this.stopPollingIfIdle();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private startPolling(): void {
    if (this.timer || !this.probe || this.closed) return;
    const probe = this.probe;
    let last = probe();
    this.timer = setInterval(() => {
      const now = probe();
      if (now !== last) {
        last = now;
        this.notify();
      }
    }, this.pollIntervalMs);
    this.timer.unref();
  }

  private stopPollingIfIdle(): void {
    if (this.timer && (this.waiters.size === 0 || this.closed)) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
