import type { NewEvent } from '../../domain/event-store/event.js';
import type { AppendOptions, EventStore } from '../../domain/event-store/port.js';

/** Wraps a store to time every append (for the metrics), changing nothing else. */
export function measuredEventStore(store: EventStore, observe: (seconds: number) => void): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'append') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (streamId: string, events: readonly NewEvent[], options: AppendOptions) => {
        const start = process.hrtime.bigint();
        try {
          return await target.append(streamId, events, options);
        } finally {
          observe(Number(process.hrtime.bigint() - start) / 1e9);
        }
      };
    },
  });
}
