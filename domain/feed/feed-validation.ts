/**
 * Input checks shared by every feed adapter, so that both refuse the same calls with the same typed error before
 * anything is written (Kafka would otherwise refuse some of them only at the broker, after part of a batch went out).
 */
import { type FeedInputIssue, type FeedRecord, InvalidFeedInput, type PartitionOffset } from './feed-port.js';

/**
 * One message (key, value and headers) may take this many bytes. A resource's feed message holds its uniform metadata
 * with the body (up to a million characters, three bytes each) and its version list; an event may take 8 MiB, so this
 * is above anything the outbound feed makes. Kafka topics the adapter creates allow it (`max.message.bytes`).
 */
export const MAX_FEED_MESSAGE_BYTES = 10 * 1024 * 1024;
export const MAX_RECORDS_PER_PUBLISH = 10_000;
export const MAX_KEY_BYTES = 4096;
export const MAX_HEADERS = 100;
/** Kafka's own limit on topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const GROUP_ID = /^[A-Za-z0-9._:-]{1,255}$/;
const HEADER_NAME = /^[\x21-\x7e]{1,255}$/;
/** A lone surrogate has no UTF-8 form, and Kafka headers and keys are UTF-8. */
const LONE_SURROGATE = /\p{Surrogate}/u;

export function topicProblem(topic: unknown): string | null {
  if (typeof topic !== 'string') return 'a topic name is text';
  if (!TOPIC_NAME.test(topic)) return 'a topic name has 1 to 249 characters among A-Z a-z 0-9 . _ -';
  if (topic === '.' || topic === '..') return 'a topic name cannot be . or ..';
  return null;
}

function fail(issues: FeedInputIssue[]): void {
  if (issues.length > 0) throw new InvalidFeedInput(issues);
}

export function checkTopic(topic: unknown): string {
  const problem = topicProblem(topic);
  fail(problem ? [{ path: 'topic', message: problem }] : []);
  return topic as string;
}

export function checkGroupId(groupId: unknown): string {
  fail(
    typeof groupId === 'string' && GROUP_ID.test(groupId)
      ? []
      : [{ path: 'groupId', message: 'a group id has 1 to 255 characters among A-Z a-z 0-9 . _ : -' }],
  );
  return groupId as string;
}

/** UTF-8 size of one record as the log keeps it. */
export function recordBytes(record: FeedRecord): number {
  let bytes = (record.key === null ? 0 : Buffer.byteLength(record.key)) + (record.value?.length ?? 0);
  const headers = record.headers;
  for (const name of Object.keys(headers)) bytes += name.length + Buffer.byteLength(headers[name]!);
  return bytes;
}

/** Checks a whole publish; the first problem of each record is reported, with its index. */
export function checkPublish(topic: unknown, records: unknown): FeedRecord[] {
  const issues: FeedInputIssue[] = [];
  const problem = topicProblem(topic);
  if (problem) issues.push({ path: 'topic', message: problem });
  if (!Array.isArray(records)) {
    issues.push({ path: 'records', message: 'records are a list' });
    fail(issues);
  }
  const list = records as unknown[];
  if (list.length > MAX_RECORDS_PER_PUBLISH)
    issues.push({ path: 'records', message: `at most ${MAX_RECORDS_PER_PUBLISH} records per publish` });
  list.forEach((record, i) => {
    const message = recordProblem(record);
    if (message) issues.push({ path: `records[${i}]${message.path}`, message: message.message });
  });
  fail(issues);
  return list as FeedRecord[];
}

const RECORD_FIELDS: ReadonlySet<string> = new Set(['key', 'value', 'headers']);

// Called for every record of every publish (a backfill publishes hundreds of thousands): no intermediate arrays. The
// checks, and so the first problem reported, come in the order they always had.
function recordProblem(record: unknown): { path: string; message: string } | null {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { path: '', message: 'a record is an object with key, value and headers' };
  const { key, value, headers } = record as Record<string, unknown>;
  for (const field of Object.keys(record))
    if (!RECORD_FIELDS.has(field)) return { path: `.${field}`, message: 'not a field of a record' };
  if (key !== null && typeof key !== 'string') return { path: '.key', message: 'a key is text or null' };
  if (typeof key === 'string' && Buffer.byteLength(key) > MAX_KEY_BYTES)
    return { path: '.key', message: `a key has at most ${MAX_KEY_BYTES} bytes` };
  if (value !== null && !Buffer.isBuffer(value)) return { path: '.value', message: 'a value is bytes or null' };
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    return { path: '.headers', message: 'headers are an object of text values' };
  const names = Object.keys(headers);
  if (names.length > MAX_HEADERS) return { path: '.headers', message: `at most ${MAX_HEADERS} headers` };
  for (const name of names) {
    const text = (headers as Record<string, unknown>)[name];
    if (!HEADER_NAME.test(name))
      return { path: `.headers.${name}`, message: 'a header name is 1 to 255 printable ASCII characters' };
    if (typeof text !== 'string') return { path: `.headers.${name}`, message: 'a header value is text' };
    if (LONE_SURROGATE.test(text))
      return { path: `.headers.${name}`, message: 'a header value holds a lone UTF-16 surrogate' };
  }
  if (typeof key === 'string' && LONE_SURROGATE.test(key))
    return { path: '.key', message: 'a key holds a lone UTF-16 surrogate' };
  const bytes = recordBytes(record as FeedRecord);
  if (bytes > MAX_FEED_MESSAGE_BYTES)
    return { path: '', message: `a message has at most ${MAX_FEED_MESSAGE_BYTES} bytes (this one has ${bytes})` };
  return null;
}

export function checkFrom(from: unknown): 'earliest' | 'latest' | PartitionOffset[] {
  if (from === undefined) return 'earliest';
  if (from === 'earliest' || from === 'latest') return from;
  const issues: FeedInputIssue[] = [];
  if (!Array.isArray(from) || from.length === 0) {
    issues.push({ path: 'from', message: 'earliest, latest, or a list of { partition, offset }' });
  } else {
    from.forEach((p: unknown, i) => {
      const { partition, offset } = (p ?? {}) as Record<string, unknown>;
      if (!Number.isSafeInteger(partition) || (partition as number) < 0)
        issues.push({ path: `from[${i}].partition`, message: 'a partition is a whole number, 0 or more' });
      if (!Number.isSafeInteger(offset) || (offset as number) < 0)
        issues.push({ path: `from[${i}].offset`, message: 'an offset is a whole number, 0 or more' });
    });
  }
  fail(issues);
  return from as PartitionOffset[];
}
