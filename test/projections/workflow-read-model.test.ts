import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { openWorkflowReadModel, type WorkflowReadModel } from '../../projections/workflow/workflow-read-model.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, type PlatformFixture, staffedPlatform } from '../support/platform-fixture.js';
import { tempDir } from '../support/temp-dir.js';

describe('workflow read model (drafts and review queues per site)', () => {
  let f: PlatformFixture;
  let dir: ReturnType<typeof tempDir>;
  let workflow: WorkflowReadModel;
  let runner: ProjectionRunner;

  beforeEach(async () => {
    f = await staffedPlatform();
    dir = tempDir('workflow');
    workflow = openWorkflowReadModel(dir.path);
    runner = new ProjectionRunner(f.store, workflow.projection());
    await runner.start();
  });
  afterEach(async () => {
    await runner.stop();
    workflow.close();
    dir.remove();
    await f.dispose();
  });

  const settle = async () => runner.waitFor((await f.store.headPosition())!);
  const actor = (personId: string) =>
    f.platform.reader.actor({ actorId: personId, occurredAt: '2026-11-26T12:00:00+08:00' });

  it('R-SEC-2: each site sees its own drafts; a reviewer’s queue holds what waits for their step, never their own writing', async () => {
    const { platform } = f;
    await platform.execute(
      'DraftResource',
      { resourceId: 'a', siteId: 'jinan', metadata: sampleMetadata() },
      at('wang'),
    );
    await platform.execute(
      'DraftResource',
      { resourceId: 'b', siteId: 'jinan', metadata: sampleMetadata({ title: '第二份' }) },
      at('wang'),
    );
    await platform.execute('SubmitResource', { resourceId: 'b' }, at('wang'));
    await platform.execute('PassFirstReview', { resourceId: 'b' }, at('zhao'));
    await settle();

    expect(workflow.siteItems('jinan').map((i) => [i.resourceId, i.status])).toEqual([
      ['a', 'draft'],
      ['b', 'first_review_passed'],
    ]);
    expect(workflow.siteItems('portal')).toEqual([]);
    expect(workflow.reviewQueue(await actor('li')).map((i) => i.resourceId)).toEqual(['b']);
    expect(workflow.reviewQueue(await actor('chen'))).toEqual([]);

    // li writes a correction of b's text: the second review of b is no longer li's to take.
    await platform.execute(
      'GrantSiteRole',
      { personId: 'li', siteId: 'jinan', role: 'editor', reason: '兼任' },
      at('admin'),
    );
    await platform.execute('EditResource', { resourceId: 'b', metadata: sampleMetadata({ title: '修改' }) }, at('li'));
    await platform.execute('SubmitResource', { resourceId: 'b' }, at('li'));
    await platform.execute('PassFirstReview', { resourceId: 'b' }, at('zhao'));
    await settle();
    expect(workflow.item('b')).toMatchObject({ status: 'first_review_passed', title: '修改', writers: ['wang', 'li'] });
    expect(workflow.reviewQueue(await actor('li')).map((i) => i.resourceId)).toEqual([]);
  });

  it('follows a resource to publication, and a correction back into review', async () => {
    const { platform } = f;
    await platform.execute(
      'DraftResource',
      { resourceId: 'a', siteId: 'jinan', metadata: sampleMetadata() },
      at('wang'),
    );
    await platform.execute('SubmitResource', { resourceId: 'a' }, at('wang'));
    await platform.execute('PassFirstReview', { resourceId: 'a' }, at('zhao'));
    await platform.execute('PassSecondReview', { resourceId: 'a' }, at('li'));
    await settle();
    expect(workflow.reviewQueue(await actor('chen')).map((i) => [i.resourceId, i.status])).toEqual([
      ['a', 'second_review_passed'],
    ]);
    await platform.execute('PassFinalReview', { resourceId: 'a' }, at('chen'));
    await platform.execute('PublishResource', { resourceId: 'a', columnIds: ['notices'] }, at('chen'));
    await platform.execute(
      'CorrectResource',
      { resourceId: 'a', metadata: sampleMetadata({ title: '更正' }), reason: '错字' },
      at('zhao'),
    );
    await settle();
    expect(workflow.item('a')).toMatchObject({ status: 'draft', version: 2, title: '更正' });
    expect(workflow.item('a')!.state.published).toMatchObject({ version: 1 });
  });
});

describe('read model files', () => {
  it('a file of another table layout is started afresh (the projection rebuilds it), never half-read', async () => {
    const { openReadModelDatabase } = await import('../../projections/sqlite/sqlite-generations.js');
    const dir = tempDir('read-model-file');
    // a file from before layout versions (user_version 0) with tables in it
    const Database = (await import('better-sqlite3')).default;
    const legacy = new Database(`${dir.path}/legacy.sqlite`);
    legacy.exec('CREATE TABLE old_layout (x INTEGER)');
    legacy.close();
    const upgraded = openReadModelDatabase(`${dir.path}/legacy.sqlite`, 1);
    expect(upgraded.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'old_layout'").pluck().get()).toBe(0);
    upgraded.close();
    const first = openReadModelDatabase(`${dir.path}/model.sqlite`, 1);
    first.exec('CREATE TABLE old_layout (x INTEGER)');
    first.close();
    const same = openReadModelDatabase(`${dir.path}/model.sqlite`, 1);
    expect(same.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'old_layout'").pluck().get()).toBe(1);
    same.close();
    const next = openReadModelDatabase(`${dir.path}/model.sqlite`, 2);
    expect(next.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'old_layout'").pluck().get()).toBe(0);
    expect(next.pragma('user_version', { simple: true })).toBe(2);
    next.close();
    dir.remove();
  });
});
