/**
 * Push (信息推送): a site offers one of its published resources to other sites; each receiving site passes its own
 * second and final review and then accepts it into one of its columns, or declines with a reason (R-PUSH-1,
 * R-PUSH-2). Important information from a higher-level site carries a 12-hour deadline (R-PUSH-3).
 *
 * Two aggregates: the offer (stream `push-<pushId>`, written once) and each receiving site's delivery (stream
 * `push-<pushId>/<siteId>`): every site decides on its own, so a hundred sites reviewing the same push at the same
 * moment never contend for one stream.
 *
 * Acceptance is the placement: the library adds the receiving site's column to the same resource (R-LIB-1), so
 * nothing is copied, a correction of the original shows everywhere and its withdrawal removes it everywhere.
 */
import { z } from 'zod';
import { type Actor, requireSiteRole, type SiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError, type ErrorCategory, type FieldProblem } from '../shared/domain-error.js';
import { id, isoDateTime, reason } from '../shared/schemas.js';
import type { SiteKind } from '../site/domain-names.js';
import type { SiteContext } from '../site/site.js';

export const pushStream = (pushId: string) => `push-${pushId}`;
/** Ids never contain `/`, so this never collides with another push's offer stream. */
export const pushDeliveryStream = (pushId: string, siteId: string) => `push-${pushId}/${siteId}`;

/** R-PUSH-3: important information is republished by the receiving sites within 12 hours (P-art.48, N-art.17(3)). */
export const IMPORTANT_PUSH_HOURS = 12;
/** One push reaches at most this many sites: the city has far fewer, and one stream stays small. */
export const MAX_PUSH_TARGETS = 500;

const comment = z.string().trim().max(2000).optional();
const target = z.strictObject({ siteId: id, columnId: id.optional() });

export const pushCommandSchemas = {
  PushResource: z.strictObject({
    pushId: id,
    resourceId: id,
    targets: z
      .array(target)
      .min(1)
      .max(MAX_PUSH_TARGETS)
      .refine((t) => new Set(t.map((x) => x.siteId)).size === t.length, 'each site at most once'),
    important: z.boolean().default(false),
    note: comment,
  }),
  PassPushSecondReview: z.strictObject({ pushId: id, siteId: id, comment }),
  PassPushFinalReview: z.strictObject({ pushId: id, siteId: id, comment }),
  AcceptPush: z.strictObject({ pushId: id, siteId: id, columnId: id.optional() }),
  DeclinePush: z.strictObject({ pushId: id, siteId: id, reason }),
  RecallPush: z.strictObject({ pushId: id, reason, siteIds: z.array(id).min(1).max(MAX_PUSH_TARGETS).optional() }),
};

/** The recall of one delivery, as the platform issues it for each site a `RecallPush` names. */
export const recallDeliverySchema = z.strictObject({ pushId: id, siteId: id, reason });

