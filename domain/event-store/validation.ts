/**
 * Input checks shared by every event store adapter, so that both refuse the same calls with the same typed error
 * before anything is written.
 */
import { z } from 'zod';
import { type InputIssue, InvalidEventStoreInput } from './errors.js';
import type { EventMetadata, JsonObject, NewEvent } from './event.js';
import type {
  AllFilter,
  AppendOptions,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './port.js';

export const MAX_STREAM_ID_LENGTH = 256;
/** One event (data and metadata as JSON) may take this many UTF-8 bytes; the production store is configured to match. */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;
/** One append as a whole; KurrentDB refuses larger requests (compose.yaml raises its limit to match). */
export const MAX_APPEND_BYTES = 16 * 1024 * 1024;
export const MAX_EVENTS_PER_APPEND = 10_000;
export const DEFAULT_READ_ALL_COUNT = 1_000;
export const MAX_READ_COUNT = 100_000;

// `$` starts KurrentDB's system streams; control characters and spaces make names that cannot be typed or logged safely.
const streamIdSchema = z
  .string()
  .min(1, 'stream name is empty')
  .max(MAX_STREAM_ID_LENGTH, `stream name is longer than ${MAX_STREAM_ID_LENGTH} characters`)
  .refine((s) => !s.startsWith('$'), 'stream names starting with $ are reserved')
  .refine((s) => !/[\s\p{Cc}]/u.test(s), 'stream name contains white space or control characters');

const revisionSchema = z.int('revision must be an integer').min(0, 'revision must not be negative');
const positionSchema = z.int('position must be an integer').min(0, 'position must not be negative');
const countSchema = z.int('count must be an integer').min(1, 'count must be at least 1').max(MAX_READ_COUNT);

const expectedRevisionSchema: z.ZodType<ExpectedRevision> = z.union([
  z.enum(['any', 'no_stream', 'stream_exists']),
  revisionSchema,
]);

const eventTypeSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,127}$/, 'event type must be an identifier of at most 128 ASCII characters');

const idText = z.string().min(1).max(200);

export const eventMetadataSchema: z.ZodType<EventMetadata> = z.strictObject({
  actorId: idText,
  actorRole: z.string().min(1).max(100),
  siteId: idText.nullable(),
  correlationId: idText,
  causationId: idText.nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  schemaVersion: z.int().min(1),
  source: z
    .strictObject({
      system: z.string().min(1).max(200),
      originalId: z.string().max(500).optional(),
      originalUrl: z.string().max(2000).optional(),
    })
    .optional(),
  idempotencyKey: z.string().min(1).max(300).optional(),
});

const newEventHeaderSchema = z.object({
  id: z.uuid('event id must be a UUID'),
  type: eventTypeSchema,
  metadata: z.unknown(),
  data: z.unknown(),
});

const filterSchema: z.ZodType<AllFilter> = z
  .strictObject({
    streamPrefixes: z.array(z.string().min(1).max(MAX_STREAM_ID_LENGTH)).min(1).max(100).optional(),
    eventTypes: z.array(eventTypeSchema).min(1).max(500).optional(),
  })
  .refine(
    (f) => f.streamPrefixes !== undefined || f.eventTypes !== undefined,
    'an empty filter selects nothing; omit it',
  );

const appendOptionsSchema: z.ZodType<AppendOptions> = z.strictObject({ expectedRevision: expectedRevisionSchema });
const readStreamOptionsSchema = z.strictObject({
  direction: z.enum(['forwards', 'backwards']).optional(),
  fromRevision: z.union([revisionSchema, z.enum(['start', 'end'])]).optional(),
  maxCount: countSchema.optional(),
});
const readAllOptionsSchema = z.strictObject({
  after: positionSchema.optional(),
  maxCount: countSchema.optional(),
  filter: filterSchema.optional(),
});
const subscribeOptionsSchema = z.strictObject({
  after: z.union([positionSchema, z.literal('end')]).optional(),
  filter: filterSchema.optional(),
});

function issuesOf(error: z.ZodError, prefix: string): InputIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidEventStoreInput(issuesOf(result.error, path));
  return result.data;
}

