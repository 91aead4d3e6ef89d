/**
 * R-REVIEW-5: the audit trail, built through the real command path: every review step (the receiving site's review
 * of a push included), publication, correction, withdrawal and archiving, role grants and revocations, an API key
 * made, writing and revoked, site lifecycle and a projection skip, each one entry with who, role, site, resource,
 * when, why, correlation, position and its leaf in the audit tree; queried by actor, site, resource, kind and time in
 * stable pages; exported as CSV through a slow destination without piling up.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditTree } from '../../projections/audit-log/audit-tree.js';
import { writeAuditTrailCsv } from '../../projections/audit-trail/audit-trail-csv.js';
import { type AuditTrailReadModel, openAuditTrail } from '../../projections/audit-trail/audit-trail-read-model.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { CountingProjection } from '../support/counting-projection.js';
import { newEvent } from '../support/events.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, type PlatformFixture, staffedPlatform } from '../support/platform-fixture.js';
import { tempDir } from '../support/temp-dir.js';

describe('R-REVIEW-5 audit trail', () => {
  let f: PlatformFixture;
  let dir: ReturnType<typeof tempDir>;
  let trail: AuditTrailReadModel;
  let runner: ProjectionRunner;
  const settle = async () => runner.waitFor((await f.store.headPosition())!);

  beforeAll(async () => {
    f = await staffedPlatform();
    dir = tempDir('audit-trail');
    trail = openAuditTrail(dir.path);
    runner = new ProjectionRunner(f.store, trail.projection());
    await runner.start();
    const { platform } = f;
    const r = (type: string, data: Record<string, unknown>, who: string) =>
      platform.execute(type as 'SubmitResource', data as never, at(who));
    await r('DraftResource', { resourceId: 'r1', siteId: 'jinan', metadata: sampleMetadata() }, 'wang');
    await r('SubmitResource', { resourceId: 'r1' }, 'wang');
    await r('PassFirstReview', { resourceId: 'r1' }, 'zhao');
    await r('PassSecondReview', { resourceId: 'r1', comment: '内容准确' }, 'li');
    await r('PassFinalReview', { resourceId: 'r1' }, 'chen');
    await r('PublishResource', { resourceId: 'r1', columnIds: ['notices'] }, 'chen');
    await r(
      'DraftResource',
      { resourceId: 'r2', siteId: 'jinan', metadata: sampleMetadata({ title: '草稿' }) },
      'wang',
    );
    await r('SubmitResource', { resourceId: 'r2' }, 'wang');
    await r('RejectResource', { resourceId: 'r2', reason: '依据不足' }, 'zhao');
    // A department site that receives a push and reviews it.
    await platform.execute(
      'OpenSite',
      {
        siteId: 'edu',
        kind: 'department',
        hostUnit: { name: '六安市教育体育局', code: '11341500003089432X' },
        name: '六安市教育体育局',
        domains: { english: 'jytyj.luan.gov.cn', chinese: '六安市教育体育局.政务' },
        approvedBy: 'admin',
        reason: '开设',
      },
      at('admin'),
    );
    await platform.execute(
      'AddColumn',
      {
        siteId: 'edu',
        channelId: 'disclosure',
        columnId: 'news',
        name: '教育动态',
        path: '/news',
        updateCycle: 'news',
      },
      at('admin'),
    );
    for (const [personId, role] of [
      ['edu-li', 'reviewer'],
      ['edu-chen', 'approver'],
    ] as const) {
      await platform.execute('RegisterPerson', { personId, name: personId }, at('admin'));
      await platform.execute('GrantSiteRole', { personId, siteId: 'edu', role, reason: '岗位职责' }, at('admin'));
    }
    await platform.execute(
      'PushResource',
      { pushId: 'p1', resourceId: 'r1', targets: [{ siteId: 'edu' }] },
      at('chen'),
    );
    await platform.execute('PassPushSecondReview', { pushId: 'p1', siteId: 'edu', comment: '同意转载' }, at('edu-li'));
    await platform.execute('PassPushFinalReview', { pushId: 'p1', siteId: 'edu' }, at('edu-chen'));
    await platform.execute('AcceptPush', { pushId: 'p1', siteId: 'edu', columnId: 'news' }, at('edu-chen'));
    await r(
      'CorrectResource',
      { resourceId: 'r1', metadata: sampleMetadata({ title: '更正' }), reason: '=标题错误' },
      'zhao',
    );
    await r('WithdrawResource', { resourceId: 'r1', reason: '政策废止' }, 'chen');
    await r('ArchiveResource', { resourceId: 'r1', reason: '归档' }, 'chen');
    await platform.execute(
      'RevokeSiteRole',
      { personId: 'zhao', siteId: 'jinan', role: 'editor', reason: '调离岗位' },
      at('admin'),
    );
    const secretHash = 'a'.repeat(64);
    await platform.execute(
      'CreateApiKey',
      { keyId: 'cms', siteId: 'jinan', name: '投稿', secretHash, mayDraft: true },
      at('webmaster'),
    );
    await r(
      'DraftResource',
      { resourceId: 'r3', siteId: 'jinan', metadata: sampleMetadata({ title: '机器投稿' }) },
      'apikey:cms',
    );
    await platform.execute('RevokeApiKey', { keyId: 'cms', reason: '停用' }, at('webmaster'));
    // An operator skips an event another projection could not take.
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    await f.store.append('counted-1', [newEvent('Counted', { poison: true })], { expectedRevision: 'any' });
    const failing = new ProjectionRunner(f.store, counting.projection());
    await expect(failing.start()).rejects.toThrow();
    await failing.skipFailedEvent('数据已人工核对', {
      actorId: 'admin',
      actorRole: 'platform_admin',
      occurredAt: '2026-11-28T01:00:00Z',
    });
    await failing.stop();
    counting.db.close();
    await settle();
  });
  afterAll(async () => {
    await runner.stop();
    trail.close();
    dir.remove();
    await f.dispose();
  });

  it('holds one entry per auditable event, with who, role, site, resource, when and why', () => {
    const all = trail.query({ order: 'oldest', first: 500 }).entries;
    const line = (type: string, resourceId?: string) =>
      all.find((e) => e.eventType === type && (resourceId === undefined || e.resourceId === resourceId));
    expect(line('SecondReviewPassed', 'r1')).toMatchObject({
      kind: 'review',
      actorId: 'li',
      actorRole: 'reviewer',
      siteId: 'jinan',
      resourceId: 'r1',
      subject: 'resource:r1',
      reason: '内容准确',
    });
    expect(line('ResourceRejected')).toMatchObject({
      kind: 'review',
      actorId: 'zhao',
      reason: '依据不足',
      resourceId: 'r2',
    });
    expect(line('PushSecondReviewPassed')).toMatchObject({
      kind: 'review',
      actorId: 'edu-li',
      siteId: 'edu',
      subject: 'push:p1/edu',
    });
    expect(line('PushAccepted')).toMatchObject({ kind: 'review', actorId: 'edu-chen', siteId: 'edu' });
    expect(line('ResourcePublished')).toMatchObject({ kind: 'publication', actorId: 'chen' });
    expect(line('ResourceCorrectionStarted')).toMatchObject({ kind: 'correction', reason: '=标题错误' });
    expect(line('ResourceWithdrawn')).toMatchObject({ kind: 'withdrawal', reason: '政策废止' });
    expect(line('ResourceArchived')).toMatchObject({ kind: 'archiving', reason: '归档' });
    expect(line('SiteRoleRevoked')).toMatchObject({
      kind: 'role_revocation',
      actorId: 'admin',
      subject: 'person:zhao',
      reason: '调离岗位',
    });
    expect(line('ApiKeyCreated')).toMatchObject({
      kind: 'api_key_created',
      actorId: 'webmaster',
      subject: 'apikey:cms',
    });
    expect(line('ResourceDrafted', 'r3')).toMatchObject({
      kind: 'api_key_write',
      actorId: 'apikey:cms',
      apiKeyId: 'cms',
    });
    expect(line('ApiKeyRevoked')).toMatchObject({ kind: 'api_key_revoked', reason: '停用' });
    expect(line('SiteOpened')).toMatchObject({ kind: 'site_lifecycle' });
    expect(line('ProjectionEventSkipped')).toMatchObject({
      kind: 'projection_skip',
      actorId: 'admin',
      reason: '数据已人工核对',
    });
    // Who wrote a version is an auditor's line (R-REVIEW-2 holds the reviewers apart from them); a machine's draft is
    // followed as a key's write.
    expect(line('ResourceDrafted', 'r1')).toMatchObject({ kind: 'writing', actorId: 'wang', actorRole: 'editor' });
    expect(all.every((e) => e.correlationId && e.occurredAt.endsWith('Z'))).toBe(true);
  });

  it("numbers entries by their leaf in the audit tree: the trail's leaf index is the tree's", async () => {
    const treeDir = tempDir('audit-trail-tree');
    const tree = openAuditTree(treeDir.path, 'sha256');
    const treeRunner = new ProjectionRunner(f.store, tree.projection());
    await treeRunner.start();
    await treeRunner.waitFor((await f.store.headPosition())!);
    for (const entry of trail.query({ first: 500 }).entries)
      expect(tree.leafIndexOf(entry.position)).toBe(entry.leafIndex);
    await treeRunner.stop();
    tree.close();
    treeDir.remove();
  });

  it('is queried by actor, site, resource, kind and time, in pages that arrivals do not shift', async () => {
    expect(
      trail.query({ actorId: 'chen', kinds: ['withdrawal', 'archiving'] }).entries.map((e) => e.eventType),
    ).toEqual(['ResourceArchived', 'ResourceWithdrawn']);
    expect(new Set(trail.query({ siteId: 'edu', first: 500 }).entries.map((e) => e.siteId))).toEqual(new Set(['edu']));
    const r1 = trail.query({ resourceId: 'r1', kinds: ['review'], order: 'oldest' }).entries.map((e) => e.eventType);
    // The receiving site's review of the push shows under the resource too.
    expect(r1).toEqual([
      'ResourceSubmitted',
      'FirstReviewPassed',
      'SecondReviewPassed',
      'FinalReviewPassed',
      'PushSecondReviewPassed',
      'PushFinalReviewPassed',
      'PushAccepted',
    ]);
    expect(trail.query({ kinds: ['api_key_write'] }).entries.map((e) => e.eventType)).toEqual(['ResourceDrafted']);
    const all = trail.query({ order: 'oldest', first: 500 }).entries;
    const middle = all[Math.floor(all.length / 2)]!.occurredAt;
    expect(trail.count({ from: middle }) + trail.count({ to: middle })).toBe(all.length);

    const page1 = trail.query({ first: 3 });
    await f.platform.execute(
      'GrantSiteRole',
      { personId: 'zhao', siteId: 'jinan', role: 'editor', reason: '回岗' },
      at('admin'),
    );
    await settle();
    const page2 = trail.query({ first: 3, after: page1.endCursor! });
    expect(page2.entries[0]!.position).toBeLessThan(page1.entries[2]!.position);
    expect(trail.query({ first: 1 }).entries[0]).toMatchObject({ eventType: 'SiteRoleGranted', kind: 'role_grant' });
    expect(() => trail.query({ after: 'nope' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => trail.query({ kinds: ['gossip' as 'review'] })).toThrow(/unknown kind gossip/);
    expect(() => trail.query({ from: 'yesterday' })).toThrow(/from: not an ISO 8601/);
  });

  it('exports CSV streamed through a slow destination: every entry, quoted, formulas defused, never all in memory', async () => {
    // Enough entries for several pages.
    for (let i = 0; i < 1200; i++) {
      await f.store.append(
        `projection-load${i % 3}`,
        [
          newEvent(
            'ProjectionEventSkipped',
            { projection: 'load', reason: `原因,"${i}"` },
            { metadata: { ...newEvent('x').metadata, actorId: `op-${i % 5}` } },
          ),
        ],
        { expectedRevision: 'any' },
      );
    }
    await settle();
    const chunks: string[] = [];
    let peak = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        peak = Math.max(peak, this.writableLength);
        setTimeout(done, 1);
      },
    });
    const total = trail.count();
    const written = await writeAuditTrailCsv(trail, {}, slow);
    expect(written).toBe(total);
    const csv = chunks.join('');
    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(
      '\uFEFFoccurred_at,kind,event_type,actor_id,actor_role,api_key_id,site_id,resource_id,subject,reason,correlation_id,causation_id,event_id,stream,position,leaf_index,recorded_at,details',
    );
    expect(lines).toHaveLength(total + 1);
    expect(csv).toContain(`"原因,""1199"""`);
    expect(csv).toContain(",'=标题错误,");
    // One page (500 rows of a few hundred bytes) at most waits in the destination's buffer.
    expect(peak).toBeLessThan(500 * 1024);
    expect(csv.length).toBeGreaterThan(peak * 2);
  });
});
