import { describe, expect, it } from 'vitest';
import { type ResourceCommand, type ResourceEvent, resourceDecider } from '../../domain/resource/resource.js';
import { type SiteCommand, type SiteEvent, siteDecider, UNIFIED_CHANNELS } from '../../domain/site/site.js';
import { actor, deciderSpec } from '../support/decider-spec.js';
import { sampleMetadata } from '../support/fixtures.js';

const site = deciderSpec(siteDecider);
const resource = deciderSpec(resourceDecider);

const portalAdmin = actor('webmaster', { sites: { portal: ['site_admin'] } });
const jinanAdmin = actor('jinan-admin', { sites: { jinan: ['site_admin'] } });
const jinanEditor = actor('wang', { sites: { jinan: ['editor'] } });
const eduEditor = actor('qin', { sites: { edu: ['editor'] } });
const portalEditor = actor('qian', { sites: { portal: ['editor'] } });
const portalReviewer = actor('li', { sites: { portal: ['reviewer'] } });

const opened = (siteId: string, kind: 'city_portal' | 'county_portal' | 'department'): SiteEvent => ({
  type: 'SiteOpened',
  data: {
    siteId,
    kind,
    hostUnit: { name: '六安市人民政府办公室', code: '11341500003089416J' },
    name: siteId,
    domains: { english: 'www.luan.gov.cn', chinese: '六安市人民政府办公室.政务' },
    approvedBy: 'director',
    reason: '开设',
  },
});
const portal: SiteEvent[] = [
  opened('portal', 'city_portal'),
  ...UNIFIED_CHANNELS.map((c) => ({ type: 'ChannelAdded' as const, data: { siteId: 'portal', ...c } })),
  {
    type: 'ColumnAdded',
    data: {
      siteId: 'portal',
      channelId: 'news',
      columnId: 'county-news',
      name: '县区动态',
      path: '/news/county',
      updateCycle: 'news',
      topic: false,
    },
  },
];
const granted: SiteEvent = {
  type: 'ColumnCoBuildingGranted',
  data: { siteId: 'portal', partnerSiteId: 'jinan', columnIds: ['county-news'], reason: '县区动态共建' },
};
const siteCmd = (
  type: SiteCommand['type'],
  who: SiteCommand['actor'],
  data: Record<string, unknown>,
  partnerStatus: 'online' | 'closed' | null = 'online',
): SiteCommand =>
  ({ type, data: { siteId: 'portal', ...data }, actor: who, context: { partner: { status: partnerStatus } } }) as never;

const grant = (who = portalAdmin, columnIds = ['county-news'], partnerStatus: 'online' | 'closed' | null = 'online') =>
  siteCmd('GrantColumnCoBuilding', who, { partnerSiteId: 'jinan', columnIds, reason: '县区动态共建' }, partnerStatus);

const context = (coBuilding: Array<[string, string[]]>) => ({
  site: {
    status: 'online' as const,
    kind: 'city_portal' as const,
    activeColumns: new Set(['county-news']),
    coBuilding: new Map(coBuilding.map(([s, c]) => [s, new Set(c)])),
  },
  occurredAt: '2026-11-26T10:00:00+08:00',
  indexNumber: '11341500003089416J/2026-00001',
});
const resourceCmd = (
  type: ResourceCommand['type'],
  who: ResourceCommand['actor'],
  data: Record<string, unknown> = {},
  ctx = context([['jinan', ['county-news']]]),
): ResourceCommand => ({ type, data: { resourceId: 'r1', ...data }, actor: who, context: ctx }) as never;
const contributor = { siteId: 'jinan', columnId: 'county-news' };
const drafted: ResourceEvent = {
  type: 'ResourceDrafted',
  data: {
    resourceId: 'r1',
    siteId: 'portal',
    version: 1,
    metadata: sampleMetadata() as never,
    authorId: 'wang',
    contributor,
  },
};

