/**
 * Recalling a push is a process over the receiving sites' deliveries (domain/push/push-commands.ts): one decision per
 * still-open delivery, none when a named site was never pushed to. On the demo platform, through the real command
 * path on a real embedded store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, emptyPlatform, type PlatformFixture } from '../support/platform-fixture.js';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('push recall (R-PUSH-1)', () => {
  let f: PlatformFixture;
  const by = (personId: string): CommandMeta => at(personId);

  beforeEach(async () => {
    f = await emptyPlatform();
    await createDemoPlatform(f.platform);
    const { platform } = f;
    const resourceId = 'r1';
    await platform.execute(
      'DraftResource',
      { resourceId, siteId: 'portal', metadata: sampleMetadata({ title: '关于做好信息推送工作的通知' }) },
      by('portal-editor'),
    );
    await platform.execute('SubmitResource', { resourceId }, by('portal-editor'));
    await platform.execute('PassFirstReview', { resourceId }, by('portal-editor2'));
    await platform.execute('PassSecondReview', { resourceId }, by('portal-reviewer'));
    await platform.execute('PassFinalReview', { resourceId }, by('portal-approver'));
    await platform.execute('PublishResource', { resourceId, columnIds: ['policies'] }, by('portal-approver'));
    await platform.execute(
      'PushResource',
      { pushId: 'p1', resourceId, targets: [{ siteId: 'jinan' }, { siteId: 'edu' }, { siteId: 'shucheng' }] },
      by('portal-approver'),
    );
  });
  afterEach(async () => f.dispose());

  it('R-PUSH-1: a recall takes back every delivery still open, and leaves what a site already decided', async () => {
    await f.platform.execute('DeclinePush', { pushId: 'p1', siteId: 'edu', reason: '与本站无关' }, by('edu-reviewer'));
    const recalled = await f.platform.execute(
      'RecallPush',
      { pushId: 'p1', reason: '内容有误' },
      by('portal-approver'),
    );
    expect(recalled.events.map((e) => [e.type, e.data.siteId])).toEqual([
      ['PushRecalled', 'jinan'],
      ['PushRecalled', 'shucheng'],
    ]);
    expect(recalled.targets.map((t) => [t.siteId, t.delivery.stage])).toEqual([
      ['jinan', 'recalled'],
      ['edu', 'declined'],
      ['shucheng', 'recalled'],
    ]);
    const [event] = await f.store.readStream('push-p1/jinan');
    expect(event?.metadata).toMatchObject({ actorId: 'portal-approver', actorRole: 'approver', siteId: 'jinan' });
  });

  it('R-PUSH-1: a recall naming a site the push never reached recalls nothing at all', async () => {
    const head = await f.store.headPosition();
    const error = await refusal(
      f.platform.execute(
        'RecallPush',
        { pushId: 'p1', reason: 'x', siteIds: ['jinan', 'nowhere'] },
        by('portal-approver'),
      ),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.details).toEqual([{ path: 'siteIds', message: 'nowhere was not pushed to' }]);
    expect(await f.store.headPosition()).toBe(head);
  });

  it('R-PUSH-1: with nothing left open the recall is refused, and only the pushing site recalls', async () => {
    expect(
      (await refusal(f.platform.execute('RecallPush', { pushId: 'p1', reason: 'x' }, by('jinan-approver')))).code,
    ).toBe('FORBIDDEN');
    await f.platform.execute('RecallPush', { pushId: 'p1', reason: '撤回' }, by('portal-approver'));
    expect(
      (await refusal(f.platform.execute('RecallPush', { pushId: 'p1', reason: '再撤' }, by('portal-approver')))).code,
    ).toBe('NOTHING_TO_RECALL');
    expect(
      (await refusal(f.platform.execute('RecallPush', { pushId: 'nope', reason: 'x' }, by('portal-approver')))).code,
    ).toBe('NOT_FOUND');
  });
});
