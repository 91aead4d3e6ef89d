/**
 * CloudEvents as the province posts them over HTTP (the HTTP protocol binding 1.0), turned into the Kafka binary-mode
 * records the feed log keeps, so the inbound consumer reads the same thing whether the province posts to the
 * embedded feed or produces to Kafka:
 *
 * - binary mode: attributes in `ce-<name>` headers (values percent-encoded where they are not printable ASCII), the
 *   body is the data, `content-type` its media type;
 * - structured mode: `application/cloudevents+json`, one event in the JSON format;
 * - batch mode: `application/cloudevents-batch+json`, a JSON array of such events.
 *
 * The record key is the `partitionkey` attribute (the partitioning extension), else the subject.
 */
import { binaryRecord, type CloudEventAttributes, readBinaryRecord } from '../../domain/feed/cloud-event.js';
import type { FeedRecord } from '../../domain/feed/feed-port.js';

export type HttpCloudEvents = { ok: true; records: FeedRecord[] } | { ok: false; problems: string[] };

const STRUCTURED = /^application\/cloudevents\+json\b/i;
const BATCH = /^application\/cloudevents-batch\+json\b/i;
export const MAX_EVENTS_PER_POST = 1000;

function decodeHeader(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function recordOf(attributes: Record<string, unknown>, data: Buffer | null): FeedRecord {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined && value !== null) text[name] = String(value);
  const key = text.partitionkey ?? text.subject ?? null;
  return binaryRecord(key, text as CloudEventAttributes, data);
}

/** One event in the JSON format: `data` (JSON unless the content type says otherwise) or `data_base64`. */
function fromJsonEvent(event: unknown, at: string): FeedRecord | string {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return `${at}: an event is a JSON object`;
  const { data, data_base64: base64, ...attributes } = event as Record<string, unknown>;
  let bytes: Buffer | null = null;
  if (typeof base64 === 'string') bytes = Buffer.from(base64, 'base64');
  else if (data !== undefined) {
    const type = String(attributes.datacontenttype ?? 'application/json');
    bytes =
      typeof data === 'string' && !/json/i.test(type) ? Buffer.from(data, 'utf8') : Buffer.from(JSON.stringify(data));
    attributes.datacontenttype ??= 'application/json';
  }
  return recordOf(attributes, bytes);
}

export function httpCloudEvents(headers: Record<string, string | string[] | undefined>, body: Buffer): HttpCloudEvents {
  const contentType = String(headers['content-type'] ?? '');
  const records: FeedRecord[] = [];
  const problems: string[] = [];
  if (STRUCTURED.test(contentType) || BATCH.test(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, problems: ['the body is not JSON'] };
    }
    const batch = BATCH.test(contentType);
    if (batch && !Array.isArray(parsed)) return { ok: false, problems: ['a batch is a JSON array of events'] };
    const events = batch ? (parsed as unknown[]) : [parsed];
    if (events.length > MAX_EVENTS_PER_POST) return { ok: false, problems: [`at most ${MAX_EVENTS_PER_POST} events`] };
    events.forEach((event, i) => {
      const record = fromJsonEvent(event, batch ? `[${i}]` : 'event');
      if (typeof record === 'string') problems.push(record);
      else records.push(record);
    });
  } else {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!name.toLowerCase().startsWith('ce-') || value === undefined) continue;
      attributes[name.slice(3).toLowerCase()] = decodeHeader(Array.isArray(value) ? value[0]! : value);
    }
    if (contentType) attributes.datacontenttype = contentType;
    records.push(recordOf(attributes, body.length > 0 ? body : null));
  }
  records.forEach((record, i) => {
    const read = readBinaryRecord(record);
    if (!read.ok) problems.push(...read.problems.map((p) => (records.length > 1 ? `[${i}] ${p}` : p)));
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, records };
}