export const pushEventSchemas = {
  ResourcePushed: z.strictObject({
    pushId: id,
    resourceId: id,
    originSiteId: id,
    /** The resource's title and published version when it was pushed: what the receiving sites are asked to take. */
    title: z.string(),
    version: z.int().min(1),
    targets: z.array(z.strictObject({ siteId: id, suggestedColumnId: id.optional() })),
    important: z.boolean(),
    pushedAt: isoDateTime,
    /** Important pushes only (R-PUSH-3). */
    deadline: isoDateTime.optional(),
    note: comment,
    by: id,
  }),
  PushSecondReviewPassed: z.strictObject({ pushId: id, siteId: id, by: id, comment }),
  PushFinalReviewPassed: z.strictObject({ pushId: id, siteId: id, by: id, comment }),
  PushAccepted: z.strictObject({
    pushId: id,
    resourceId: id,
    siteId: id,
    columnId: id,
    acceptedAt: isoDateTime,
    /** Important pushes only: whether the site took it within the 12 hours. */
    deadlineMet: z.boolean().optional(),
    by: id,
  }),
  PushDeclined: z.strictObject({ pushId: id, resourceId: id, siteId: id, reason, by: id }),
  PushRecalled: z.strictObject({ pushId: id, resourceId: id, siteId: id, reason, by: id }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type PushEvent = Schemas<typeof pushEventSchemas>;
export type PushOfferEvent = Extract<PushEvent, { type: 'ResourcePushed' }>;
export type DeliveryEvent = Exclude<PushEvent, PushOfferEvent>;

/** What the handler reads from other streams for each attempt. */
export interface PushCommandContext {
  /** The pushed resource as its own stream says now. */
  resource?: {
    exists: boolean;
    siteId: string;
    lifecycle: 'active' | 'withdrawn' | 'archived';
    published: { version: number; title: string } | null;
  };
  /** Every site the command names (the origin, the targets), by id. */
  sites?: ReadonlyMap<string, SiteContext>;
  /** The command's time. */
  occurredAt?: string;
  /** For a delivery's commands: the offer it belongs to. */
  offer?: PushOffer;
}
type Commands = Schemas<typeof pushCommandSchemas> & { actor: Actor; context?: PushCommandContext };
export type PushOfferCommand = Extract<Commands, { type: 'PushResource' }>;
export type DeliveryCommand = (
  | Extract<Commands, { type: 'PassPushSecondReview' | 'PassPushFinalReview' | 'AcceptPush' | 'DeclinePush' }>
  | { type: 'RecallDelivery'; data: z.output<typeof recallDeliverySchema> }
) & { actor: Actor; context?: PushCommandContext };

export const DELIVERY_STAGES = [
  'pending',
  'second_review_passed',
  'final_review_passed',
  'accepted',
  'declined',
  'recalled',
] as const;
export type DeliveryStage = (typeof DELIVERY_STAGES)[number];

/** A push as one receiving site decides on it. */
export interface Delivery {
  stage: DeliveryStage;
  secondReviewer?: string;
  columnId?: string;
}

/** What was offered, to whom; written once. */
export interface PushOffer {
  exists: boolean;
  pushId: string;
  resourceId: string;
  originSiteId: string;
  pushedBy: string;
  important: boolean;
  deadline?: string;
  /** Receiving site → the column suggested to it. */
  targets: Map<string, { suggestedColumnId?: string }>;
}

/** Site levels for R-PUSH-3: the city portal is above every other site, a county portal above departments and special sites. */
const LEVEL: Record<SiteKind, number> = { city_portal: 0, county_portal: 1, department: 2, special: 2 };

export function isHigherLevel(origin: SiteKind, target: SiteKind): boolean {
  return LEVEL[origin] < LEVEL[target];
}

/**
 * Who may take each step, in the order a role is named in the event metadata: the pushing site's publishers push
 * and recall; the receiving site's reviewer and approver review, its publishers accept, its reviewers decline.
 */
export const PUSH_ROLES = {
  PushResource: ['approver', 'editor'],
  PassPushSecondReview: ['reviewer'],
  PassPushFinalReview: ['approver'],
  AcceptPush: ['approver', 'editor'],
  DeclinePush: ['reviewer', 'approver'],
  RecallDelivery: ['approver', 'editor'],
} as const satisfies Record<string, readonly SiteRole[]>;

function refuse(
  category: ErrorCategory,
  code: string,
  zh: string,
  en: string,
  rule?: string,
  details: FieldProblem[] = [],
): never {
  throw new DomainError(category, code, zh, en, details, rule);
}

export const OPEN_STAGES: readonly DeliveryStage[] = ['pending', 'second_review_passed', 'final_review_passed'];

/** The offer, which must name the site. */
function offerTo(context: PushCommandContext | undefined, pushId: string, siteId: string): PushOffer {
  const offer = context?.offer;
  if (!offer?.exists) refuse('NOT_FOUND', 'NOT_FOUND', `推送 ${pushId} 不存在`, `push ${pushId} does not exist`);
  if (!offer.targets.has(siteId))
    refuse(
      'NOT_FOUND',
      'NOT_FOUND',
      `推送 ${pushId} 未推送给站点 ${siteId}`,
      `push ${pushId} was not sent to ${siteId}`,
    );
  return offer;
}

function requireStage(state: Delivery, pushId: string, siteId: string, stage: DeliveryStage | null, wanted: string) {
  if (stage === null ? OPEN_STAGES.includes(state.stage) : state.stage === stage) return;
  refuse(
    'CONFLICT',
    'INVALID_PUSH_STAGE',
    `推送 ${pushId} 在站点 ${siteId} 的状态为 ${state.stage}，需要 ${wanted}`,
    `push ${pushId} is ${state.stage} at site ${siteId}; this needs ${wanted}`,
    'R-PUSH-1',
  );
}

/** The pushed resource must still be in the library: a withdrawn original cannot be taken any more. */
function requireLiveResource(context: PushCommandContext | undefined, resourceId: string) {
  const resource = context?.resource;
  if (!resource?.exists)
    refuse('NOT_FOUND', 'NOT_FOUND', `资源 ${resourceId} 不存在`, `resource ${resourceId} does not exist`);
  if (resource.lifecycle !== 'active' || !resource.published)
    refuse(
      'CONFLICT',
      'RESOURCE_NOT_PUBLISHED',
      `资源 ${resourceId} 未发布或已撤回、归档，不能推送或接收`,
      `resource ${resourceId} is not published (or was withdrawn or archived): it cannot be pushed or taken`,
      'R-PUSH-1',
    );
  return { ...resource, published: resource.published };
}

function siteOf(context: PushCommandContext | undefined, siteId: string, path: string): SiteContext {
  const site = context?.sites?.get(siteId);
  if (!site || site.status === null)
    refuse('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`, undefined, [
      { path, message: 'no such site' },
    ]);
  return site;
}

/** A site that is closed, or temporarily offline, cannot receive a push (P-art.11). */
export function requireReceivingSite(site: SiteContext, siteId: string, path: string): void {
  if (site.status === 'closed')
    refuse(
      'CONFLICT',
      'SITE_CLOSED',
      `站点 ${siteId} 已永久关停，不能接收推送`,
      `site ${siteId} is closed permanently and cannot receive pushes`,
      'R-SITE-5',
      [{ path, message: 'closed' }],
    );
  if (site.status === 'offline')
    refuse(
      'CONFLICT',
      'SITE_OFFLINE',
      `站点 ${siteId} 临时下线中，不能接收推送`,
      `site ${siteId} is temporarily offline and cannot receive pushes`,
      'R-SITE-4',
      [{ path, message: 'offline' }],
    );
}

export function requireColumn(site: SiteContext, siteId: string, columnId: string, path: string): void {
  if (!site.activeColumns.has(columnId))
    refuse(
      'BAD_USER_INPUT',
      'UNKNOWN_COLUMN',
      `栏目 ${columnId} 不属于站点 ${siteId} 或已归档`,
      `column ${columnId} is not an active column of site ${siteId}`,
      undefined,
      [{ path, message: `${columnId} is not an active column of ${siteId}` }],
    );
}

function plusHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
}

