/**
 * Which messages a log event makes, per subscription topic: the one answer both the live feed (live-updates.ts) and
 * the replay of a resumed subscription (resumable-subscription.ts) use, so that a message replayed from the log is the
 * message a live subscriber got, in the same order and with the same ordinal.
 *
 * Each topic says which events concern it and, for one of them, waits until the read model a client would query holds
 * the change (so what a subscriber receives it can also query at once) and reads the messages from it. A replayed
 * message is read from the read models as they are when it is replayed, as a live one is read as they are when it is
 * sent.
 */
import type { RecordedEvent } from '../../domain/event-store/event.js';
import type { AllFilter } from '../../domain/event-store/port.js';
import type { Runner } from '../../projections/runner/runner.js';
import type { Services } from '../context.js';
import { libraryResource } from '../library/library-resource.js';
import { workOrder } from '../supervision/supervision-models.js';
import { workflowItem } from '../workflow/workflow-item.js';
import { type SubscriptionField, TOPICS } from './topics.js';

export interface TopicMessages {
  topic: string;
  /** The subscription field the topic feeds; its messages are `{ [field]: model }`. */
  field: SubscriptionField;
  /** The events a replay reads for the topic (a superset: `concerns` picks among them). */
  filter: AllFilter;
  concerns(event: RecordedEvent): boolean;
  /** The topic's messages for the event, in order, once the read models hold it. */
  messages(event: RecordedEvent): Promise<object[]>;
}

export interface MessageSources {
  services: Services;
  /** The runners of the read models each topic waits for. */
  runners: { library: Runner; workflow: Runner; push: Runner; supervision: Runner };
}

type PushData = { pushId: string; siteId?: string; siteIds?: string[] };

/** Every topic's messages, in the order a live subscriber of several of them receives an event's messages. */
export function topicMessages({ services, runners }: MessageSources): TopicMessages[] {
  const changedDeliveries = async (event: RecordedEvent) => {
    const data = event.data as PushData;
    await runners.push.waitFor(event.position);
    // An acceptance is a placement: tell no one before the library shows it.
    if (event.type === 'PushAccepted') await runners.library.waitFor(event.position);
    const deliveries = services.pushes.deliveries(data.pushId, services.clock());
    return data.siteId
      ? deliveries.filter((d) => d.siteId === data.siteId)
      : data.siteIds
        ? deliveries.filter((d) => data.siteIds!.includes(d.siteId))
        : deliveries;
  };
  const resourceId = (event: RecordedEvent) => (event.data as { resourceId: string }).resourceId;

  return [
    {
      topic: TOPICS.resourcePublished,
      field: 'resourcePublished',
      filter: { streamPrefixes: ['resource-'], eventTypes: ['ResourcePublished'] },
      concerns: (event) => event.type === 'ResourcePublished',
      messages: async (event) => {
        await runners.library.waitFor(event.position);
        const document = await services.searchIndex.get(resourceId(event));
        return document ? [libraryResource(document)] : [];
      },
    },
    {
      topic: TOPICS.pushReceived,
      field: 'pushReceived',
      filter: { streamPrefixes: ['push-'], eventTypes: ['ResourcePushed'] },
      concerns: (event) => event.type === 'ResourcePushed',
      messages: changedDeliveries,
    },
    {
      topic: TOPICS.pushStatusChanged,
      field: 'pushStatusChanged',
      filter: { streamPrefixes: ['push-', 'resource-'] },
      concerns: (event) => event.streamId.startsWith('push-') || event.type === 'ResourceWithdrawn',
      messages: async (event) => {
        if (event.streamId.startsWith('push-')) return changedDeliveries(event);
        // The sites that took the resource, or were asked to, learn that the original is gone (R-PUSH-1).
        await runners.push.waitFor(event.position);
        // A resource is withdrawn once, so every withdrawn delivery of it is this event's.
        return services.pushes
          .deliveriesOfResource(resourceId(event), services.clock())
          .filter((d) => d.status === 'withdrawn');
      },
    },
    {
      topic: TOPICS.reviewQueueChanged,
      field: 'reviewQueueChanged',
      filter: { streamPrefixes: ['resource-'] },
      // A migrated resource (R-LIB-4) is a historical publication that never waits in a review queue: a migration's
      // thousands of rows are not review-queue news. (A rollback's withdrawals are told like any withdrawal.)
      concerns: (event) => event.streamId.startsWith('resource-') && event.type !== 'ResourceMigrated',
      messages: async (event) => {
        await runners.workflow.waitFor(event.position);
        const item = services.workflow.item(resourceId(event));
        return item ? [workflowItem(item)] : [];
      },
    },
    {
      topic: TOPICS.workOrderOpened,
      field: 'workOrderOpened',
      filter: { streamPrefixes: ['work-order-'], eventTypes: ['WorkOrderOpened'] },
      concerns: (event) => event.type === 'WorkOrderOpened',
      messages: async (event) => {
        await runners.supervision.waitFor(event.position);
        const view = services.supervision.workOrder(
          (event.data as { workOrderId: string }).workOrderId,
          services.clock(),
        );
        return view ? [workOrder(view)] : [];
      },
    },
  ];
}
