import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { Subscription } from '../../domain/event-store/port.js';
import type { ChangeSignal } from './change-signal.js';

export interface Page {
  events: RecordedEvent[];
  /** Everything up to here has been looked at (matching or not), so the next read starts after it. */
  scannedTo: Position | undefined;
}

/**
 * History and live events come from the same query ("everything after the last position I delivered"), so the
 * switch from catching up to following live cannot lose or repeat an event: there is no switch at all, only a wait
 * for the log to grow when a read comes back empty.
 */
export function catchUpSubscription(
  readPage: (after: Position | undefined) => Page,
  start: Position | undefined,
  signal: ChangeSignal,
): Subscription {
  let closed = false;
  let wake: (() => void) | undefined;

  async function* events(): AsyncGenerator<RecordedEvent> {
    let after = start;
    while (!closed && !signal.isClosed) {
      const seen = signal.current();
      const page = readPage(after);
      if (page.scannedTo !== undefined) after = page.scannedTo;
      for (const event of page.events) {
        if (closed) return;
        yield event;
      }
      if (page.events.length === 0) {
        await Promise.race([signal.waitForChange(seen), new Promise<void>((resolve) => (wake = resolve))]);
      }
    }
  }

  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      closed = true;
      wake?.();
      await iterator.return(undefined);
    },
  };
}
