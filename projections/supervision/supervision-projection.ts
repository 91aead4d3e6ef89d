/**
 * What the supervision read model takes from the log: each site's structure and availability, every new placement
 * of a resource in a column (its own publication, a co-built column's, an accepted push), public messages and the
 * publication of their answers, checks and work orders. Column freshness is kept as "the latest new placement"; whether
 * that makes a column stale is decided when someone asks (domain/supervision).
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../../domain/event-store/event.js';
import { type MessageEvent, messageEventSchemas } from '../../domain/message/message.js';
import { type PushEvent, pushEventSchemas } from '../../domain/push/push.js';
import { type ResourceEvent, resourceEventSchemas } from '../../domain/resource/resource.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import { type SiteEvent, siteEventSchemas } from '../../domain/site/site.js';
import { type CheckRecorded, checkEventSchemas } from '../../domain/work-order/check.js';
import { type WorkOrderEvent, workOrderEventSchemas } from '../../domain/work-order/work-order.js';
import type { SupervisionTables } from './supervision-tables.js';

const schemas = {
  ...siteEventSchemas,
  ...resourceEventSchemas,
  ...pushEventSchemas,
  ...messageEventSchemas,
  ...checkEventSchemas,
  ...workOrderEventSchemas,
};

type Handled = SiteEvent | ResourceEvent | PushEvent | MessageEvent | CheckRecorded | WorkOrderEvent;

export const SUPERVISION_EVENT_TYPES = [
  'SiteOpened',
  'SiteChanged',
  'SiteTakenOffline',
  'SiteBroughtOnline',
  'OutageReported',
  'OutageEnded',
  'OutageConvertedToOffline',
  'ColumnAdded',
  'TopicArchived',
  'SiteContentMigrated',
  'SiteClosed',
  'ResourceDrafted',
  'ResourcePublished',
  'PushAccepted',
  ...Object.keys(messageEventSchemas),
  ...Object.keys(checkEventSchemas),
  ...Object.keys(workOrderEventSchemas),
] as const;

const iso = (instant: string) => new Date(instant).toISOString();

export function supervisionWriter(db: Database.Database, t: SupervisionTables): (events: RecordedEvent[]) => void {
  const run = (sql: string) => {
    const statement = db.prepare(sql);
    return (params: Record<string, unknown>) => statement.run(params);
  };
  const openSite = run(
    `INSERT OR REPLACE INTO ${t.sites} (site_id, name, kind, status, opened_at) VALUES (@siteId, @name, @kind, 'online', @at)`,
  );
  const siteUpdate = (set: string) => run(`UPDATE ${t.sites} SET ${set} WHERE site_id = @siteId`);
  const rename = siteUpdate('name = @name');
  const takeOffline = siteUpdate(`status = 'offline', offline_from = @from, offline_until = @until`);
  const bringOnline = siteUpdate(`status = 'online', offline_from = NULL, offline_until = NULL`);
  const reportOutage = siteUpdate('outage_id = @outageId, outage_started_at = @startedAt');
  const endOutage = siteUpdate('outage_id = NULL, outage_started_at = NULL');
  const closeSite = siteUpdate(`status = 'closed'`);
  const addColumn = run(
    `INSERT OR IGNORE INTO ${t.columns} (site_id, column_id, channel_id, name, path, update_cycle, topic, state, added_at)
     VALUES (@siteId, @columnId, @channelId, @name, @path, @updateCycle, @topic, 'active', @at)`,
  );
  const archiveTopic = run(
    `UPDATE ${t.columns} SET state = 'archived', archived_at = @at, archive_reason = @reason
     WHERE site_id = @siteId AND column_id = @columnId`,
  );
  const migrateColumns = run(
    `UPDATE ${t.columns} SET state = 'migrated' WHERE site_id = @siteId AND state = 'active'
     AND column_id IN (SELECT value FROM json_each(@columnIds))`,
  );
  const contribute = run(
    `INSERT OR IGNORE INTO ${t.contributions} (resource_id, contributor_site_id) VALUES (@resourceId, @siteId)`,
  );
  const contributorOf = db
    .prepare<[string], string>(`SELECT contributor_site_id FROM ${t.contributions} WHERE resource_id = ?`)
    .pluck();
  const place = db.prepare(
    `INSERT OR IGNORE INTO ${t.placements} (resource_id, site_id, column_id, placed_at, via, title)
     VALUES (@resourceId, @siteId, @columnId, @at, @via, @title)`,
  );
  const retitle = run(`UPDATE ${t.placements} SET title = @title WHERE resource_id = @resourceId`);
  const titleOf = db
    .prepare<[string], string>(`SELECT title FROM ${t.placements} WHERE resource_id = ? LIMIT 1`)
    .pluck();
  const freshen = run(
    `UPDATE ${t.columns} SET last_published_at = @at
     WHERE site_id = @siteId AND column_id = @columnId AND (last_published_at IS NULL OR last_published_at < @at)`,
  );
  const placeNew = (p: {
    resourceId: string;
    siteId: string;
    columnId: string;
    at: string;
    via: string;
    title: string;
  }) => {
    // Only a resource new to the column updates it: a correction republished in the same column does not.
    if (place.run(p).changes > 0) freshen(p);
  };
  const receive = run(
    `INSERT OR IGNORE INTO ${t.messages} (message_id, site_id, category, subject, question, asker, status, received_at,
       working_days, due_date) VALUES (@messageId, @siteId, @category, @subject, @question, @asker, 'received',
       @receivedAt, @workingDays, @dueDate)`,
  );
  const messageUpdate = (set: string) => run(`UPDATE ${t.messages} SET ${set} WHERE message_id = @messageId`);
  const assign = messageUpdate(`status = 'assigned', unit = @unit`);
  const extend = messageUpdate('working_days = @workingDays, due_date = @dueDate, extension_reason = @reason');
  const dismiss = messageUpdate(`status = 'dismissed', dismissed_at = @at, dismiss_reason = @reason`);
  const answerDrafted = messageUpdate(`status = 'answer_drafted', resource_id = @resourceId, answer = @answer`);
  const answered = run(
    `UPDATE ${t.messages} SET status = 'answered', answered_at = @at WHERE resource_id = @resourceId AND answered_at IS NULL`,
  );
  const recordCheck = run(
    `INSERT OR IGNORE INTO ${t.checks} (check_id, kind, site_ids, findings, recorded_at, by)
     VALUES (@checkId, @kind, @siteIds, @findings, @at, @by)`,
  );
  const openWorkOrder = run(
    `INSERT OR IGNORE INTO ${t.workOrders} (work_order_id, check_id, site_id, origin, item, severity, title, evidence,
       rule, status, opened_at, due_date, history) VALUES (@workOrderId, @checkId, @siteId, @origin, @item, @severity,
       @title, @evidence, @rule, 'open', @openedAt, @dueDate, @history)`,
  );
  const historyOf = db.prepare<[string], string>(`SELECT history FROM ${t.workOrders} WHERE work_order_id = ?`).pluck();
  const workOrderUpdate = (set: string) =>
    run(`UPDATE ${t.workOrders} SET ${set}, history = @history WHERE work_order_id = @workOrderId`);
  const answerWorkOrder = workOrderUpdate(
    `status = 'answered', answered_at = @at, outcome = @outcome, answer_note = @note, answered_on_time = @onTime`,
  );
  const closeWorkOrder = workOrderUpdate(`status = 'closed', closed_at = @at, close_note = @note`);
  const reopenWorkOrder = workOrderUpdate(
    `status = 'reopened', reopened_at = @at, reopen_reason = @reason, due_date = @dueDate, answered_at = NULL,
     outcome = NULL, answer_note = NULL, answered_on_time = NULL`,
  );
  /** Each step of a work order, for its history: who, what, when. */
  const withStep = (workOrderId: string, step: Record<string, unknown>) =>
    JSON.stringify([...(JSON.parse(historyOf.get(workOrderId) ?? '[]') as unknown[]), step]);

  return (events) => {
    for (const recorded of events) {
      const event = toDomainEvent<Handled>(recorded, schemas);
      const at = iso(recorded.metadata.occurredAt);
      const by = recorded.metadata.actorId;
      switch (event.type) {
        case 'SiteOpened':
          openSite({ siteId: event.data.siteId, name: event.data.name, kind: event.data.kind, at });
          break;
        case 'SiteChanged':
          if (event.data.name) rename({ siteId: event.data.siteId, name: event.data.name });
          break;
        case 'SiteTakenOffline':
          takeOffline({ siteId: event.data.siteId, from: event.data.from, until: event.data.until });
          break;
        case 'SiteBroughtOnline':
          bringOnline({ siteId: event.data.siteId });
          break;
        case 'OutageReported':
          reportOutage({
            siteId: event.data.siteId,
            outageId: event.data.outageId,
            startedAt: iso(event.data.startedAt),
          });
          break;
        case 'OutageEnded':
        case 'OutageConvertedToOffline':
          endOutage({ siteId: event.data.siteId });
          break;
        case 'ColumnAdded': {
          const { siteId, columnId, channelId, name, path, updateCycle, topic } = event.data;
          addColumn({ siteId, columnId, channelId, name, path, updateCycle, topic: topic ? 1 : 0, at });
          break;
        }
        case 'TopicArchived':
          archiveTopic({ siteId: event.data.siteId, columnId: event.data.columnId, at, reason: event.data.reason });
          break;
        case 'SiteContentMigrated':
          migrateColumns({ siteId: event.data.siteId, columnIds: JSON.stringify(event.data.columnIds) });
          break;
        case 'SiteClosed':
          closeSite({ siteId: event.data.siteId });
          break;
        case 'ResourceDrafted':
          if (event.data.contributor)
            contribute({ resourceId: event.data.resourceId, siteId: event.data.contributor.siteId });
          break;
        case 'ResourcePublished': {
          const { resourceId, placements, publishedAt, metadata } = event.data;
          const via = contributorOf.get(resourceId) ? 'co_building' : 'own';
          const time = iso(publishedAt);
          for (const p of placements) placeNew({ resourceId, ...p, at: time, via, title: metadata.title });
          retitle({ resourceId, title: metadata.title });
          answered({ resourceId, at: time });
          break;
        }
        case 'PushAccepted': {
          const { resourceId, siteId, columnId, acceptedAt } = event.data;
          const title = titleOf.get(resourceId) ?? '';
          placeNew({ resourceId, siteId, columnId, at: iso(acceptedAt), via: 'push', title });
          break;
        }
        case 'MessageReceived': {
          const d = event.data;
          receive({ ...d, asker: JSON.stringify(d.asker), receivedAt: iso(d.receivedAt) });
          break;
        }
        case 'MessageAssigned':
          assign({ messageId: event.data.messageId, unit: event.data.unit });
          break;
        case 'MessageDeadlineExtended':
          extend(event.data);
          break;
        case 'MessageDismissed':
          dismiss({ messageId: event.data.messageId, at, reason: event.data.reason });
          break;
        case 'MessageAnswerDrafted':
          answerDrafted(event.data);
          break;
        case 'CheckRecorded': {
          const d = event.data;
          recordCheck({
            checkId: d.checkId,
            kind: d.kind,
            siteIds: JSON.stringify(d.siteIds),
            findings: d.findings.length,
            at: iso(d.recordedAt),
            by: d.by,
          });
          break;
        }
        case 'WorkOrderOpened': {
          const d = event.data;
          openWorkOrder({
            workOrderId: d.workOrderId,
            checkId: d.checkId,
            siteId: d.siteId,
            origin: d.origin,
            item: d.item,
            severity: d.severity,
            title: d.title,
            evidence: JSON.stringify(d.evidence),
            rule: d.rule ?? null,
            openedAt: iso(d.openedAt),
            dueDate: d.dueDate,
            history: JSON.stringify([{ step: 'opened', at: iso(d.openedAt), by, dueDate: d.dueDate }]),
          });
          break;
        }
        case 'WorkOrderAnswered': {
          const d = event.data;
          const time = iso(d.answeredAt);
          answerWorkOrder({
            workOrderId: d.workOrderId,
            at: time,
            outcome: d.outcome,
            note: d.note,
            onTime: d.onTime ? 1 : 0,
            history: withStep(d.workOrderId, { step: 'answered', at: time, by, outcome: d.outcome, note: d.note }),
          });
          break;
        }
        case 'WorkOrderClosed': {
          const d = event.data;
          closeWorkOrder({
            workOrderId: d.workOrderId,
            at,
            note: d.note ?? null,
            history: withStep(d.workOrderId, { step: 'closed', at, by, note: d.note ?? null }),
          });
          break;
        }
        case 'WorkOrderReopened': {
          const d = event.data;
          const time = iso(d.reopenedAt);
          reopenWorkOrder({
            workOrderId: d.workOrderId,
            at: time,
            reason: d.reason,
            dueDate: d.dueDate,
            history: withStep(d.workOrderId, { step: 'reopened', at: time, by, reason: d.reason, dueDate: d.dueDate }),
          });
          break;
        }
        default:
          break;
      }
    }
  };
}
