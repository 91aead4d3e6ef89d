/**
 * Drafts, the three-level review and publication (R-REVIEW-1..5): the resource's commands, each site's queues and
 * every resource's history, read from the workflow read model. A site's drafts, queues and history are its staff's,
 * platform administrators' and auditors' only (R-SEC-2).
 */
import {
  isHiddenFrom,
  type ResourceEvent,
  type ResourceState,
  resourceNotFound,
  resourceStatus,
} from '../../domain/resource/resource.js';
import type { Handled } from '../../domain/shared/command-handler.js';
import { actorOf, requireSiteInsight } from '../auth/viewer.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { siteSubscription } from '../live-updates/site-subscription.js';
import { TOPICS } from '../live-updates/topics.js';
import { type WorkflowItemModel, workflowItem } from './workflow-item.js';

function resourcePayload({ state, events }: Handled<ResourceState, ResourceEvent>) {
  return {
    resourceId: state.resourceId,
    status: resourceStatus(state),
    version: state.working?.version ?? state.published?.version ?? 0,
    indexNumber: state.indexNumber,
    events: events.map((e) => e.type),
  };
}

export const workflowResolvers: Resolvers = {
  Query: {
    siteWorkflow: async (_root, args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      requireSiteInsight(actor, args.siteId);
      return context.services.workflow.siteItems(args.siteId, args.statuses ?? undefined).map(workflowItem);
    },
    myReviewQueue: async (_root, _args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      return context.services.workflow.reviewQueue(actor).map(workflowItem);
    },
    reviewHistory: async (_root, args, context) => {
      const actor = await actorOf(context.services.platform.reader, context.viewer);
      const item = context.services.workflow.item(args.resourceId);
      // An outsider is answered alike for another site's draft and for no resource at all (R-SEC-2).
      if (!item || isHiddenFrom(actor, item.state)) throw resourceNotFound(args.resourceId);
      // The partner site of a co-built draft follows its review at the portal too (R-PUSH-4).
      if (!item.contributorSiteId || (actor.siteRoles.get(item.contributorSiteId)?.size ?? 0) === 0)
        requireSiteInsight(actor, item.siteId);
      return context.services.workflow.history(args.resourceId);
    },
  },
  Mutation: {
    draftResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'DraftResource', withoutNulls(input))),
    editResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'EditResource', withoutNulls(input))),
    submitResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'SubmitResource', withoutNulls(input))),
    passFirstReview: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'PassFirstReview', withoutNulls(input))),
    passSecondReview: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'PassSecondReview', withoutNulls(input))),
    passFinalReview: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'PassFinalReview', withoutNulls(input))),
    rejectResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'RejectResource', withoutNulls(input))),
    publishResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'PublishResource', withoutNulls(input))),
    correctResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'CorrectResource', withoutNulls(input))),
    withdrawResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'WithdrawResource', withoutNulls(input))),
    archiveResource: async (_root, { input }, context) =>
      resourcePayload(await runCommand(context, 'ArchiveResource', withoutNulls(input))),
  },
  Subscription: {
    reviewQueueChanged: siteSubscription(
      TOPICS.reviewQueueChanged,
      async (context, siteId) =>
        requireSiteInsight(await actorOf(context.services.platform.reader, context.viewer), siteId),
      (payload: { reviewQueueChanged: WorkflowItemModel }, siteId) => payload.reviewQueueChanged.siteId === siteId,
    ),
  },
};