export const pushOfferDecider: Decider<PushOffer, PushOfferCommand, PushOfferEvent> = {
  initialState: () => ({
    exists: false,
    pushId: '',
    resourceId: '',
    originSiteId: '',
    pushedBy: '',
    important: false,
    targets: new Map(),
  }),

  decide(command, state) {
    const { actor, context } = command;
    const { pushId, resourceId, targets, important, note } = command.data;
    if (state.exists) refuse('CONFLICT', 'ALREADY_EXISTS', `推送 ${pushId} 已存在`, `push ${pushId} already exists`);
    const resource = requireLiveResource(context, resourceId);
    const origin = resource.siteId;
    // The sites that publish a resource push it: its approvers and editors (R-PUSH-1 "its published resources").
    const role = requireSiteRole(actor, origin, PUSH_ROLES.PushResource);
    const originSite = siteOf(context, origin, 'resourceId');
    if (originSite.status === 'closed')
      refuse(
        'CONFLICT',
        'SITE_CLOSED',
        `站点 ${origin} 已永久关停`,
        `site ${origin} is closed permanently`,
        'R-SITE-5',
      );
    targets.forEach((t, i) => {
      const path = `targets.${i}.siteId`;
      if (t.siteId === origin)
        refuse('BAD_USER_INPUT', 'PUSH_TO_SELF', '不能推送给本站', 'a site cannot push to itself', 'R-PUSH-1', [
          { path, message: 'the resource’s own site' },
        ]);
      const site = siteOf(context, t.siteId, path);
      requireReceivingSite(site, t.siteId, path);
      if (t.columnId) requireColumn(site, t.siteId, t.columnId, `targets.${i}.columnId`);
      if (important && !isHigherLevel(originSite.kind, site.kind))
        refuse(
          'CONFLICT',
          'NOT_HIGHER_LEVEL',
          `只有上级站点推送的重要信息才有 12 小时转载时限：${origin} 不是 ${t.siteId} 的上级站点`,
          `only a higher-level site pushes important information with the 12-hour deadline: ${origin} is not above ${t.siteId}`,
          'R-PUSH-3',
          [{ path, message: 'not below the pushing site' }],
        );
    });
    const pushedAt = context?.occurredAt;
    if (!pushedAt) throw new Error('the command handler must give the time of a push');
    return decided(role, {
      type: 'ResourcePushed',
      data: {
        pushId,
        resourceId,
        originSiteId: origin,
        title: resource.published.title,
        version: resource.published.version,
        targets: targets.map((t) => ({ siteId: t.siteId, suggestedColumnId: t.columnId })),
        important,
        pushedAt,
        deadline: important ? plusHours(pushedAt, IMPORTANT_PUSH_HOURS) : undefined,
        note,
        by: actor.personId,
      },
    });
  },

  evolve(_state, event) {
    const { pushId, resourceId, originSiteId, important, deadline, by, targets } = event.data;
    return {
      exists: true,
      pushId,
      resourceId,
      originSiteId,
      pushedBy: by,
      important,
      deadline,
      targets: new Map(targets.map((t) => [t.siteId, { suggestedColumnId: t.suggestedColumnId }])),
    };
  },
};

