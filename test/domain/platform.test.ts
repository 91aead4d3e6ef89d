/**
 * The write side through the real command path on a real embedded store: rules that span streams (uniqueness,
 * index numbers, the actor read at the time of the command) and what ends up in the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/shared/domain-error.js';
import { sampleMetadata } from '../support/fixtures.js';
import {
  at,
  CITY_PORTAL,
  COUNTY_SITE,
  emptyPlatform,
  type PlatformFixture,
  SYSTEM,
  staffedPlatform,
} from '../support/platform-fixture.js';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('platform write side', () => {
  let f: PlatformFixture;
  afterEach(async () => f.dispose());

  describe('with staff', () => {
    beforeEach(async () => {
      f = await staffedPlatform();
    });

    async function publish(resourceId: string, meta = sampleMetadata()) {
      const { platform } = f;
      await platform.execute('DraftResource', { resourceId, siteId: 'jinan', metadata: meta }, at('wang'));
      await platform.execute('SubmitResource', { resourceId }, at('wang'));
      await platform.execute('PassFirstReview', { resourceId }, at('zhao'));
      await platform.execute('PassSecondReview', { resourceId }, at('li'));
      await platform.execute('PassFinalReview', { resourceId }, at('chen'));
      return platform.execute('PublishResource', { resourceId, columnIds: ['notices'] }, at('chen'));
    }

    it('R-REVIEW-5: the whole workflow leaves events recording who, in which role, when and why', async () => {
      const result = await publish('r1');
      expect(result.state.indexNumber).toBe('11341500003089416J/2026-00001');
      const events = await f.store.readStream('resource-r1');
      expect(events.map((e) => [e.type, e.metadata.actorId, e.metadata.actorRole, e.metadata.siteId])).toEqual([
        ['ResourceDrafted', 'wang', 'editor', 'jinan'],
        ['ResourceSubmitted', 'wang', 'editor', 'jinan'],
        ['FirstReviewPassed', 'zhao', 'editor', 'jinan'],
        ['SecondReviewPassed', 'li', 'reviewer', 'jinan'],
        ['FinalReviewPassed', 'chen', 'approver', 'jinan'],
        ['ResourcePublished', 'chen', 'approver', 'jinan'],
      ]);
      for (const event of events) expect(Date.parse(event.metadata.occurredAt)).toBeGreaterThan(0);
      await f.platform.execute('RejectResource', { resourceId: 'r1', reason: 'x' }, at('li')).catch(() => {});
      await f.platform.execute(
        'CorrectResource',
        { resourceId: 'r1', metadata: sampleMetadata({ title: '更正' }), reason: '标题错误' },
        at('zhao'),
      );
      await f.platform.execute('SubmitResource', { resourceId: 'r1' }, at('zhao'));
      await f.platform.execute('RejectResource', { resourceId: 'r1', reason: '更正依据不足' }, at('wang'));
      const [rejected] = await f.store.readStream('resource-r1', { direction: 'backwards', maxCount: 1 });
      expect(rejected).toMatchObject({
        type: 'ResourceRejected',
        data: { reason: '更正依据不足', by: 'wang' },
        metadata: { actorId: 'wang', actorRole: 'editor' },
      });
    });

    it('index numbers follow the publisher’s yearly sequence and are never reused, even under concurrency', async () => {
      const ids = Array.from({ length: 6 }, (_, i) => `c${i}`);
      const results = await Promise.all(ids.map((id) => publish(id)));
      const numbers = results.map((r) => r.state.indexNumber).sort();
      expect(numbers).toEqual(ids.map((_, i) => `11341500003089416J/2026-0000${i + 1}`));
    });

    it('R-PEOPLE-2: a revocation takes effect on the very next command', async () => {
      await f.platform.execute(
        'DraftResource',
        { resourceId: 'r2', siteId: 'jinan', metadata: sampleMetadata() },
        at('wang'),
      );
      await f.platform.execute(
        'RevokeSiteRole',
        { personId: 'wang', siteId: 'jinan', role: 'editor', reason: '调离' },
        at('webmaster'),
      );
      const error = await refusal(f.platform.execute('SubmitResource', { resourceId: 'r2' }, at('wang')));
      expect(error.code).toBe('ROLE_REVOKED');
      expect(await f.store.streamRevision('resource-r2')).toBe(0);
    });

    it('R-REVIEW-2: the same person cannot do two of the three steps, through the real command path', async () => {
      await f.platform.execute(
        'GrantSiteRole',
        { personId: 'li', siteId: 'jinan', role: 'approver', reason: '兼任' },
        at('admin'),
      );
      await f.platform.execute(
        'DraftResource',
        { resourceId: 'r3', siteId: 'jinan', metadata: sampleMetadata() },
        at('wang'),
      );
      await f.platform.execute('SubmitResource', { resourceId: 'r3' }, at('wang'));
      await f.platform.execute('PassFirstReview', { resourceId: 'r3' }, at('wang'));
      await f.platform.execute('PassSecondReview', { resourceId: 'r3' }, at('li'));
      expect((await refusal(f.platform.execute('PassFinalReview', { resourceId: 'r3' }, at('li')))).code).toBe(
        'SELF_REVIEW_FORBIDDEN',
      );
    });

    it('bad input gets a typed error with field details and writes nothing', async () => {
      const head = await f.store.headPosition();
      const error = await refusal(
        f.platform.execute(
          'DraftResource',
          { resourceId: 'has space', siteId: '', metadata: null as never },
          at('wang'),
        ),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect([...new Set(error.details.map((d) => d.path))].sort()).toEqual(['metadata', 'resourceId', 'siteId']);
      expect(
        (await refusal(f.platform.execute('RejectResource', { resourceId: 'r1', reason: '  ' }, at('li')))).code,
      ).toBe('BAD_USER_INPUT');
      expect(
        (
          await refusal(
            f.platform.execute(
              'TakeSiteOffline',
              { siteId: 'jinan', from: '2026-02-30', until: 'x', approvedBy: 'd', reason: 'r' },
              at('admin'),
            ),
          )
        ).code,
      ).toBe('BAD_USER_INPUT');
      expect(await f.store.headPosition()).toBe(head);
    });

    it('an unknown person cannot act', async () => {
      expect(
        (
          await refusal(
            f.platform.execute(
              'DraftResource',
              { resourceId: 'r4', siteId: 'jinan', metadata: sampleMetadata() },
              at('nobody'),
            ),
          )
        ).code,
      ).toBe('NOT_FOUND');
    });

    it('API keys: no person takes a key’s actor id; a read-only key, or a key asking for a review step, is refused', async () => {
      expect(
        (await refusal(f.platform.execute('RegisterPerson', { personId: 'apikey:0123', name: '冒名' }, at('admin'))))
          .code,
      ).toBe('BAD_USER_INPUT');
      const secretHash = 'a'.repeat(64);
      await f.platform.execute(
        'CreateApiKey',
        { keyId: 'k-read', siteId: 'jinan', name: '只读', secretHash },
        at('admin'),
      );
      await f.platform.execute(
        'CreateApiKey',
        { keyId: 'k-draft', siteId: 'jinan', name: '投稿', secretHash, mayDraft: true },
        at('admin'),
      );
      const draft = (keyId: string, resourceId: string) =>
        f.platform.execute(
          'DraftResource',
          { resourceId, siteId: 'jinan', metadata: sampleMetadata() },
          at(`apikey:${keyId}`),
        );
      expect((await refusal(draft('k-read', 'r-key-1'))).code).toBe('FORBIDDEN');
      const drafted = await draft('k-draft', 'r-key-2');
      expect(drafted.state.working?.writers).toEqual(['apikey:k-draft']);
      await f.platform.execute('SubmitResource', { resourceId: 'r-key-2' }, at('apikey:k-draft'));
      expect(
        (await refusal(f.platform.execute('PassFirstReview', { resourceId: 'r-key-2' }, at('apikey:k-draft')))).code,
      ).toBe('FORBIDDEN');
    });
  });

  describe('uniqueness across streams', () => {
    beforeEach(async () => {
      f = await emptyPlatform();
      await f.platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
      await f.platform.execute(
        'GrantPlatformRole',
        { personId: 'admin', role: 'platform_admin', reason: '初始化' },
        SYSTEM,
      );
    });

    it('R-SITE-1: a host unit runs at most one site, even when two sites are opened at once', async () => {
      // The same organisation code under another name (a renamed unit), so no domain is shared: only R-SITE-1 can refuse.
      const renamed = (siteId: string, name: string, english: string) => ({
        ...COUNTY_SITE,
        siteId,
        hostUnit: { name, code: COUNTY_SITE.hostUnit.code },
        domains: { english, chinese: `${name}.政务` },
      });
      const results = await Promise.allSettled([
        f.platform.execute('OpenSite', COUNTY_SITE, at('admin')),
        f.platform.execute('OpenSite', renamed('jinan2', '金安区人民政府', 'www.jinan.gov.cn'), at('admin')),
        f.platform.execute('OpenSite', renamed('jinan3', '金安区政府', 'www.jinanqu.gov.cn'), at('admin')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect((r.reason as DomainError).code).toBe('HOST_UNIT_HAS_SITE');
      const opened = await Promise.all(['jinan', 'jinan2', 'jinan3'].map((id) => f.platform.reader.site(id)));
      expect(opened.filter((s) => s.exists)).toHaveLength(1);
    });

    it('R-SITE-2: there is exactly one city portal, even when two are opened at once', async () => {
      const other = {
        ...CITY_PORTAL,
        siteId: 'portal2',
        hostUnit: { name: '六安市数据资源局', code: '113415000030894168' },
        domains: { english: 'www.luan.gov.cn', chinese: '六安市数据资源局.政务' },
      };
      const results = await Promise.allSettled([
        f.platform.execute('OpenSite', CITY_PORTAL, at('admin')),
        f.platform.execute('OpenSite', other, at('admin')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as DomainError).code).toBe('CITY_PORTAL_EXISTS');
      expect((await refusal(f.platform.execute('OpenSite', { ...other, siteId: 'portal3' }, at('admin')))).code).toBe(
        'CITY_PORTAL_EXISTS',
      );
    });

    it('R-SITE-7: a domain belongs to one site; a refused site leaves no claim behind; a closed site releases its domains', async () => {
      await f.platform.execute('OpenSite', COUNTY_SITE, at('admin'));
      const dept = {
        siteId: 'edu',
        kind: 'department' as const,
        hostUnit: { name: '六安市教育局', code: '113415000030893110' },
        name: '六安市教育局',
        domains: { english: 'jyj.luan.gov.cn', chinese: '六安市教育局.政务' },
        approvedBy: 'director',
        reason: '部门网站',
      };
      const thief = {
        ...dept,
        siteId: 'edu2',
        hostUnit: { name: '六安市教育体育局', code: '113415000030893129' },
        domains: { english: 'www.ja.gov.cn', chinese: '六安市教育体育局.政务' },
      };
      expect(
        (await refusal(f.platform.execute('OpenSite', { ...thief, kind: 'county_portal' }, at('admin')))).code,
      ).toBe('DOMAIN_TAKEN');
      // the refused attempt did not keep the host unit: it can open a site with its own domain
      await f.platform.execute(
        'OpenSite',
        { ...thief, domains: { english: 'jtj.luan.gov.cn', chinese: thief.domains.chinese } },
        at('admin'),
      );

      await f.platform.execute('OpenSite', dept, at('admin'));
      await f.platform.execute('CloseSite', { siteId: 'edu', approvedBy: 'director', reason: '机构改革' }, at('admin'));
      const reuse = { ...dept, siteId: 'edu3', hostUnit: { name: '六安市教育局', code: '113415000030893110' } };
      await f.platform.execute('OpenSite', reuse, at('admin'));
      expect((await f.platform.reader.site('edu3')).domains.english).toBe('jyj.luan.gov.cn');
    });

    it('R-SITE-3: a site cannot be opened without an approver and a reason', async () => {
      const { approvedBy: _, ...unapproved } = COUNTY_SITE;
      // Deliberately ill-typed: the schema, not the compiler, must refuse it here.
      const error = await refusal(f.platform.execute('OpenSite', { ...unapproved, reason: '' } as never, at('admin')));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details.map((d) => d.path).sort()).toEqual(['approvedBy', 'reason']);
    });
  });
});

describe('platform reference data', () => {
  let f: PlatformFixture;
  beforeEach(async () => {
    f = await staffedPlatform();
  });
  afterEach(async () => f.dispose());

  it('R-LIB-2: a subject an administrator added to the taxonomy becomes valid metadata; others stay refused', async () => {
    const metadata = sampleMetadata({ subject: '综合政务/政府网站集约化' });
    const before = await refusal(
      f.platform.execute('DraftResource', { resourceId: 'r1', siteId: 'jinan', metadata }, at('wang')),
    );
    expect(before.code).toBe('INVALID_METADATA');
    expect(before.details.map((d) => d.path)).toEqual(['metadata.subject']);
    expect(
      (
        await refusal(
          f.platform.execute('AddSubject', { top: '综合政务', second: '政府网站集约化', reason: '新增' }, at('wang')),
        )
      ).code,
    ).toBe('FORBIDDEN');
    await f.platform.execute(
      'AddSubject',
      { top: '综合政务', second: '政府网站集约化', reason: '集约化平台建设需要' },
      at('admin'),
    );
    await f.platform.execute('DraftResource', { resourceId: 'r1', siteId: 'jinan', metadata }, at('wang'));
    expect((await f.platform.reader.resource('r1')).working?.metadata.subject).toBe('综合政务/政府网站集约化');
    expect(
      (await refusal(f.platform.execute('AddSubject', { top: '不存在', second: 'x', reason: 'r' }, at('admin')))).code,
    ).toBe('UNKNOWN_SUBJECT');
  });

  it('R-SUP-2: a deadline in a year no calendar covers is an error until an administrator records that year', async () => {
    const before = await f.platform.reader.workingCalendar();
    expect(() => before.addWorkingDays('2027-01-04', 5)).toThrow(
      expect.objectContaining({ code: 'CALENDAR_YEAR_NOT_COVERED' }),
    );
    const arrangement = {
      year: 2027,
      holidays: [
        '2027-01-01',
        '2027-02-06',
        '2027-02-07',
        '2027-02-08',
        '2027-02-09',
        '2027-02-10',
        '2027-02-11',
        '2027-02-12',
      ],
      adjustedWorkdays: ['2027-02-14'],
      reason: '国务院办公厅关于2027年部分节假日安排的通知',
    };
    expect((await refusal(f.platform.execute('RecordCalendarYear', arrangement, at('chen')))).code).toBe('FORBIDDEN');
    await f.platform.execute('RecordCalendarYear', arrangement, at('admin'));
    const after = await f.platform.reader.workingCalendar();
    expect(after.addWorkingDays('2027-01-04', 5)).toBe('2027-01-11');
    expect(after.isWorkingDay('2027-02-08')).toBe(false);
    expect(after.isWorkingDay('2027-02-14')).toBe(true);
  });
});
