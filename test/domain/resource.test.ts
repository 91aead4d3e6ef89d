import { describe, expect, it } from 'vitest';
import {
  type ResourceCommand,
  type ResourceEvent,
  resourceDecider,
  resourceStatus,
} from '../../domain/resource/resource.js';
import { actor, deciderSpec } from '../support/decider-spec.js';
import { sampleMetadata } from '../support/fixtures.js';

const given = deciderSpec(resourceDecider);
const site = {
  status: 'online' as const,
  kind: 'county_portal' as const,
  activeColumns: new Set(['notices', 'policies']),
  coBuilding: new Map(),
};
const author = actor('author', { sites: { jinan: ['editor'] } });
const editor2 = actor('editor2', { sites: { jinan: ['editor'] } });
const reviewer = actor('reviewer', { sites: { jinan: ['reviewer'] } });
const approver = actor('approver', { sites: { jinan: ['approver'] } });
const reviewerAndApprover = actor('both', { sites: { jinan: ['reviewer', 'approver'] } });
const authorWhoReviews = actor('author', { sites: { jinan: ['editor', 'reviewer', 'approver'] } });
const revokedReviewer = actor('gone', { revoked: { jinan: ['reviewer'] } });

const metadata = sampleMetadata();
const r = 'r1';
const drafted: ResourceEvent = {
  type: 'ResourceDrafted',
  data: { resourceId: r, siteId: 'jinan', version: 1, metadata: metadata as never, authorId: 'author' },
};
const submitted: ResourceEvent = { type: 'ResourceSubmitted', data: { resourceId: r, version: 1, by: 'author' } };
const first: ResourceEvent = { type: 'FirstReviewPassed', data: { resourceId: r, version: 1, by: 'author' } };
const second = (by = 'reviewer'): ResourceEvent => ({
  type: 'SecondReviewPassed',
  data: { resourceId: r, version: 1, by },
});
const final = (by = 'approver'): ResourceEvent => ({
  type: 'FinalReviewPassed',
  data: { resourceId: r, version: 1, by },
});
const published: ResourceEvent = {
  type: 'ResourcePublished',
  data: {
    resourceId: r,
    version: 1,
    metadata: metadata as never,
    placements: [{ siteId: 'jinan', columnId: 'notices' }],
    indexNumber: '11341500003089416J/2026-00001',
    publishedAt: '2026-11-26T10:00:00+08:00',
    by: 'approver',
  },
};
const publishContext = { site, indexNumber: '11341500003089416J/2026-00001', occurredAt: '2026-11-26T10:00:00+08:00' };
const cmd = (
  type: ResourceCommand['type'],
  who: ResourceCommand['actor'],
  data: Record<string, unknown> = {},
): ResourceCommand =>
  ({ type, data: { resourceId: r, ...data }, actor: who, context: publishContext }) as unknown as ResourceCommand;