describe('R-PUSH-4: column co-building', () => {
  it('R-PUSH-4: the portal grants a sub-site submit rights on chosen columns', () => {
    site(portal).when(grant()).then([granted]);
  });

  it('R-PUSH-4: only the portal’s administrator (or a platform administrator) grants, on its active columns, to an open site', () => {
    site(portal).when(grant(jinanAdmin)).thenRefuses('FORBIDDEN');
    site(portal)
      .when(grant(portalAdmin, ['no-such-column']))
      .thenRefuses('UNKNOWN_COLUMN', 'R-PUSH-4');
    site(portal)
      .when(grant(portalAdmin, ['county-news'], 'closed'))
      .thenRefuses('INVALID_PARTNER_SITE', 'R-PUSH-4');
    site(portal)
      .when(grant(portalAdmin, ['county-news'], null))
      .thenRefuses('INVALID_PARTNER_SITE', 'R-PUSH-4');
  });

  it('R-PUSH-4: a department site has no portal columns to open', () => {
    site([opened('edu', 'department')])
      .when(
        siteCmd('GrantColumnCoBuilding', actor('a', { platform: ['platform_admin'] }), {
          siteId: 'edu',
          partnerSiteId: 'jinan',
          columnIds: ['x'],
          reason: '共建',
        }),
      )
      .thenRefuses('NOT_A_PORTAL', 'R-PUSH-4');
  });

  it('R-PUSH-4: granting twice changes nothing; a revocation takes back what was granted', () => {
    site([...portal, granted])
      .when(grant())
      .then([]);
    site([...portal, granted])
      .when(
        siteCmd('RevokeColumnCoBuilding', portalAdmin, {
          partnerSiteId: 'jinan',
          columnIds: ['county-news'],
          reason: '调整',
        }),
      )
      .then([
        {
          type: 'ColumnCoBuildingRevoked',
          data: { siteId: 'portal', partnerSiteId: 'jinan', columnIds: ['county-news'], reason: '调整' },
        },
      ]);
  });

  it('R-PUSH-4: the partner’s editor drafts into the co-built portal column', () => {
    resource([])
      .when(resourceCmd('DraftResource', jinanEditor, { siteId: 'portal', metadata: sampleMetadata(), contributor }))
      .then((events) =>
        expect(events[0]).toMatchObject({ type: 'ResourceDrafted', data: { siteId: 'portal', contributor } }),
      );
  });

  it('R-PUSH-4: without the grant (or after its revocation) the partner’s editor cannot draft or submit there', () => {
    resource([])
      .when(
        resourceCmd(
          'DraftResource',
          jinanEditor,
          { siteId: 'portal', metadata: sampleMetadata(), contributor },
          context([]),
        ),
      )
      .thenRefuses('CO_BUILDING_NOT_GRANTED', 'R-PUSH-4');
    resource([drafted])
      .when(resourceCmd('SubmitResource', jinanEditor, {}, context([])))
      .thenRefuses('CO_BUILDING_NOT_GRANTED');
    resource([])
      .when(resourceCmd('DraftResource', eduEditor, { siteId: 'portal', metadata: sampleMetadata(), contributor }))
      .thenRefuses('FORBIDDEN');
  });

  it('R-PUSH-4: what the sub-site submits still goes through the portal’s own three-level review', () => {
    const submitted: ResourceEvent = { type: 'ResourceSubmitted', data: { resourceId: 'r1', version: 1, by: 'wang' } };
    resource([drafted]).when(resourceCmd('SubmitResource', jinanEditor)).then([submitted]);
    // The partner's editor is no portal editor: the first review is the portal's.
    resource([drafted, submitted]).when(resourceCmd('PassFirstReview', jinanEditor)).thenRefuses('FORBIDDEN');
    resource([drafted, submitted])
      .when(resourceCmd('PassFirstReview', portalEditor))
      .then((events) => expect(events[0]?.type).toBe('FirstReviewPassed'));
    const first: ResourceEvent = { type: 'FirstReviewPassed', data: { resourceId: 'r1', version: 1, by: 'qian' } };
    resource([drafted, submitted, first])
      .when(resourceCmd('PassSecondReview', portalReviewer))
      .then((events) => expect(events[0]?.type).toBe('SecondReviewPassed'));
  });

  it('R-PUSH-4: published, it is placed in the co-built column unless the portal names others', () => {
    const steps: ResourceEvent[] = [
      drafted,
      { type: 'ResourceSubmitted', data: { resourceId: 'r1', version: 1, by: 'wang' } },
      { type: 'FirstReviewPassed', data: { resourceId: 'r1', version: 1, by: 'qian' } },
      { type: 'SecondReviewPassed', data: { resourceId: 'r1', version: 1, by: 'li' } },
      { type: 'FinalReviewPassed', data: { resourceId: 'r1', version: 1, by: 'zhou' } },
    ];
    resource(steps)
      .when(resourceCmd('PublishResource', actor('zhou', { sites: { portal: ['approver'] } })))
      .then((events) =>
        expect(events[0]?.data).toMatchObject({ placements: [{ siteId: 'portal', columnId: 'county-news' }] }),
      );
  });
});