export function checkStreamId(streamId: unknown): string {
  return parse(streamIdSchema, streamId, 'streamId');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Walks a value and reports the first thing JSON cannot carry faithfully: JSON.stringify would silently drop
 * functions and undefined, turn NaN into null and throw on BigInt or cycles, so an event would not read back as written.
 */
function jsonProblem(value: unknown, path: string, seen: Set<object>): InputIssue | null {
  switch (typeof value) {
    case 'string':
      // A lone surrogate has no UTF-8 form: the event could not be encoded canonically as an audit log leaf.
      return LONE_SURROGATE.test(value) ? { path, message: 'text holds a lone UTF-16 surrogate' } : null;
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : { path, message: `${value} is not a JSON number` };
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) return { path, message: 'circular reference' };
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        seen.add(value);
        for (let i = 0; i < value.length; i++) {
          const problem = jsonProblem(value[i], `${path}[${i}]`, seen);
          if (problem) return problem;
        }
        seen.delete(value);
        return null;
      }
      if (proto !== Object.prototype && proto !== null) {
        return { path, message: `${proto?.constructor?.name ?? 'object'} is not plain JSON data` };
      }
      seen.add(value);
      for (const key in value) {
        if (LONE_SURROGATE.test(key)) return { path: `${path}.${key}`, message: 'a key holds a lone UTF-16 surrogate' };
        const problem = jsonProblem((value as Record<string, unknown>)[key], `${path}.${key}`, seen);
        if (problem) return problem;
      }
      seen.delete(value);
      return null;
    }
    default:
      return { path, message: `${typeof value} is not JSON data` };
  }
}

/** An event checked and turned into the JSON text every adapter stores. */
export interface SerializedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  /** The parsed forms, for adapters whose client serialises by itself. */
  event: NewEvent;
}

export function serializeEvent(candidate: unknown, index: number): SerializedEvent {
  const path = `events[${index}]`;
  const header = parse(newEventHeaderSchema, candidate, path);
  const metadata = parse(eventMetadataSchema, header.metadata, `${path}.metadata`);
  const { data } = header;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InvalidEventStoreInput([{ path: `${path}.data`, message: 'event data must be a JSON object' }]);
  }
  const problem = jsonProblem(data, `${path}.data`, new Set());
  if (problem) throw new InvalidEventStoreInput([problem]);
  const dataText = JSON.stringify(data);
  const metadataText = JSON.stringify(metadata);
  const bytes = Buffer.byteLength(dataText) + Buffer.byteLength(metadataText);
  if (bytes > MAX_EVENT_BYTES) {
    throw new InvalidEventStoreInput([
      { path, message: `event is ${bytes} bytes; at most ${MAX_EVENT_BYTES} are allowed` },
    ]);
  }
  // KurrentDB hands ids back in lower case; storing them so everywhere keeps both stores and retries in agreement.
  const id = header.id.toLowerCase();
  return {
    id,
    type: header.type,
    data: dataText,
    metadata: metadataText,
    event: { id, type: header.type, data: data as JsonObject, metadata },
  };
}

export interface CheckedAppend {
  streamId: string;
  expectedRevision: ExpectedRevision;
  events: SerializedEvent[];
}

export function checkAppend(streamId: unknown, events: unknown, options: unknown): CheckedAppend {
  const id = checkStreamId(streamId);
  const { expectedRevision } = parse(appendOptionsSchema, options, 'options');
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreInput([{ path: 'events', message: 'an append needs at least one event' }]);
  }
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidEventStoreInput([
      { path: 'events', message: `an append takes at most ${MAX_EVENTS_PER_APPEND} events` },
    ]);
  }
  const serialized = events.map(serializeEvent);
  const bytes = serialized.reduce((sum, e) => sum + e.data.length + e.metadata.length, 0);
  // Characters undercount UTF-8 bytes by up to 3x, so only a near miss needs the exact count.
  if (bytes * 3 > MAX_APPEND_BYTES) {
    const exact = serialized.reduce((sum, e) => sum + Buffer.byteLength(e.data) + Buffer.byteLength(e.metadata), 0);
    if (exact > MAX_APPEND_BYTES) {
      throw new InvalidEventStoreInput([
        {
          path: 'events',
          message: `the append is ${exact} bytes; at most ${MAX_APPEND_BYTES} are allowed in one append`,
        },
      ]);
    }
  }
  const ids = new Set<string>();
  for (const [i, e] of serialized.entries()) {
    if (ids.has(e.id))
      throw new InvalidEventStoreInput([{ path: `events[${i}].id`, message: 'event id repeated in one append' }]);
    ids.add(e.id);
  }
  return { streamId: id, expectedRevision, events: serialized };
}

export function checkReadStreamOptions(options: unknown): ReadStreamOptions {
  return parse(readStreamOptionsSchema, options ?? {}, 'options');
}

export function checkReadAllOptions(options: unknown): ReadAllOptions {
  return parse(readAllOptionsSchema, options ?? {}, 'options');
}

export function checkSubscribeOptions(options: unknown): SubscribeOptions {
  return parse(subscribeOptionsSchema, options ?? {}, 'options');
}

/** Whether an event passes a filter; adapters that cannot filter on the server use it on the client. */
export function matchesFilter(filter: AllFilter | undefined, streamId: string, type: string): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((p) => streamId.startsWith(p))) return false;
  return true;
}
