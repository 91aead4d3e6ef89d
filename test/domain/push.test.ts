import { describe, expect, it } from 'vitest';
import {
  type PushCommand,
  type PushCommandContext,
  type PushEvent,
  pushDecider,
  type SiteContext,
} from '../../domain/push/push.js';
import { actor, deciderSpec } from '../support/decider-spec.js';

const given = deciderSpec(pushDecider);

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
const at = (iso: string) => context({ occurredAt: iso });

const cmd = (
  type: PushCommand['type'],
  who: PushCommand['actor'],
  data: Record<string, unknown> = {},
  ctx: PushCommandContext = context(),
): PushCommand => ({ type, data: { pushId: 'p1', ...data }, actor: who, context: ctx }) as unknown as PushCommand;

const push = (targets: Array<{ siteId: string; columnId?: string }>, important = false) =>
  cmd('PushResource', portalApprover, { resourceId: 'r1', targets, important });

const pushed = (important = false): PushEvent => ({
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
const secondPassed: PushEvent = { type: 'PushSecondReviewPassed', data: { pushId: 'p1', siteId: 'jinan', by: 'li' } };
const finalPassed: PushEvent = { type: 'PushFinalReviewPassed', data: { pushId: 'p1', siteId: 'jinan', by: 'chen' } };

describe('Push', () => {
  describe('R-PUSH-1: a site pushes one of its published resources to several sites; each reviews before it appears', () => {
    it('R-PUSH-1: the resource’s site pushes to several sites at once', () => {
      given([])
        .when(push([{ siteId: 'jinan', columnId: 'notices' }, { siteId: 'edu' }]))
        .then([pushed()]);
    });

    it('R-PUSH-1: an editor of the resource’s site may push too; anyone else may not', () => {
      given([])
        .when(cmd('PushResource', portalEditor, { resourceId: 'r1', targets: [{ siteId: 'jinan' }] }))
        .then((events) => expect(events[0]?.type).toBe('ResourcePushed'));
      given([])
        .when(cmd('PushResource', jinanApprover, { resourceId: 'r1', targets: [{ siteId: 'edu' }] }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1: only a published resource is pushed: not a draft, not a withdrawn one', () => {
      for (const resource of [
        { exists: true, siteId: 'portal', lifecycle: 'active' as const, published: null },
        { exists: true, siteId: 'portal', lifecycle: 'withdrawn' as const, published: { version: 1, title: 't' } },
      ]) {
        given([])
          .when(
            cmd(
              'PushResource',
              portalApprover,
              { resourceId: 'r1', targets: [{ siteId: 'jinan' }] },
              context({ resource }),
            ),
          )
          .thenRefuses('RESOURCE_NOT_PUBLISHED', 'R-PUSH-1');
      }
    });

    it('R-PUSH-1: a site does not push to itself', () => {
      given([])
        .when(push([{ siteId: 'portal' }]))
        .thenRefuses('PUSH_TO_SELF', 'R-PUSH-1');
    });

    it('R-PUSH-1: a temporarily offline or closed site cannot receive pushes; an unknown one does not exist', () => {
      given([])
        .when(push([{ siteId: 'jinan' }, { siteId: 'shucheng' }]))
        .thenRefuses('SITE_OFFLINE');
      given([])
        .when(push([{ siteId: 'closed' }]))
        .thenRefuses('SITE_CLOSED');
      const error = given([])
        .when(push([{ siteId: 'jinan' }, { siteId: 'nowhere' }]))
        .thenRefuses('NOT_FOUND');
      expect(error.details).toEqual([{ path: 'targets.1.siteId', message: 'no such site' }]);
    });

    it('R-PUSH-1: a suggested column must be an active column of the receiving site', () => {
      given([])
        .when(push([{ siteId: 'jinan', columnId: 'news' }]))
        .thenRefuses('UNKNOWN_COLUMN');
    });

    it('R-PUSH-1: the receiving site’s reviewer, then a different approver, then acceptance into a column', () => {
      given([pushed()])
        .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }))
        .then([secondPassed]);
      given([pushed(), secondPassed])
        .when(cmd('PassPushFinalReview', jinanApprover, { siteId: 'jinan' }))
        .then([finalPassed]);
      given([pushed(), secondPassed, finalPassed])
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
      given([pushed()])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      given([pushed()])
        .when(cmd('PassPushFinalReview', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      given([pushed(), secondPassed])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
    });

    it('R-PUSH-1: each review is the receiving site’s own: another site’s staff cannot take it', () => {
      given([pushed()])
        .when(cmd('PassPushSecondReview', eduReviewer, { siteId: 'jinan' }))
        .thenRefuses('FORBIDDEN');
      given([pushed()])
        .when(cmd('PassPushSecondReview', jinanEditor, { siteId: 'jinan' }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1 R-REVIEW-2: the second reviewer does not also give the final approval', () => {
      const passedByBoth: PushEvent = { ...secondPassed, data: { ...secondPassed.data, by: 'both' } } as PushEvent;
      given([pushed(), passedByBoth])
        .when(cmd('PassPushFinalReview', jinanBoth, { siteId: 'jinan' }))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });

    it('R-PUSH-1: acceptance needs a column: the suggested one or one the receiving site names', () => {
      const eduSecond: PushEvent = { type: 'PushSecondReviewPassed', data: { pushId: 'p1', siteId: 'edu', by: 'sun' } };
      const eduFinal: PushEvent = { type: 'PushFinalReviewPassed', data: { pushId: 'p1', siteId: 'edu', by: 'zheng' } };
      const eduApprover = actor('zheng', { sites: { edu: ['approver'] } });
      given([pushed(), eduSecond, eduFinal])
        .when(cmd('AcceptPush', eduApprover, { siteId: 'edu' }))
        .thenRefuses('PLACEMENT_REQUIRED');
      given([pushed(), eduSecond, eduFinal])
        .when(cmd('AcceptPush', eduApprover, { siteId: 'edu', columnId: 'notices' }))
        .then((events) => expect(events[0]?.data).toMatchObject({ siteId: 'edu', columnId: 'notices' }));
    });

    it('R-PUSH-1: a resource withdrawn since it was pushed can no longer be taken', () => {
      const withdrawn = context({
        resource: { exists: true, siteId: 'portal', lifecycle: 'withdrawn', published: { version: 2, title: '通知' } },
      });
      given([pushed(), secondPassed, finalPassed])
        .when(cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }, withdrawn))
        .thenRefuses('RESOURCE_NOT_PUBLISHED', 'R-PUSH-1');
    });

    it('R-PUSH-1: the pushing site recalls what is still pending; what was taken or declined stays', () => {
      const declined: PushEvent = {
        type: 'PushDeclined',
        data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '不适用', by: 'sun' },
      };
      given([pushed(), secondPassed])
        .when(cmd('RecallPush', portalApprover, { reason: '内容有误' }))
        .then([
          {
            type: 'PushRecalled',
            data: { pushId: 'p1', resourceId: 'r1', siteIds: ['jinan', 'edu'], reason: '内容有误', by: 'zhou' },
          },
        ]);
      given([pushed(), declined])
        .when(cmd('RecallPush', portalApprover, { reason: '内容有误' }))
        .then((events) => expect(events[0]?.data).toMatchObject({ siteIds: ['jinan'] }));
      given([pushed(), declined])
        .when(cmd('RecallPush', portalApprover, { reason: '内容有误', siteIds: ['edu'] }))
        .thenRefuses('NOTHING_TO_RECALL');
      given([pushed()])
        .when(cmd('RecallPush', jinanApprover, { reason: '无权' }))
        .thenRefuses('FORBIDDEN');
    });

    it('R-PUSH-1: a recalled push can no longer be reviewed or accepted', () => {
      const recalled: PushEvent = {
        type: 'PushRecalled',
        data: { pushId: 'p1', resourceId: 'r1', siteIds: ['jinan', 'edu'], reason: '内容有误', by: 'zhou' },
      };
      given([pushed(), recalled])
        .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }))
        .thenRefuses('INVALID_PUSH_STAGE');
    });

    it('R-PUSH-1 R-REVIEW-2: whoever pushed does not review the push at a receiving site', () => {
      const pusherAlsoAtJinan = actor('zhou', { sites: { portal: ['approver'], jinan: ['reviewer'] } });
      given([pushed()])
        .when(cmd('PassPushSecondReview', pusherAlsoAtJinan, { siteId: 'jinan' }))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
  });

  describe('R-PUSH-2: a receiving site may decline with a reason', () => {
    it('R-PUSH-2: the receiving site’s reviewer declines with a reason', () => {
      given([pushed()])
        .when(cmd('DeclinePush', eduReviewer, { siteId: 'edu', reason: '与本单位职能无关' }))
        .then([
          {
            type: 'PushDeclined',
            data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '与本单位职能无关', by: 'sun' },
          },
        ]);
    });

    it('R-PUSH-2: a decline is final, and only for a push still open at that site', () => {
      const declined: PushEvent = {
        type: 'PushDeclined',
        data: { pushId: 'p1', resourceId: 'r1', siteId: 'edu', reason: '与本单位职能无关', by: 'sun' },
      };
      given([pushed(), declined])
        .when(cmd('DeclinePush', eduReviewer, { siteId: 'edu', reason: '再次' }))
        .thenRefuses('INVALID_PUSH_STAGE');
      given([pushed()])
        .when(cmd('DeclinePush', jinanEditor, { siteId: 'jinan', reason: '编辑无权' }))
        .thenRefuses('FORBIDDEN');
      given([pushed()])
        .when(cmd('DeclinePush', jinanReviewer, { siteId: 'shucheng', reason: '未推送' }))
        .thenRefuses('FORBIDDEN');
    });
  });

  describe('R-PUSH-3: important information from a higher-level site has a 12-hour deadline', () => {
    it('R-PUSH-3: an important push carries the deadline 12 hours after it was pushed', () => {
      given([])
        .when(push([{ siteId: 'jinan', columnId: 'notices' }, { siteId: 'edu' }], true))
        .then([pushed(true)]);
    });

    it('R-PUSH-3: only a higher-level site marks a push important', () => {
      const county = context({
        resource: { exists: true, siteId: 'jinan', lifecycle: 'active', published: { version: 1, title: '通知' } },
      });
      const countyApprover = actor('chen', { sites: { jinan: ['approver'] } });
      given([])
        .when(
          cmd(
            'PushResource',
            countyApprover,
            { resourceId: 'r1', targets: [{ siteId: 'edu' }], important: true },
            county,
          ),
        )
        .then((events) => expect(events[0]?.data).toMatchObject({ important: true }));
      given([])
        .when(
          cmd(
            'PushResource',
            countyApprover,
            { resourceId: 'r1', targets: [{ siteId: 'portal' }], important: true },
            county,
          ),
        )
        .thenRefuses('NOT_HIGHER_LEVEL', 'R-PUSH-3');
    });

    it('R-PUSH-3: accepted within 12 hours meets the deadline; later is accepted but recorded as missed', () => {
      const accept = (iso: string) => cmd('AcceptPush', jinanApprover, { siteId: 'jinan' }, at(iso));
      given([pushed(true), secondPassed, finalPassed])
        .when(accept('2026-11-26T13:00:00.000Z'))
        .then((events) => expect(events[0]?.data).toMatchObject({ deadlineMet: true }));
      given([pushed(true), secondPassed, finalPassed])
        .when(accept('2026-11-26T13:00:01.000Z'))
        .then((events) => expect(events[0]?.data).toMatchObject({ deadlineMet: false }));
    });
  });

  it('refuses commands for a push that does not exist, and a push id used twice', () => {
    given([])
      .when(cmd('PassPushSecondReview', jinanReviewer, { siteId: 'jinan' }))
      .thenRefuses('NOT_FOUND');
    given([pushed()])
      .when(push([{ siteId: 'jinan' }]))
      .thenRefuses('ALREADY_EXISTS');
  });

  it('a stranger can do nothing with a push', () => {
    for (const type of ['PassPushSecondReview', 'PassPushFinalReview', 'AcceptPush', 'DeclinePush'] as const) {
      given([pushed()])
        .when(cmd(type, stranger, { siteId: 'jinan', reason: '无' }))
        .thenRefuses('FORBIDDEN');
    }
  });
});