describe('Resource', () => {
  it('an editor drafts a resource on their site with validated metadata', () => {
    given([])
      .when(cmd('DraftResource', author, { siteId: 'jinan', metadata }))
      .then((events) => {
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          type: 'ResourceDrafted',
          data: { resourceId: r, siteId: 'jinan', version: 1, authorId: 'author' },
        });
      });
    given([])
      .when(cmd('DraftResource', reviewer, { siteId: 'jinan', metadata }))
      .thenRefuses('FORBIDDEN');
  });

  it('R-LIB-2: a draft without the required metadata is refused with field-level details', () => {
    const { title: _, ...untitled } = metadata;
    const error = given([])
      .when(cmd('DraftResource', author, { siteId: 'jinan', metadata: untitled }))
      .thenRefuses('INVALID_METADATA');
    expect(error.details.map((d) => d.path)).toContain('metadata.title');
  });

  describe('R-REVIEW-1: first, second and final review, in that order, before publication', () => {
    it('R-REVIEW-1: the full order publishes', () => {
      given([drafted, submitted, first, second(), final()])
        .when(cmd('PublishResource', approver, { columnIds: ['notices'] }))
        .then([published]);
    });
    it('R-REVIEW-1: nothing is published before the final review', () => {
      for (const history of [
        [drafted],
        [drafted, submitted],
        [drafted, submitted, first],
        [drafted, submitted, first, second()],
      ]) {
        given(history)
          .when(cmd('PublishResource', approver, { columnIds: ['notices'] }))
          .thenRefuses('INVALID_REVIEW_STAGE', 'R-REVIEW-1');
      }
    });
    it('R-REVIEW-1: no review level can be skipped', () => {
      given([drafted]).when(cmd('PassFirstReview', author)).thenRefuses('INVALID_REVIEW_STAGE', 'R-REVIEW-1');
      given([drafted, submitted])
        .when(cmd('PassSecondReview', reviewer))
        .thenRefuses('INVALID_REVIEW_STAGE', 'R-REVIEW-1');
      given([drafted, submitted, first])
        .when(cmd('PassFinalReview', approver))
        .thenRefuses('INVALID_REVIEW_STAGE', 'R-REVIEW-1');
    });
    it('R-REVIEW-1: each level needs its role: editor, reviewer, approver', () => {
      given([drafted, submitted, first]).when(cmd('PassSecondReview', approver)).thenRefuses('FORBIDDEN');
      given([drafted, submitted, first, second()]).when(cmd('PassFinalReview', reviewer)).thenRefuses('FORBIDDEN');
    });
  });

  describe('R-REVIEW-2: the writer, the second reviewer and the final approver are three different people', () => {
    it('R-REVIEW-2: the author cannot pass the second review of their own version', () => {
      given([drafted, submitted, first])
        .when(cmd('PassSecondReview', authorWhoReviews))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
    it('R-REVIEW-2: the author cannot pass the final review of their own version', () => {
      given([drafted, submitted, first, second()])
        .when(cmd('PassFinalReview', authorWhoReviews))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
    it('R-REVIEW-2: whoever last edited the version cannot review it either', () => {
      const edited: ResourceEvent = {
        type: 'ResourceEdited',
        data: { resourceId: r, version: 1, metadata: metadata as never, editorId: 'both', reviewRestarted: false },
      };
      const both = actor('both', { sites: { jinan: ['editor', 'reviewer', 'approver'] } });
      given([drafted, edited, submitted, first])
        .when(cmd('PassSecondReview', both))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
    it('R-REVIEW-2: the second reviewer cannot also give the final approval', () => {
      given([drafted, submitted, first, second('both')])
        .when(cmd('PassFinalReview', reviewerAndApprover))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
    it('R-REVIEW-2: three different people pass', () => {
      given([drafted, submitted, first, second('reviewer')])
        .when(cmd('PassFinalReview', reviewerAndApprover))
        .then([final('both')]);
    });
  });

  describe('R-REVIEW-3: rejection with a reason, and edits restart the review', () => {
    it('R-REVIEW-3: a reviewer rejects with a reason and the version goes back to its author as a draft', () => {
      given([drafted, submitted, first])
        .when(cmd('RejectResource', reviewer, { reason: '数据有误' }))
        .then([
          {
            type: 'ResourceRejected',
            data: {
              resourceId: r,
              version: 1,
              by: 'reviewer',
              role: 'reviewer',
              stage: 'first_review_passed',
              reason: '数据有误',
            },
          },
        ]);
      const state = [
        drafted,
        submitted,
        first,
        {
          type: 'ResourceRejected',
          data: {
            resourceId: r,
            version: 1,
            by: 'reviewer',
            role: 'reviewer',
            stage: 'first_review_passed',
            reason: 'x',
          },
        } as ResourceEvent,
      ].reduce(resourceDecider.evolve, resourceDecider.initialState());
      expect(resourceStatus(state)).toBe('draft');
    });
    it('R-REVIEW-3: after a rejection the review starts again from the first level', () => {
      const rejected: ResourceEvent = {
        type: 'ResourceRejected',
        data: {
          resourceId: r,
          version: 1,
          by: 'approver',
          role: 'approver',
          stage: 'second_review_passed',
          reason: 'x',
        },
      };
      given([drafted, submitted, first, second(), rejected])
        .when(cmd('PassFinalReview', approver))
        .thenRefuses('INVALID_REVIEW_STAGE');
      given([drafted, submitted, first, second(), rejected])
        .when(cmd('PassFirstReview', author))
        .thenRefuses('INVALID_REVIEW_STAGE');
      given([drafted, submitted, first, second(), rejected]).when(cmd('SubmitResource', author)).then([submitted]);
    });
    it('R-REVIEW-3: editing after any review step sends the version back to the first step', () => {
      given([drafted, submitted, first, second()])
        .when(cmd('EditResource', editor2, { metadata }))
        .then((events) =>
          expect(events[0]).toMatchObject({
            type: 'ResourceEdited',
            data: { reviewRestarted: true, editorId: 'editor2' },
          }),
        );
      const edited: ResourceEvent = {
        type: 'ResourceEdited',
        data: { resourceId: r, version: 1, metadata: metadata as never, editorId: 'editor2', reviewRestarted: true },
      };
      given([drafted, submitted, first, second(), edited])
        .when(cmd('PassFinalReview', approver))
        .thenRefuses('INVALID_REVIEW_STAGE');
    });
    it('R-REVIEW-3: only the role of the pending level may reject', () => {
      given([drafted, submitted, first])
        .when(cmd('RejectResource', approver, { reason: 'x' }))
        .thenRefuses('FORBIDDEN');
      given([drafted])
        .when(cmd('RejectResource', reviewer, { reason: 'x' }))
        .thenRefuses('INVALID_REVIEW_STAGE');
    });
  });

  describe('R-REVIEW-4: corrections and withdrawals', () => {
    const correction: ResourceEvent = {
      type: 'ResourceCorrectionStarted',
      data: {
        resourceId: r,
        version: 2,
        metadata: sampleMetadata({ title: '更正后的标题' }) as never,
        by: 'editor2',
        reason: '标题有误',
      },
    };
    it('R-REVIEW-4: a correction is a new version; the published one stays visible meanwhile', () => {
      given([drafted, submitted, first, second(), final(), published])
        .when(
          cmd('CorrectResource', editor2, { metadata: sampleMetadata({ title: '更正后的标题' }), reason: '标题有误' }),
        )
        .then((events) =>
          expect(events).toMatchObject([{ type: 'ResourceCorrectionStarted', data: { version: 2, by: 'editor2' } }]),
        );
      const state = [drafted, submitted, first, second(), final(), published, correction].reduce(
        resourceDecider.evolve,
        resourceDecider.initialState(),
      );
      expect(state.published?.version).toBe(1);
      expect(state.published?.metadata.title).toBe(metadata.title);
      expect(state.working?.version).toBe(2);
    });
    it('R-REVIEW-4: the correction passes the whole review again, and keeps the index number', () => {
      const v2 = (e: ResourceEvent) => ({ ...e, data: { ...e.data, version: 2 } }) as ResourceEvent;
      given([drafted, submitted, first, second(), final(), published, correction])
        .when(cmd('PublishResource', approver))
        .thenRefuses('INVALID_REVIEW_STAGE');
      given([
        drafted,
        submitted,
        first,
        second(),
        final(),
        published,
        correction,
        v2(submitted),
        v2(first),
        v2(second()),
        v2(final()),
      ])
        .when({
          ...cmd('PublishResource', approver),
          context: { ...publishContext, indexNumber: 'SHOULD-NOT-BE-USED' },
        })
        .then((events) =>
          expect(events[0]).toMatchObject({
            type: 'ResourcePublished',
            data: {
              version: 2,
              indexNumber: published.data.indexNumber,
              placements: [{ siteId: 'jinan', columnId: 'notices' }],
            },
          }),
        );
    });
    it('R-REVIEW-4: the writer of a correction cannot review it', () => {
      const v2 = (e: ResourceEvent) => ({ ...e, data: { ...e.data, version: 2 } }) as ResourceEvent;
      const writer = actor('editor2', { sites: { jinan: ['editor', 'reviewer'] } });
      given([drafted, submitted, first, second(), final(), published, correction, v2(submitted), v2(first)])
        .when(cmd('PassSecondReview', writer))
        .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
    });
    it('R-REVIEW-4: a published resource can be withdrawn with a reason, by an approver', () => {
      given([drafted, submitted, first, second(), final(), published])
        .when(cmd('WithdrawResource', approver, { reason: '政策已废止' }))
        .then([
          { type: 'ResourceWithdrawn', data: { resourceId: r, version: 1, by: 'approver', reason: '政策已废止' } },
        ]);
      given([drafted])
        .when(cmd('WithdrawResource', approver, { reason: 'x' }))
        .thenRefuses('INVALID_REVIEW_STAGE');
      given([drafted, submitted, first, second(), final(), published])
        .when(cmd('WithdrawResource', author, { reason: 'x' }))
        .thenRefuses('FORBIDDEN');
    });
  });

  it('R-REVIEW-5: every review action is an event with who, and for rejections the role and reason', () => {
    given([drafted, submitted])
      .when(cmd('PassFirstReview', author, { comment: '同意' }))
      .then([{ type: 'FirstReviewPassed', data: { resourceId: r, version: 1, by: 'author', comment: '同意' } }]);
    given([drafted, submitted, first, second(), final(), published])
      .when(cmd('ArchiveResource', approver, { reason: '过期' }))
      .then([{ type: 'ResourceArchived', data: { resourceId: r, by: 'approver', reason: '过期' } }]);
  });

  it('R-PEOPLE-2: a person whose reviewer role was revoked cannot review', () => {
    given([drafted, submitted, first])
      .when(cmd('PassSecondReview', revokedReviewer))
      .thenRefuses('ROLE_REVOKED', 'R-PEOPLE-2');
  });

  it('publication goes into active columns of the resource’s own site only', () => {
    given([drafted, submitted, first, second(), final()])
      .when(cmd('PublishResource', approver, { columnIds: ['elsewhere'] }))
      .thenRefuses('UNKNOWN_COLUMN');
    given([drafted, submitted, first, second(), final()])
      .when(cmd('PublishResource', approver, { columnIds: [] }))
      .thenRefuses('PLACEMENT_REQUIRED');
  });

  it('R-SEC-2: to an outsider another site’s draft is as absent as a resource that does not exist', () => {
    const outsider = actor('outsider', { sites: { shucheng: ['editor', 'reviewer', 'approver'] } });
    for (const type of ['SubmitResource', 'PassFirstReview', 'PassFinalReview', 'WithdrawResource'] as const) {
      const hidden = given([drafted])
        .when(cmd(type, outsider, { reason: 'r' }))
        .thenRefuses('NOT_FOUND');
      const absent = given([])
        .when(cmd(type, outsider, { reason: 'r' }))
        .thenRefuses('NOT_FOUND');
      expect([hidden.message, hidden.messageZh, hidden.category]).toEqual([
        absent.message,
        absent.messageZh,
        absent.category,
      ]);
    }
    // The site's own staff, its former staff and whoever works platform-wide are told what is wrong instead.
    given([drafted]).when(cmd('PassFinalReview', reviewer)).thenRefuses('FORBIDDEN');
    given([drafted]).when(cmd('PassSecondReview', revokedReviewer)).thenRefuses('ROLE_REVOKED');
    given([drafted])
      .when(cmd('SubmitResource', actor('audit', { platform: ['auditor'] })))
      .thenRefuses('FORBIDDEN');
    // Once published, the resource is public: an outsider is refused, not misled.
    given([drafted, submitted, first, second(), final(), published])
      .when(cmd('WithdrawResource', outsider, { reason: 'r' }))
      .thenRefuses('FORBIDDEN');
  });
});
