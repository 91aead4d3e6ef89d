/**
 * One change of a city resource as the province receives it: a CloudEvent in the Kafka binary content mode.
 *
 * - `ce_id` is the id of the event that made the change, so a message sent again after a crash (at least once) has
 *   the same id, and the province keeps the first;
 * - `ce_type` names the change and the schema version of the data (`cn.gov.luan.library.resource.published.v1`…);
 * - `ce_subject` is the resource's index number, `ce_time` when the change was made, `ce_position` (an extension
 *   attribute) the event's position in the city's log: a consumer that keeps the highest position it applied per
 *   resource ignores anything older;
 * - the record key is the resource id, so one resource's messages stay in order (one partition);
 * - the value is the resource as the shared library shows it (uniform metadata, placements, version and version
 *   history) for a publication, a correction and an archiving; for a withdrawal, what identifies the resource and
 *   why it went. On a compacted topic a withdrawal is a tombstone instead (no value, attributes kept).
 *
 * The same event always makes the same bytes, so a duplicate is byte for byte the message it repeats.
 */

import type { RecordedEvent } from '../../domain/event-store/event.js';
import { binaryRecord, JSON_CONTENT_TYPE } from '../../domain/feed/cloud-event.js';
import type { FeedRecord } from '../../domain/feed/feed-port.js';
import type { OutboundChange, ProvinceTold } from '../../domain/feed/outbound-change.js';
import type { LibraryDocument } from '../library/library-document.js';
import type { Utf8Arena } from './utf8-arena.js';

export const TYPE_PREFIX = 'cn.gov.luan.library.resource';
/** The schema version of the data; a change of its shape is a new version, announced in `ce_type`. */
export const DATA_VERSION = 'v1';

export const outboundType = (change: OutboundChange) => `${TYPE_PREFIX}.${change}.${DATA_VERSION}`;

/** The resource as the province gets it: the library document, its metadata completed by what publication assigned. */
export function resourceData(document: LibraryDocument) {
  const { resourceId, indexNumber, siteId, status, version, publishedAt, firstPublishedAt, placements, versions } =
    document;
  return {
    resourceId,
    indexNumber,
    siteId,
    status,
    version,
    publishedAt,
    firstPublishedAt,
    placements,
    versions,
    metadata: completedInNameOrder(document.metadata, indexNumber, publishedAt),
  };
}

/**
 * The metadata with the index number and publication time publication assigned, its fields in the order of their
 * names, whatever order the document was put together in: an archiving in a later batch than its publication gets
 * its body back from the log, after the other fields, and the same archiving in the same batch has it where the
 * publication put it; in name order both are the same bytes.
 */
function completedInNameOrder(metadata: object, indexNumber: string, publishedAt: string): Record<string, unknown> {
  const fields = metadata as Record<string, unknown>;
  const names = Object.keys(fields);
  if (!Object.hasOwn(fields, 'indexNumber')) names.push('indexNumber');
  if (!Object.hasOwn(fields, 'publishedAt')) names.push('publishedAt');
  names.sort();
  const ordered: Record<string, unknown> = {};
  for (const name of names)
    ordered[name] = name === 'indexNumber' ? indexNumber : name === 'publishedAt' ? publishedAt : fields[name];
  return ordered;
}

export interface OutboundRecords {
  /** For the feed's topic. */
  record: FeedRecord;
  /** For the compacted topic, when one is configured: the same record, with a withdrawal as a tombstone. */
  compacted: FeedRecord;
}

export function outboundRecords(
  told: ProvinceTold,
  event: RecordedEvent,
  document: LibraryDocument,
  source: string,
  arena: Utf8Arena,
  reason?: string,
): OutboundRecords {
  const withdrawal = told.change === 'withdrawn';
  const attributes = {
    id: event.id,
    source,
    type: outboundType(told.change),
    time: event.metadata.occurredAt,
    subject: document.indexNumber,
    position: String(event.position),
    // Filterable without reading the data; the condition of 有条件共享 is in the metadata.
    ...(withdrawal ? {} : { sharing: document.metadata.sharing }),
  };
  const data = withdrawal
    ? {
        resourceId: document.resourceId,
        indexNumber: document.indexNumber,
        version: document.version,
        status: 'withdrawn',
        cause: told.cause ?? 'withdrawn',
        ...(reason ? { reason } : {}),
        withdrawnAt: event.metadata.occurredAt,
      }
    : resourceData(document);
  const record = binaryRecord(
    document.resourceId,
    { ...attributes, datacontenttype: JSON_CONTENT_TYPE },
    arena.encode(JSON.stringify(data)),
  );
  // Records are never changed once made, so the compacted topic's copy of anything but a withdrawal is the same one.
  return { record, compacted: withdrawal ? binaryRecord(document.resourceId, attributes, null) : record };
}