export const pushDeliveryDecider: Decider<Delivery, DeliveryCommand, DeliveryEvent> = {
  initialState: () => ({ stage: 'pending' }),

  decide(command, state) {
    const { actor, context } = command;
    const by = actor.personId;
    const { pushId, siteId } = command.data;
    if (command.type === 'RecallDelivery') {
      const offer = offerTo(context, pushId, siteId);
      const role = requireSiteRole(actor, offer.originSiteId, PUSH_ROLES.RecallDelivery);
      // What a site already took or declined stays as it is; only what is still open is taken back.
      if (!OPEN_STAGES.includes(state.stage)) return decided(role);
      const { resourceId } = offer;
      return decided(role, {
        type: 'PushRecalled',
        data: { pushId, resourceId, siteId, reason: command.data.reason, by },
      });
    }
    const role = requireSiteRole(actor, siteId, PUSH_ROLES[command.type]);
    const offer = offerTo(context, pushId, siteId);
    const { resourceId } = offer;

    switch (command.type) {
      case 'PassPushSecondReview': {
        requireStage(state, pushId, siteId, 'pending', 'pending');
        requireLiveResource(context, resourceId);
        notThePusher(offer, by);
        return decided(role, {
          type: 'PushSecondReviewPassed',
          data: { pushId, siteId, by, comment: command.data.comment },
        });
      }
      case 'PassPushFinalReview': {
        requireStage(state, pushId, siteId, 'second_review_passed', 'second_review_passed');
        requireLiveResource(context, resourceId);
        notThePusher(offer, by);
        if (state.secondReviewer === by)
          refuse(
            'FORBIDDEN',
            'SELF_REVIEW_FORBIDDEN',
            `${by} 已复审此推送，不能再终审`,
            `${by} second-reviewed this push and cannot also give the final approval`,
            'R-REVIEW-2',
          );
        return decided(role, {
          type: 'PushFinalReviewPassed',
          data: { pushId, siteId, by, comment: command.data.comment },
        });
      }
      case 'AcceptPush': {
        // R-PUSH-1: it appears at the receiving site only after that site's own review has passed.
        requireStage(state, pushId, siteId, 'final_review_passed', 'final_review_passed');
        requireLiveResource(context, resourceId);
        const site = siteOf(context, siteId, 'siteId');
        if (site.status === 'closed')
          refuse(
            'CONFLICT',
            'SITE_CLOSED',
            `站点 ${siteId} 已永久关停`,
            `site ${siteId} is closed permanently`,
            'R-SITE-5',
          );
        const columnId = command.data.columnId ?? offer.targets.get(siteId)?.suggestedColumnId;
        if (!columnId)
          refuse(
            'BAD_USER_INPUT',
            'PLACEMENT_REQUIRED',
            '接收推送需选择一个栏目',
            'accepting a push needs a column',
            undefined,
            [{ path: 'columnId', message: 'required: the push suggested none' }],
          );
        requireColumn(site, siteId, columnId, 'columnId');
        const acceptedAt = context?.occurredAt;
        if (!acceptedAt) throw new Error('the command handler must give the time of an acceptance');
        return decided(role, {
          type: 'PushAccepted',
          data: {
            pushId,
            resourceId,
            siteId,
            columnId,
            acceptedAt,
            deadlineMet: offer.deadline ? Date.parse(acceptedAt) <= Date.parse(offer.deadline) : undefined,
            by,
          },
        });
      }
      case 'DeclinePush': {
        requireStage(state, pushId, siteId, null, 'pending or under review');
        return decided(role, {
          type: 'PushDeclined',
          data: { pushId, resourceId, siteId, reason: command.data.reason, by },
        });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PushSecondReviewPassed':
        return { ...state, stage: 'second_review_passed', secondReviewer: event.data.by };
      case 'PushFinalReviewPassed':
        return { ...state, stage: 'final_review_passed' };
      case 'PushAccepted':
        return { ...state, stage: 'accepted', columnId: event.data.columnId };
      case 'PushDeclined':
        return { ...state, stage: 'declined' };
      case 'PushRecalled':
        return { ...state, stage: 'recalled' };
    }
  },
};

export const pushOfferAggregate: Aggregate<PushOffer, PushOfferCommand, PushOfferEvent> = {
  decider: pushOfferDecider,
  eventSchemas: pushEventSchemas,
};

export const pushDeliveryAggregate: Aggregate<Delivery, DeliveryCommand, DeliveryEvent> = {
  decider: pushDeliveryDecider,
  eventSchemas: pushEventSchemas,
};

/** The person who pushed does not also review the push at a receiving site where they hold a role (R-REVIEW-2). */
function notThePusher(offer: PushOffer, by: string): void {
  if (offer.pushedBy === by)
    refuse(
      'FORBIDDEN',
      'SELF_REVIEW_FORBIDDEN',
      `${by} 发起了此推送，不能在接收站点审核`,
      `${by} pushed this resource and cannot review it at a receiving site`,
      'R-REVIEW-2',
    );
}
