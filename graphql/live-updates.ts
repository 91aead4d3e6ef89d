/**
 * Feeds the GraphQL subscriptions from the log: once a published resource is in the library (or a workflow change
 * in the queues), subscribers are told, so what they receive they can also query at once.
 */
import type { EventStore } from '../domain/event-store/port.js';
import type { SearchIndex } from '../projections/library/search-index.js';
import type { ProjectionRunner } from '../projections/runner/projection-runner.js';
import type { WorkflowReadModel } from '../projections/workflow/workflow-read-model.js';
import { libraryResource, TOPICS, workflowItem } from './resolvers.js';

export interface PubSub {
  publish(event: { topic: string; payload: unknown }): Promise<void> | void;
}

export function startLiveUpdates(options: {
  eventStore: EventStore;
  searchIndex: SearchIndex;
  workflow: WorkflowReadModel;
  libraryRunner: ProjectionRunner;
  workflowRunner: ProjectionRunner;
  pubsub: PubSub;
  onError: (error: unknown) => void;
}): { close(): Promise<void> } {
  const { eventStore, searchIndex, workflow, libraryRunner, workflowRunner, pubsub } = options;
  const subscription = eventStore.subscribeToAll({ after: 'end', filter: { streamPrefixes: ['resource-'] } });
  const running = (async () => {
    for await (const event of subscription) {
      try {
        const resourceId = (event.data as { resourceId: string }).resourceId;
        if (event.type === 'ResourcePublished') {
          await libraryRunner.waitFor(event.position);
          const document = await searchIndex.get(resourceId);
          if (document)
            await pubsub.publish({
              topic: TOPICS.resourcePublished,
              payload: { resourcePublished: libraryResource(document) },
            });
        }
        await workflowRunner.waitFor(event.position);
        const item = workflow.item(resourceId);
        if (item)
          await pubsub.publish({
            topic: TOPICS.reviewQueueChanged,
            payload: { reviewQueueChanged: workflowItem(item) },
          });
      } catch (error) {
        options.onError(error);
      }
    }
  })();
  return {
    async close() {
      await subscription.close();
      await running;
    },
  };
}
