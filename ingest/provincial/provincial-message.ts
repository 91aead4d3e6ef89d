/**
 * A message of the province's shared-resource topic, read into the command that takes it in (R-LIB-3). The province
 * sends what the city sends it: CloudEvents in the binary content mode, `ce_type` ending in
 * `.resource.<published|corrected|withdrawn|archived>.v1`, `ce_subject` its index number, the record key (or
 * `data.resourceId`) its own id of the resource, and as data the resource with its uniform metadata and version
 * (a withdrawal may come with no data at all: a tombstone).
 *
 * What cannot be read (not a CloudEvent, a type of change not known, data that is not JSON) is refused here with the
 * reason; whether the metadata meets the uniform metadata model is the command's to say.
 */
import { readBinaryRecord } from '../../domain/feed/cloud-event.js';
import type { FeedRecord } from '../../domain/feed/feed-port.js';
import {
  PROVINCIAL_CHANGES,
  type ProvincialChange,
  provincialResourceId,
} from '../../domain/provincial/provincial-resource.js';

const TYPE = new RegExp(`\\.resource\\.(${PROVINCIAL_CHANGES.join('|')})\\.v1$`);
/** Fields the province's metadata carries that the library assigns itself: taken from there, not as metadata. */
const ASSIGNED = ['indexNumber', 'publishedAt'];

export interface ProvincialChangeInput {
  change: ProvincialChange;
  resourceId: string;
  message: { source: string; id: string };
  originalId: string;
  indexNumber: string;
  version?: number;
  metadata?: unknown;
  publishedAt?: string;
  reason?: string;
}

export type ReadProvincialMessage =
  | { ok: true; input: ProvincialChangeInput }
  | { ok: false; problems: Array<{ path: string; message: string }> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function readProvincialMessage(message: Pick<FeedRecord, 'key' | 'headers' | 'value'>): ReadProvincialMessage {
  const read = readBinaryRecord(message);
  if (!read.ok) return { ok: false, problems: read.problems.map((p) => ({ path: 'headers', message: p })) };
  const { attributes, data } = read;
  const problems: Array<{ path: string; message: string }> = [];
  const change = TYPE.exec(attributes.type)?.[1] as ProvincialChange | undefined;
  if (!change)
    problems.push({
      path: 'ce_type',
      message: `${attributes.type} is not a change of a resource this library takes (…resource.<${PROVINCIAL_CHANGES.join('|')}>.v1)`,
    });
  let body: Record<string, unknown> = {};
  if (data === null || data.length === 0) {
    if (change !== 'withdrawn')
      problems.push({ path: 'data', message: `a ${change ?? 'change'} carries the resource` });
  } else if (!/^application\/(.+\+)?json\b/i.test(attributes.datacontenttype ?? 'application/json')) {
    problems.push({ path: 'content-type', message: `data must be JSON, not ${attributes.datacontenttype}` });
  } else {
    try {
      const parsed: unknown = JSON.parse(data.toString('utf8'));
      if (isObject(parsed)) body = parsed;
      else problems.push({ path: 'data', message: 'data must be a JSON object' });
    } catch {
      problems.push({ path: 'data', message: 'data is not JSON' });
    }
  }
  const originalId = textOf(body.resourceId) ?? textOf(message.key);
  if (!originalId) problems.push({ path: 'data.resourceId', message: 'the province’s id of the resource is missing' });
  const metadata = isObject(body.metadata) ? { ...body.metadata } : body.metadata;
  const assigned: Record<string, unknown> = {};
  if (isObject(metadata))
    for (const field of ASSIGNED) {
      assigned[field] = metadata[field];
      delete metadata[field];
    }
  const indexNumber = textOf(attributes.subject) ?? textOf(body.indexNumber) ?? textOf(assigned.indexNumber);
  if (!indexNumber) problems.push({ path: 'ce_subject', message: 'the province’s index number is missing' });
  const given = [attributes.subject, body.indexNumber, assigned.indexNumber].map(textOf).filter(Boolean);
  if (new Set(given).size > 1)
    problems.push({
      path: 'ce_subject',
      message: `the message names two index numbers: ${[...new Set(given)].join(', ')}`,
    });
  if (problems.length > 0) return { ok: false, problems };
  const publishedAt = textOf(body.publishedAt) ?? textOf(assigned.publishedAt);
  return {
    ok: true,
    input: {
      change: change!,
      resourceId: provincialResourceId(attributes.source, originalId!),
      message: { source: attributes.source, id: attributes.id },
      originalId: originalId!,
      indexNumber: indexNumber!,
      ...(body.version === undefined ? {} : { version: body.version as number }),
      ...(metadata === undefined ? {} : { metadata }),
      ...(publishedAt ? { publishedAt } : {}),
      ...(textOf(body.reason) ? { reason: textOf(body.reason) } : {}),
    },
  };
}
