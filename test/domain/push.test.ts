import { describe, expect, it } from 'vitest';
import {
  type DeliveryCommand,
  type DeliveryEvent,
  type PushCommandContext,
  type PushOfferCommand,
  type PushOfferEvent,
  pushDeliveryDecider,
  pushOfferDecider,
} from '../../domain/push/push.js';
import type { SiteContext } from '../../domain/site/site.js';
import { actor, deciderSpec } from '../support/decider-spec.js';

// The offer is one stream; each receiving site's decisions are another, given the offer as context.
const givenOffer = deciderSpec(pushOfferDecider);
const givenDelivery = deciderSpec(pushDeliveryDecider);

// The city portal pushes to the county portal `jinan` and the education bureau's site `edu`.
const portalApprover = actor('zhou', { sites: { portal: ['approver'] } });
const portalEditor = actor('qian', { sites: { portal: ['editor'] } });
const jinanReviewer = actor('li', { sites: { jinan: ['reviewer'] } });
const jinanApprover = actor('chen', { sites: { jinan: ['approver'] } });
const jinanBoth = actor('both', { sites: { jinan: ['reviewer', 'approver'] } });
const jinanEditor = actor('wang', { sites: { jinan: ['editor'] } });
const eduReviewer = actor('sun', { sites: { edu: ['reviewer'] } });
const stranger = actor('nobody');

const site = (kind: SiteContext['kind'], status: SiteContext['status'] = 'online', columns = ['notices']) => ({
  kind,
  status,
  activeColumns: new Set(columns),
  coBuilding: new Map(),
});
const PUSHED_AT = '2026-11-26T01:00:00.000Z';
const context = (overrides: Partial<PushCommandContext> = {}): PushCommandContext => ({
  occurredAt: PUSHED_AT,
  resource: { exists: true, siteId: 'portal', lifecycle: 'active', published: { version: 2, title: '通知' } },
  sites: new Map([
    ['portal', site('city_portal', 'online', ['news'])],
    ['jinan', site('county_portal')],
    ['edu', site('department')],
    ['shucheng', site('county_portal', 'offline')],
    ['closed', site('department', 'closed')],
  ]),
  ...overrides,
});
const offerOf = (event: PushOfferEvent) => pushOfferDecider.evolve(pushOfferDecider.initialState(), event);
const at = (iso: string, important = false) => context({ occurredAt: iso, offer: offerOf(pushed(important)) });

const pushCmd = (
  who: PushOfferCommand['actor'],
  data: Record<string, unknown>,
  ctx: PushCommandContext = context(),
): PushOfferCommand => ({ type: 'PushResource', data: { pushId: 'p1', ...data }, actor: who, context: ctx }) as never;

/** A receiving site's command on push p1 (offered as `pushed()` unless the context says otherwise). */
const cmd = (
  type: DeliveryCommand['type'],
  who: DeliveryCommand['actor'],
  data: Record<string, unknown> = {},
  ctx: PushCommandContext = context({ offer: offerOf(pushed()) }),
): DeliveryCommand => ({ type, data: { pushId: 'p1', ...data }, actor: who, context: ctx }) as never;

const push = (targets: Array<{ siteId: string; columnId?: string }>, important = false) =>
  pushCmd(portalApprover, { resourceId: 'r1', targets, important });

const pushed = (important = false): PushOfferEvent => ({
  type: 'ResourcePushed',
  data: {
    pushId: 'p1',
    resourceId: 'r1',
    originSiteId: 'portal',
    title: '通知',
    version: 2,
    targets: [{ siteId: 'jinan', suggestedColumnId: 'notices' }, { siteId: 'edu' }],
    important,
    pushedAt: PUSHED_AT,
    deadline: important ? '2026-11-26T13:00:00.000Z' : undefined,
    by: 'zhou',
  },
});
const secondPassed: DeliveryEvent = {
  type: 'PushSecondReviewPassed',
  data: { pushId: 'p1', siteId: 'jinan', by: 'li' },
};
const finalPassed: DeliveryEvent = {
  type: 'PushFinalReviewPassed',
  data: { pushId: 'p1', siteId: 'jinan', by: 'chen' },
};

