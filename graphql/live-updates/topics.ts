/** The pubsub topics subscriptions listen on; live-updates.ts publishes each once the read models hold the change. */
export const TOPICS = {
  resourcePublished: 'RESOURCE_PUBLISHED',
  reviewQueueChanged: 'REVIEW_QUEUE_CHANGED',
  pushReceived: 'PUSH_RECEIVED',
  pushStatusChanged: 'PUSH_STATUS_CHANGED',
} as const;
