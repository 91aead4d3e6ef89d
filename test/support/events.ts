import { randomUUID } from 'node:crypto';
import type { EventMetadata, JsonObject, NewEvent } from '../../domain/event-store/event.js';

export function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actorId: 'person-test',
    actorRole: 'editor',
    siteId: 'site-test',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: '2026-11-26T10:00:00.000+08:00',
    schemaVersion: 1,
    ...overrides,
  };
}

export function newEvent(type: string, data: JsonObject = {}, overrides: Partial<NewEvent> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: metadata(), ...overrides };
}

/** Stream names unique to one test, so suites can share a production store with other runs. */
export function uniquePrefix(label: string): string {
  return `${label}${randomUUID().slice(0, 8)}-`;
}