describe('Push', () => {
  describe('R-PUSH-1: a site pushes one of its published resources to several sites; each reviews before it appears', () => {
    it('R-PUSH-1: the resource’s site pushes to several sites at once', () => {
      givenOffer([])
        .when(push([{ siteId: 'jinan', columnId: 'notices' }, { siteId: 'edu' }]))
        .then([pushed()]);
    });

    it('R-PUSH-1: an editor of the resource’s site may push too; anyone else may not', () => {
      givenOffer([])
        .when(pushCmd(portalEditor, { resourceId: 'r1', targets: [{ siteId: 'jinan' }] }))
        .then((events) => expect(events[0]?.type).toBe('ResourcePushed'));
      givenOffer([])
        .when(pushCmd(jinanApprover, { resourceId: 'r1', targets: [{ siteId: 'edu' }] }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1: only a published resource is pushed: not a draft, not a withdrawn one', () => {
      for (const resource of [
        { exists: true, siteId: 'portal', lifecycle: 'active' as const, published: null },
        { exists: true, siteId: 'portal', lifecycle: 'withdrawn' as const, published: { version: 1, title: 't' } },
      ]) {
        givenOffer([])
          .when(pushCmd(portalApprover, { resourceId: 'r1', targets: [{ siteId: 'jinan' }] }, context({ resource })))
          .thenRefuses('RESOURCE_NOT_PUBLISHED', 'R-PUSH-1');
      }
    });

    it('R-PUSH-1: a site does not push to itself', () => {
      givenOffer([])
        .when(push([{ siteId: 'portal' }]))
        .thenRefuses('PUSH_TO_SELF', 'R-PUSH-1');
    });

    it('R-PUSH-1: a temporarily offline or closed site cannot receive pushes; an unknown one does not exist', () => {
      givenOffer([])
        .when(push([{ siteId: 'jinan' }, { siteId: 'shucheng' }]))
        .thenRefuses('SITE_OFFLINE');
      givenOffer([])
        .when(push([{ siteId: 'closed' }]))
        .thenRefuses('SITE_CLOSED');
      const error = givenOffer([])
        .when(push([{ siteId: 'jinan' }, { siteId: 'nowhere' }]))
        .thenRefuses('NOT_FOUND');
      expect(error.details).toEqual([{ path: 'targets.1.siteId', message: 'no such site' }]);
    });

    it('R-PUSH-1: a suggested column must be an active column of the receiving site', () => {
      givenOffer([])
        .when(push([{ siteId: 'jinan', columnId: 'news' }]))
        .thenRefuses('UNKNOWN_COLUMN');
    });

    it('R-PUSH-1: the receiving site’s reviewer, then a different approver, then acceptance into a column', () => {
      givenDelivery([])
        .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }))
        .then([secondPassed]);
      givenDelivery([secondPassed])
        .when(cmd('PassPushFinalReview', jinanApprover, { siteId: 'jinan' }))
        .then([finalPassed]);
      givenDelivery([secondPassed, finalPassed])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }, at('2026-11-26T02:00:00.000Z')))
        .then([
          {
            type: 'PushAccepted',
            data: {
              pushId: 'p1',
              resourceId: 'r1',
              siteId: 'jinan',
              columnId: 'notices',
              acceptedAt: '2026-11-26T02:00:00.000Z',
              deadlineMet: undefined,
              by: 'chen',
            },
          },
        ]);
    });

    it('R-PUSH-1: nothing is accepted before both reviews of the receiving site passed, in order', () => {
      givenDelivery([])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      givenDelivery([])
        .when(cmd('PassPushFinalReview', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      givenDelivery([secondPassed])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
    });

    it('R-PUSH-1: each review is the receiving site’s own: another site’s staff cannot take it', () => {
      givenDelivery([])
        .when(cmd('PassPushSecondReview', eduReviewer, { siteId: 'jinan' }))
        .thenRefuses('FORBIDDEN');
      givenDelivery([])
        .when(cmd('PassPushSecondReview', jinanEditor, { siteId: 'jinan' }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1 R-REVIEW-2: the second reviewer does not also give the final approval', () => {
      const passedByBoth: DeliveryEvent = {
        ...secondPassed,
        data: { ...secondPassed.data, by: 'both' },
      } as DeliveryEvent;
      givenDelivery([passedByBoth])
        .when(cmd('PassPushFinalReview', jinanBoth, { siteId: 'jinan' }))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });

    it('R-PUSH-1: acceptance needs a column: the suggested one or one the receiving site names', () => {
      const eduSecond: DeliveryEvent = {
        type: 'PushSecondReviewPassed',
        data: { pushId: 'p1', siteId: 'edu', by: 'sun' },
      };
      const eduFinal: DeliveryEvent = {
        type: 'PushFinalReviewPassed',
        data: { pushId: 'p1', siteId: 'edu', by: 'zheng' },
      };
      const eduApprover = actor('zheng', { sites: { edu: ['approver'] } });
      givenDelivery([eduSecond, eduFinal])
        .when(cmd('AcceptPush', eduApprover, { siteId: 'edu' }))
        .thenRefuses('PLACEMENT_REQUIRED');
      givenDelivery([eduSecond, eduFinal])
        .when(cmd('AcceptPush', eduApprover, { siteId: 'edu', columnId: 'notices' }))
        .then((events) => expect(events[0]?.data).toMatchObject({ siteId: 'edu', columnId: 'notices' }));
    });

    it('R-PUSH-1: a resource withdrawn since it was pushed can no longer be taken', () => {
      const withdrawn = context({
        offer: offerOf(pushed()),
        resource: { exists: true, siteId: 'portal', lifecycle: 'withdrawn', published: { version: 2, title: '通知' } },
      });
      givenDelivery([secondPassed, finalPassed])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }, withdrawn))
        .thenRefuses('RESOURCE_NOT_PUBLISHED', 'R-PUSH-1');
    });

    it('R-PUSH-1: the pushing site recalls what is still pending; what was taken or declined stays', () => {
      const declined: DeliveryEvent = {
        type: 'PushDeclined',
        data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '不适用', by: 'sun' },
      };
      givenDelivery([secondPassed])
        .when(cmd('RecallDelivery', portalApprover, { siteId: 'jinan', reason: '内容有误' }))
        .then([
          {
            type: 'PushRecalled',
            data: { pushId: 'p1', resourceId: 'r1', siteId: 'jinan', reason: '内容有误', by: 'zhou' },
          },
        ]);
      givenDelivery([declined])
        .when(cmd('RecallDelivery', portalApprover, { siteId: 'edu', reason: '内容有误' }))
        .then([]);
      givenDelivery([])
        .when(cmd('RecallDelivery', jinanApprover, { siteId: 'jinan', reason: '无权' }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1: a recalled push can no longer be reviewed or accepted', () => {
      const recalled: DeliveryEvent = {
        type: 'PushRecalled',
        data: { pushId: 'p1', resourceId: 'r1', siteId: 'jinan', reason: '内容有误', by: 'zhou' },
      };
      givenDelivery([recalled])
        .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
    });

    it('R-PUSH-1 R-REVIEW-2: whoever pushed does not review the push at a receiving site', () => {
      const pusherAlsoAtJinan = actor('zhou', { sites: { portal: ['approver'], jinan: ['reviewer'] } });
      givenDelivery([])
        .when(cmd('PassPushSecondReview', pusherAlsoAtJinan, { siteId: 'jinan' }))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
  });

  describe('R-PUSH-2: a receiving site may decline with a reason', () => {
    it('R-PUSH-2: the receiving site’s reviewer declines with a reason', () => {
      givenDelivery([])
        .when(cmd('DeclinePush', eduReviewer, { siteId: 'edu', reason: '与本单位职能无关' }))
        .then([
          {
            type: 'PushDeclined',
            data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '与本单位职能无关', by: 'sun' },
          },
        ]);
    });

    it('R-PUSH-2: a decline is final, and only for a push still open at that site', () => {
      const declined: DeliveryEvent = {
        type: 'PushDeclined',
        data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '与本单位职能无关', by: 'sun' },
      };
      givenDelivery([declined])
        .when(cmd('DeclinePush', eduReviewer, { siteId: 'edu', reason: '再次' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      givenDelivery([])
        .when(cmd('DeclinePush', jinanEditor, { siteId: 'jinan', reason: '编辑无权' }))
        .thenRefuses('FORBIDDEN');
      givenDelivery([])
        .when(cmd('DeclinePush', jinanReviewer, { siteId: 'shucheng', reason: '未推送' }))
        .thenRefuses('FORBIDDEN');
    });
  });

  describe('R-PUSH-3: important information from a higher-level site has a 12-hour deadline', () => {
    it('R-PUSH-3: an important push carries the deadline 12 hours after it was pushed', () => {
      givenOffer([])
        .when(push([{ siteId: 'jinan', columnId: 'notices' }, { siteId: 'edu' }], true))
        .then([pushed(true)]);
    });

    it('R-PUSH-3: only a higher-level site marks a push important', () => {
      const county = context({
        resource: { exists: true, siteId: 'jinan', lifecycle: 'active', published: { version: 1, title: '通知' } },
      });
      const countyApprover = actor('chen', { sites: { jinan: ['approver'] } });
      givenOffer([])
        .when(pushCmd(countyApprover, { resourceId: 'r1', targets: [{ siteId: 'edu' }], important: true }, county))
        .then((events) => expect(events[0]?.data).toMatchObject({ important: true }));
      givenOffer([])
        .when(pushCmd(countyApprover, { resourceId: 'r1', targets: [{ siteId: 'portal' }], important: true }, county))
        .thenRefuses('NOT_HIGHER_LEVEL', 'R-PUSH-3');
    });

    it('R-PUSH-3: accepted within 12 hours meets the deadline; later is accepted but recorded as missed', () => {
      const accept = (iso: string) => cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }, at(iso, true));
      givenDelivery([secondPassed, finalPassed])
        .when(accept('2026-11-26T13:00:00.000Z'))
        .then((events) => expect(events[0]?.data).toMatchObject({ deadlineMet: true }));
      givenDelivery([secondPassed, finalPassed])
        .when(accept('2026-11-26T13:00:01.000Z'))
        .then((events) => expect(events[0]?.data).toMatchObject({ deadlineMet: false }));
    });
  });

  it('refuses commands for a push that does not exist, and a push id used twice', () => {
    givenDelivery([])
      .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }, context()))
      .thenRefuses('NOT_FOUND');
    givenDelivery([])
      .when(
        cmd(
          'PassPushSecondReview',
          jinanReviewer,
          { siteId: 'jinan', pushId: 'p1' },
          context({ offer: offerOf({ ...pushed(), data: { ...pushed().data, targets: [{ siteId: 'edu' }] } }) }),
        ),
      )
      .thenRefuses('NOT_FOUND');
    givenOffer([pushed()])
      .when(push([{ siteId: 'jinan' }]))
      .thenRefuses('ALREADY_EXISTS');
  });

  it('a stranger can do nothing with a push', () => {
    for (const type of ['PassPushSecondReview', 'PassPushFinalReview', 'AcceptPush', 'DeclinePush'] as const) {
      givenDelivery([])
        .when(cmd(type, stranger, { siteId: 'jinan', reason: '无' }))
        .thenRefuses('FORBIDDEN');
    }
  });
});
