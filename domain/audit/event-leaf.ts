/**
 * The leaf of the audit log's Merkle tree for one recorded event: the whole event as the store holds it, stream,
 * revision, position, type, id, data, metadata and recordedAt, in the JSON canonicalisation of RFC 8785 (JCS), UTF-8.
 * JCS fixes key order (UTF-16 code units), number form (ECMAScript's shortest round trip) and string escapes, so a
 * third party can rebuild the same bytes from the same event in any language with any JCS library; nothing of the
 * platform's own code is needed to check a leaf.
 *
 * Because the position and revision are inside the leaf, an event moved (swapped, renumbered) no longer matches it,
 * even when its content is unchanged.
 */
import canonicalize from 'canonicalize';
import type { JsonObject, RecordedEvent } from '../event-store/event.js';

/** The fields of a leaf, named as a third party reads them (the store's `streamId` is `stream` here). */
export interface EventLeafFields {
  stream: string;
  revision: number;
  position: number;
  type: string;
  id: string;
  data: JsonObject;
  metadata: JsonObject;
  recordedAt: string;
}

export function eventLeafFields(event: RecordedEvent): EventLeafFields {
  return {
    stream: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    id: event.id,
    data: event.data,
    metadata: event.metadata as unknown as JsonObject,
    recordedAt: event.recordedAt,
  };
}

/** The canonical text of the leaf (hash its UTF-8 bytes). */
export function eventLeafText(event: RecordedEvent): string {
  const text = canonicalize(eventLeafFields(event));
  // canonicalize returns undefined only for undefined input; an event always gives an object.
  if (text === undefined) throw new Error(`event ${event.id} has no canonical form`);
  return text;
}

export function eventLeaf(event: RecordedEvent): Buffer {
  return Buffer.from(eventLeafText(event), 'utf8');
}
