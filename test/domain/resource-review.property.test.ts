/**
 * Property-based tests of the review state machine: whatever commands any actors send, in any order, nothing is
 * published without three passes, in order, by three distinct people (R-REVIEW-1, R-REVIEW-2), and a revoked
 * person never changes anything (R-PEOPLE-2).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ResourceCommand, type ResourceEvent, resourceDecider } from '../../domain/resource/resource.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { actor } from '../support/decider-spec.js';
import { sampleMetadata } from '../support/fixtures.js';

const people = [
  actor('ed1', { sites: { s: ['editor'] } }),
  actor('ed2', { sites: { s: ['editor', 'reviewer'] } }),
  actor('rev', { sites: { s: ['reviewer'] } }),
  actor('app', { sites: { s: ['approver'] } }),
  actor('revapp', { sites: { s: ['reviewer', 'approver'] } }),
  actor('all', { sites: { s: ['editor', 'reviewer', 'approver'] } }),
  actor('revoked', { revoked: { s: ['editor', 'reviewer', 'approver'] } }),
  actor('gone', { sites: { s: ['editor', 'reviewer', 'approver'] }, deactivated: true }),
  actor('stranger', { sites: { other: ['editor', 'reviewer', 'approver'] } }),
];
const powerless = new Set(['revoked', 'gone', 'stranger']);

const types = [
  'EditResource',
  'SubmitResource',
  'PassFirstReview',
  'PassSecondReview',
  'PassFinalReview',
  'RejectResource',
  'PublishResource',
  'CorrectResource',
  'WithdrawResource',
] as const;

// Every command type can come at any moment, but the ones that move a version forward come more often, so that
// random runs reach publications (and corrections of them) instead of circling in the first stages.
const weightedTypes = [
  ...types,
  ...(['SubmitResource', 'PassFirstReview', 'PassSecondReview', 'PassFinalReview', 'PublishResource'] as const).flatMap(
    (t) => [t, t, t],
  ),
];

const context = {
  site: { status: 'online' as const, activeColumns: new Set(['c']) },
  indexNumber: '11341500003089416J/2026-00001',
  occurredAt: '2026-11-26T10:00:00+08:00',
};

function command(type: (typeof types)[number], who: (typeof people)[number]): ResourceCommand {
  const data: Record<string, unknown> = { resourceId: 'r' };
  if (type === 'EditResource' || type === 'CorrectResource') data.metadata = sampleMetadata();
  if (type === 'RejectResource' || type === 'CorrectResource' || type === 'WithdrawResource') data.reason = 'why';
  if (type === 'PublishResource') data.columnIds = ['c'];
  return { type, data, actor: who, context } as unknown as ResourceCommand;
}

/** What must be true of the log up to a publication of `version`. */
function checkPublication(log: ResourceEvent[], version: number): void {
  const ofVersion = log.filter((e) => 'version' in e.data && e.data.version === version);
  const writers = new Set(
    ofVersion.flatMap((e) =>
      e.type === 'ResourceDrafted'
        ? [e.data.authorId]
        : e.type === 'ResourceEdited'
          ? [e.data.editorId]
          : e.type === 'ResourceCorrectionStarted'
            ? [e.data.by]
            : [],
    ),
  );
  // The last restart of the review (draft, edit, rejection, correction) must be followed by submit, first, second,
  // final, and this publication.
  const restart = ofVersion.findLastIndex((e) =>
    ['ResourceDrafted', 'ResourceEdited', 'ResourceRejected', 'ResourceCorrectionStarted'].includes(e.type),
  );
  const after = ofVersion.slice(restart + 1).map((e) => e.type);
  expect(after).toEqual([
    'ResourceSubmitted',
    'FirstReviewPassed',
    'SecondReviewPassed',
    'FinalReviewPassed',
    'ResourcePublished',
  ]);
  const second = ofVersion.findLast((e) => e.type === 'SecondReviewPassed')!.data as { by: string };
  const final = ofVersion.findLast((e) => e.type === 'FinalReviewPassed')!.data as { by: string };
  expect(writers.has(second.by)).toBe(false);
  expect(writers.has(final.by)).toBe(false);
  expect(second.by).not.toBe(final.by);
}

describe('review state machine (property-based)', () => {
  it('R-REVIEW-1 R-REVIEW-2 R-PEOPLE-2: any command sequence by any actors keeps the review rules', () => {
    let publications = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...people.filter((p) => p.siteRoles.get('s')?.has('editor') && !powerless.has(p.personId))),
        fc.array(fc.tuple(fc.constantFrom(...weightedTypes), fc.constantFrom(...people)), {
          minLength: 1,
          maxLength: 200,
          size: 'max',
        }),
        (author, steps) => {
          const log: ResourceEvent[] = [
            {
              type: 'ResourceDrafted',
              data: {
                resourceId: 'r',
                siteId: 's',
                version: 1,
                metadata: sampleMetadata() as never,
                authorId: author.personId,
              },
            },
          ];
          let state = resourceDecider.evolve(resourceDecider.initialState(), log[0]!);
          for (const [type, who] of steps) {
            let events: ResourceEvent[];
            try {
              events = resourceDecider.decide(command(type, who), state).events;
            } catch (error) {
              expect(error).toBeInstanceOf(DomainError);
              continue;
            }
            expect(powerless.has(who.personId), `${who.personId} changed something with ${type}`).toBe(false);
            for (const event of events) {
              log.push(event);
              state = resourceDecider.evolve(state, event);
              if (event.type === 'ResourcePublished') {
                publications++;
                checkPublication(log, event.data.version);
              }
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    // The generator must actually reach publications, or the property proves nothing.
    expect(publications).toBeGreaterThan(100);
  });
});
