/**
 * The shape of an event as every store keeps it. The store never looks inside `data`; it only insists that
 * it is plain JSON, so that the SQLite log and KurrentDB hold the same bytes for the same event.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Where data that was not born on this platform came from (a migrated site, the provincial library). */
export interface EventSource {
  system: string;
  originalId?: string;
  originalUrl?: string;
}

/** Carried by every event (architecture.md, "Events"); `occurredAt` comes from the command, never from a clock here. */
export interface EventMetadata {
  actorId: string;
  actorRole: string;
  /** The site the change belongs to; null for platform-wide events (a platform role grant, say). */
  siteId: string | null;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  /** Version of the event's data schema; older versions are upcast on read, never rewritten. */
  schemaVersion: number;
  source?: EventSource;
  /**
   * `<command type>/<key>` of a client's idempotency key: a repeat of the command by the same actor with the same key
   * is answered with the outcome these events recorded, instead of acting twice.
   */
  idempotencyKey?: string;
}

export interface NewEvent<Data extends JsonObject = JsonObject> {
  /** A UUID chosen by the writer: re-appending the same ids is how a retry stays idempotent. */
  id: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

/** Global order in the log: strictly increasing, gaps allowed, so readers never assume contiguity. */
export type Position = number;

export interface RecordedEvent<Data extends JsonObject = JsonObject> extends NewEvent<Data> {
  streamId: string;
  /** Place in its stream; the first event of a stream is revision 0. */
  revision: number;
  position: Position;
  /** When the store wrote it (ISO 8601); differs from metadata.occurredAt, which is the command's time. */
  recordedAt: string;
}
