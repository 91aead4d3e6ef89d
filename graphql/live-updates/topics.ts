/**
 * The pubsub topics subscriptions listen on, by the subscription field each feeds; live-updates.ts publishes each
 * message once the read models hold the change, as `{ [field]: model, place }` (see cursor.ts for `place`).
 */
export const TOPICS = {
  resourcePublished: 'RESOURCE_PUBLISHED',
  reviewQueueChanged: 'REVIEW_QUEUE_CHANGED',
  pushReceived: 'PUSH_RECEIVED',
  pushStatusChanged: 'PUSH_STATUS_CHANGED',
  workOrderOpened: 'WORK_ORDER_OPENED',
} as const;

export type SubscriptionField = keyof typeof TOPICS;
