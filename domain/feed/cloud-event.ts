/**
 * CloudEvents 1.0 as the feed carries them: the Kafka protocol binding's binary content mode, where every attribute
 * is a `ce_<name>` header, `datacontenttype` is the `content-type` header and the value is the data as-is (none: a
 * tombstone). The province's tooling reads these without knowing anything of ours, and the HTTP feed and the
 * reference consumer turn them into the JSON event format (structured mode) for people to read.
 */
import type { FeedRecord } from './feed-port.js';

export const SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const PREFIX = 'ce_';

/** Context attributes of a CloudEvent (required, optional and extensions), all as text. */
export interface CloudEventAttributes {
  id: string;
  source: string;
  type: string;
  specversion?: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  dataschema?: string;
  [extension: string]: string | undefined;
}

/** Extension attribute names: lower-case letters and digits (CloudEvents 1.0, "Attribute Naming Convention"). */
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;
const REQUIRED = ['id', 'source', 'specversion', 'type'] as const;

/** A binary-mode record for the event: attributes as headers, data as the value, the key as the caller gives it. */
export function binaryRecord(key: string | null, attributes: CloudEventAttributes, data: Buffer | null): FeedRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ specversion: SPEC_VERSION, ...attributes })) {
    if (value === undefined || name === 'datacontenttype') continue;
    headers[`${PREFIX}${name}`] = value;
  }
  // A CloudEvent without data has no content type; in binary mode it is a record with no value (a tombstone).
  if (data !== null && attributes.datacontenttype) headers['content-type'] = attributes.datacontenttype;
  return { key, value: data, headers };
}

export type ReadCloudEvent =
  | { ok: true; attributes: CloudEventAttributes; data: Buffer | null }
  | { ok: false; problems: string[] };

/** Reads a binary-mode record back into attributes and data, or says why it is not a CloudEvent. */
export function readBinaryRecord(record: Pick<FeedRecord, 'headers' | 'value'>): ReadCloudEvent {
  const attributes: Record<string, string> = {};
  const problems: string[] = [];
  for (const [header, value] of Object.entries(record.headers)) {
    if (header === 'content-type') attributes.datacontenttype = value;
    else if (header.startsWith(PREFIX)) {
      const name = header.slice(PREFIX.length);
      if (!ATTRIBUTE_NAME.test(name)) problems.push(`${header}: not a CloudEvents attribute name`);
      else attributes[name] = value;
    }
  }
  for (const name of REQUIRED) if (!attributes[name]) problems.push(`${PREFIX}${name} is missing`);
  if (attributes.specversion && attributes.specversion !== SPEC_VERSION)
    problems.push(`${PREFIX}specversion is ${attributes.specversion}; only ${SPEC_VERSION} is read`);
  if (attributes.time !== undefined && Number.isNaN(Date.parse(attributes.time)))
    problems.push(`${PREFIX}time is not an RFC 3339 time`);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, attributes: attributes as CloudEventAttributes, data: record.value };
}

/**
 * The JSON event format (structured mode) of a binary-mode record: `data` as JSON when the content type says JSON,
 * else `data_base64`. What the reference consumer prints.
 */
export function structuredEvent(record: Pick<FeedRecord, 'headers' | 'value'>): Record<string, unknown> {
  const read = readBinaryRecord(record);
  if (!read.ok) return { invalid: read.problems };
  const { attributes, data } = read;
  const event: Record<string, unknown> = { ...attributes };
  if (data === null) return event;
  if (/^application\/(.+\+)?json\b/i.test(attributes.datacontenttype ?? '')) {
    try {
      event.data = JSON.parse(data.toString('utf8'));
      return event;
    } catch {
      // Falls through: data that claims JSON but is not stays as bytes.
    }
  }
  event.data_base64 = data.toString('base64');
  return event;
}
