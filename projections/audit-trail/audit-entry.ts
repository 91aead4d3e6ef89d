/**
 * What of the log an auditor follows, and how each event reads as one line of the audit trail: who (actor and role),
 * where (site), on what (resource, or the person, key, site or push acted on), when, why, and where to find it in the
 * log (correlation, position, leaf of the audit tree). The review steps include the receiving sites' reviews of a
 * push (R-REVIEW-5, R-PUSH-1); every write by an API key is in, whatever it wrote, since keys act for machines.
 */
import { keyIdOfActor } from '../../domain/api-key/api-key.js';
import type { JsonObject, JsonValue, RecordedEvent } from '../../domain/event-store/event.js';

export const AUDIT_KINDS = [
  'writing',
  'review',
  'publication',
  'correction',
  'withdrawal',
  'archiving',
  'role_grant',
  'role_revocation',
  'person',
  'api_key_created',
  'api_key_revoked',
  'api_key_write',
  'site_lifecycle',
  'co_building',
  'push',
  'projection_skip',
] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

/** By event type; `api_key_write` also takes any other event an API key wrote. */
const KIND_OF_TYPE: Record<string, AuditKind> = {
  // Who wrote or edited a version is what R-REVIEW-2 holds its reviewers apart from.
  ResourceDrafted: 'writing',
  ResourceEdited: 'writing',
  ResourceSubmitted: 'review',
  FirstReviewPassed: 'review',
  SecondReviewPassed: 'review',
  FinalReviewPassed: 'review',
  ResourceRejected: 'review',
  PushSecondReviewPassed: 'review',
  PushFinalReviewPassed: 'review',
  PushAccepted: 'review',
  PushDeclined: 'review',
  ResourcePublished: 'publication',
  ResourceCorrectionStarted: 'correction',
  ResourceWithdrawn: 'withdrawal',
  ResourceArchived: 'archiving',
  TopicArchived: 'archiving',
  SiteRoleGranted: 'role_grant',
  PlatformRoleGranted: 'role_grant',
  SiteRoleRevoked: 'role_revocation',
  PlatformRoleRevoked: 'role_revocation',
  PersonRegistered: 'person',
  PersonDeactivated: 'person',
  ApiKeyCreated: 'api_key_created',
  ApiKeyRevoked: 'api_key_revoked',
  SiteOpened: 'site_lifecycle',
  SiteChanged: 'site_lifecycle',
  SiteTakenOffline: 'site_lifecycle',
  SiteBroughtOnline: 'site_lifecycle',
  OutageReported: 'site_lifecycle',
  OutageEnded: 'site_lifecycle',
  OutageConvertedToOffline: 'site_lifecycle',
  SiteContentMigrated: 'site_lifecycle',
  SiteClosed: 'site_lifecycle',
  ColumnCoBuildingGranted: 'co_building',
  ColumnCoBuildingRevoked: 'co_building',
  ResourcePushed: 'push',
  PushRecalled: 'push',
  ProjectionEventSkipped: 'projection_skip',
};

export interface AuditEntry {
  position: number;
  /** The event's leaf in the audit tree (its place in `$all`): what its inclusion proof is asked for with. */
  leafIndex: number;
  kind: AuditKind;
  eventType: string;
  eventId: string;
  stream: string;
  actorId: string;
  actorRole: string;
  /** The API key that wrote it, when one did. */
  apiKeyId: string | null;
  siteId: string | null;
  resourceId: string | null;
  /** What was acted on: `resource:<id>`, `person:<id>`, `apikey:<id>`, `site:<id>`, `push:<id>/<site>`... */
  subject: string;
  reason: string | null;
  correlationId: string;
  causationId: string | null;
  /** UTC ISO 8601: the command's time. */
  occurredAt: string;
  recordedAt: string;
  /** A few facts of the event beyond the columns above (version, stage, role, column…), as JSON. */
  details: string;
}

const text = (value: JsonValue | undefined): string | null => (typeof value === 'string' ? value : null);

function subjectOf(event: RecordedEvent): string {
  const d = event.data;
  if (event.type.startsWith('Push') && text(d.pushId)) return `push:${d.pushId}/${text(d.siteId) ?? ''}`;
  if (text(d.resourceId)) return `resource:${d.resourceId}`;
  if (text(d.personId)) return `person:${d.personId}`;
  if (text(d.keyId)) return `apikey:${d.keyId}`;
  if (text(d.pushId)) return `push:${d.pushId}`;
  if (text(d.siteId)) return `site:${d.siteId}`;
  if (text(d.projection)) return `projection:${d.projection}`;
  return event.streamId;
}

/** Scalars of the data, long texts cut: enough to read the line, never a document body. */
function detailsOf(data: JsonObject): string {
  const kept: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'metadata' || key === 'reason') continue;
    if (typeof value === 'string') kept[key] = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    else if (typeof value !== 'object' || value === null) kept[key] = value;
    else if (Array.isArray(value) && value.length <= 20) kept[key] = value;
  }
  return JSON.stringify(kept);
}

/** The trail's entry for an event, or null for an event the trail leaves out. */
export function auditEntryOf(event: RecordedEvent, leafIndex: number): AuditEntry | null {
  const { metadata: m, data: d } = event;
  const apiKeyId = keyIdOfActor(m.actorId);
  const typed = KIND_OF_TYPE[event.type];
  // What a key writes is followed as a key's write, whatever it wrote; its other steps keep their own kind.
  const kind = apiKeyId && (typed === undefined || typed === 'writing') ? 'api_key_write' : (typed ?? null);
  if (!kind) return null;
  return {
    position: event.position,
    leafIndex,
    kind,
    eventType: event.type,
    eventId: event.id,
    stream: event.streamId,
    actorId: m.actorId,
    actorRole: text(d.role) && event.type === 'ResourceRejected' ? String(d.role) : m.actorRole,
    apiKeyId,
    siteId: m.siteId ?? text(d.siteId) ?? text(d.originSiteId),
    resourceId: text(d.resourceId),
    subject: subjectOf(event),
    reason: text(d.reason) ?? text(d.comment) ?? text(d.note),
    correlationId: m.correlationId,
    causationId: m.causationId,
    occurredAt: new Date(m.occurredAt).toISOString(),
    recordedAt: event.recordedAt,
    details: detailsOf(d),
  };
}
