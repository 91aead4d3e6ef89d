import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/shared/domain-error.js';
import { openPushReadModel, type PushReadModel } from '../../projections/push/push-read-model.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, type PlatformFixture, staffedPlatform } from '../support/platform-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const NOW = new Date('2026-11-27T00:00:00Z');

describe('push read model (inboxes and outboxes)', () => {
  let f: PlatformFixture;
  let dir: ReturnType<typeof tempDir>;
  let pushes: PushReadModel;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    f = await staffedPlatform();
    dir = tempDir('push');
    pushes = openPushReadModel(dir.path);
    runner = new ProjectionRunner(f.store, pushes.projection());
    await runner.start();
    const { platform } = f;
    // 金安 publishes one resource, and two department sites are there to receive it.
    await platform.execute(
      'DraftResource',
      { resourceId: 'r1', siteId: 'jinan', metadata: sampleMetadata() },
      at('wang'),
    );
    await platform.execute('SubmitResource', { resourceId: 'r1' }, at('wang'));
    await platform.execute('PassFirstReview', { resourceId: 'r1' }, at('zhao'));
    await platform.execute('PassSecondReview', { resourceId: 'r1' }, at('li'));
    await platform.execute('PassFinalReview', { resourceId: 'r1' }, at('chen'));
    await platform.execute('PublishResource', { resourceId: 'r1', columnIds: ['notices'] }, at('chen'));
    for (const [siteId, name, code, domain] of [
      ['edu', '六安市教育体育局', '11341500003089432X', 'jytyj'],
      ['water', '六安市水利局', '11341500003089440R', 'slj'],
    ] as const) {
      await platform.execute(
        'OpenSite',
        {
          siteId,
          kind: 'department',
          hostUnit: { name, code },
          name,
          domains: { english: `${domain}.luan.gov.cn`, chinese: `${name}.政务` },
          approvedBy: 'admin',
          reason: '开设',
        },
        at('admin'),
      );
    }
  });
  afterEach(async () => {
    await runner.stop();
    pushes.close();
    dir.remove();
    await f.dispose();
  });

  const settle = async () => runner.waitFor((await f.store.headPosition())!);
  const push = (pushId: string, siteIds: string[]) =>
    f.platform.execute(
      'PushResource',
      { pushId, resourceId: 'r1', targets: siteIds.map((siteId) => ({ siteId })), important: true },
      at('chen'),
    );

  it('pages an inbox newest first with a cursor that new pushes do not shift; a foreign cursor is BAD_USER_INPUT', async () => {
    for (const id of ['p1', 'p2', 'p3']) await push(id, ['edu']);
    await settle();
    const first = pushes.inbox('edu', NOW, { first: 2 });
    expect(first.total).toBe(3);
    expect(first.deliveries.map((d) => d.pushId)).toEqual(['p3', 'p2']);
    await push('p4', ['edu']);
    await settle();
    const second = pushes.inbox('edu', NOW, { first: 2, after: first.endCursor! });
    expect(second.deliveries.map((d) => d.pushId)).toEqual(['p1']);
    expect(second.endCursor).toBeNull();
    expect(() => pushes.inbox('edu', NOW, { after: 'not-a-cursor' })).toThrow(DomainError);
  });

  it('R-PUSH-3: the outbox shows each receiving site; an open important push past its deadline is overdue', async () => {
    await push('p1', ['edu', 'water']);
    await settle();
    const outbox = pushes.outbox('jinan', NOW);
    expect(outbox.deliveries.map((d) => [d.siteId, d.status, d.important])).toEqual([
      ['water', 'pending', true],
      ['edu', 'pending', true],
    ]);
    const deadline = outbox.deliveries[0]!.deadline!;
    expect(pushes.inbox('edu', new Date(Date.parse(deadline) - 1000), { overdueOnly: true }).total).toBe(0);
    const late = new Date(Date.parse(deadline) + 1000);
    expect(pushes.inbox('edu', late, { overdueOnly: true }).deliveries.map((d) => [d.pushId, d.overdue])).toEqual([
      ['p1', true],
    ]);
    expect(pushes.all(late, { overdueOnly: true }).total).toBe(2);
  });

  it('R-PUSH-1: a withdrawal of the original marks every open delivery; a rebuild from the log gives the same inboxes', async () => {
    await push('p1', ['edu', 'water']);
    await f.platform.execute('WithdrawResource', { resourceId: 'r1', reason: '政策废止' }, at('chen'));
    await settle();
    expect(pushes.outbox('jinan', NOW).deliveries.map((d) => [d.siteId, d.status, d.reason])).toEqual([
      ['water', 'withdrawn', '政策废止'],
      ['edu', 'withdrawn', '政策废止'],
    ]);

    const again = tempDir('push-rebuild');
    const rebuilt = openPushReadModel(again.path);
    const rebuilder = new ProjectionRunner(f.store, rebuilt.projection());
    await rebuilder.start();
    await rebuilder.waitFor((await f.store.headPosition())!);
    expect(rebuilt.outbox('jinan', NOW)).toEqual(pushes.outbox('jinan', NOW));
    await rebuilder.stop();
    rebuilt.close();
    again.remove();
  });
});
