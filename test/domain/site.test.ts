import { describe, expect, it } from 'vitest';
import { type SiteEvent, siteAdvisories, siteDecider, UNIFIED_CHANNELS } from '../../domain/site/site.js';
import { actor, deciderSpec } from '../support/decider-spec.js';

const given = deciderSpec(siteDecider);
const admin = actor('admin', { platform: ['platform_admin'] });
const siteAdmin = actor('webmaster', { sites: { jinan: ['site_admin'] } });
const editor = actor('editor', { sites: { jinan: ['editor'] } });

const opened: SiteEvent = {
  type: 'SiteOpened',
  data: {
    siteId: 'jinan',
    kind: 'county_portal',
    hostUnit: { name: '六安市金安区人民政府', code: '11341502003144593K' },
    name: '金安区人民政府',
    domains: { english: 'www.ja.gov.cn', chinese: '六安市金安区人民政府.政务' },
    approvedBy: 'director',
    reason: '区政府门户网站迁入集约化平台',
  },
};
const department: SiteEvent = {
  type: 'SiteOpened',
  data: {
    siteId: 'edu',
    kind: 'department',
    hostUnit: { name: '六安市教育局', code: '113415000030893110' },
    name: '六安市教育局',
    domains: { english: 'jyj.luan.gov.cn', chinese: '六安市教育局.政务' },
    approvedBy: 'director',
    reason: '部门网站迁入集约化平台',
  },
};
const channels = (siteId: string): SiteEvent[] =>
  UNIFIED_CHANNELS.map((c) => ({ type: 'ChannelAdded', data: { siteId, ...c } }));
const column = (siteId: string, columnId: string, topic = false): SiteEvent => ({
  type: 'ColumnAdded',
  data: { siteId, channelId: 'news', columnId, name: columnId, path: `/news/${columnId}`, updateCycle: 'news', topic },
});

describe('Site', () => {
  it('R-SITE-3: opening a site is an approved act that records who approved it and why, with the four unified channels', () => {
    given([])
      .when({ type: 'OpenSite', data: opened.data as never, actor: admin })
      .then([opened, ...channels('jinan')]);
  });

  it('R-SITE-3: only a platform administrator opens, changes or closes a site', () => {
    given([])
      .when({ type: 'OpenSite', data: opened.data as never, actor: siteAdmin })
      .thenRefuses('FORBIDDEN');
    given([opened])
      .when({
        type: 'ChangeSite',
        data: { siteId: 'jinan', name: '新名称', approvedBy: 'd', reason: 'r' },
        actor: siteAdmin,
      })
      .thenRefuses('FORBIDDEN');
    given([department])
      .when({ type: 'CloseSite', data: { siteId: 'edu', approvedBy: 'd', reason: 'r' }, actor: editor })
      .thenRefuses('FORBIDDEN');
  });

  it('R-SITE-3: a change records the approver, the reason and the previous domains', () => {
    given([opened])
      .when({
        type: 'ChangeSite',
        data: {
          siteId: 'jinan',
          domains: { english: 'WWW.JINAN.gov.cn', chinese: '六安市金安区人民政府.政务' },
          approvedBy: 'director',
          reason: '更换域名',
        },
        actor: admin,
      })
      .then([
        {
          type: 'SiteChanged',
          data: {
            siteId: 'jinan',
            name: undefined,
            domains: { english: 'www.jinan.gov.cn', chinese: '六安市金安区人民政府.政务' },
            previousDomains: opened.data.domains,
            approvedBy: 'director',
            reason: '更换域名',
          },
        },
      ]);
  });

  describe('R-SITE-4: temporary offline at most once a calendar year and at most 30 days', () => {
    const offline = (from: string, until: string) => ({
      type: 'TakeSiteOffline' as const,
      data: { siteId: 'jinan', from, until, approvedBy: 'director', reason: '改版' },
      actor: admin,
    });
    const taken: SiteEvent = {
      type: 'SiteTakenOffline',
      data: {
        siteId: 'jinan',
        from: '2026-03-01',
        until: '2026-03-10',
        days: 10,
        approvedBy: 'director',
        reason: '改版',
      },
    };
    const back: SiteEvent = { type: 'SiteBroughtOnline', data: { siteId: 'jinan', reason: '改版完成' } };

    it('R-SITE-4: 30 days is allowed', () => {
      given([opened])
        .when(offline('2026-03-01', '2026-03-30'))
        .then((events) => expect(events[0]).toMatchObject({ type: 'SiteTakenOffline', data: { days: 30 } }));
    });
    it('R-SITE-4: 31 days is refused', () => {
      given([opened]).when(offline('2026-03-01', '2026-03-31')).thenRefuses('OFFLINE_TOO_LONG', 'R-SITE-4');
    });
    it('R-SITE-4: a second offline in the same calendar year is refused', () => {
      given([opened, taken, back])
        .when(offline('2026-11-01', '2026-11-02'))
        .thenRefuses('OFFLINE_QUOTA_EXCEEDED', 'R-SITE-4');
    });
    it('R-SITE-4: the next calendar year has its own quota', () => {
      given([opened, taken, back])
        .when(offline('2027-01-05', '2027-01-06'))
        .then((events) => expect(events).toHaveLength(1));
    });
    it('R-SITE-4: an offline site cannot be taken offline again', () => {
      given([opened, taken]).when(offline('2027-01-05', '2027-01-06')).thenRefuses('SITE_ALREADY_OFFLINE');
    });
  });

  describe('R-SITE-5: portals never close; others close only after migrating their content', () => {
    it('R-SITE-5: a portal can never be closed permanently', () => {
      given([opened])
        .when({ type: 'CloseSite', data: { siteId: 'jinan', approvedBy: 'director', reason: '撤并' }, actor: admin })
        .thenRefuses('PORTAL_CANNOT_CLOSE', 'R-SITE-5');
    });
    it('R-SITE-5: a site with columns must migrate them before it closes', () => {
      given([department, ...channels('edu'), column('edu', 'notices')])
        .when({ type: 'CloseSite', data: { siteId: 'edu', approvedBy: 'director', reason: '机构改革' }, actor: admin })
        .thenRefuses('CONTENT_NOT_MIGRATED', 'R-SITE-5');
    });
    it('R-SITE-5: after migration the site closes and releases its domains', () => {
      const migrated: SiteEvent = {
        type: 'SiteContentMigrated',
        data: { siteId: 'edu', toSiteId: 'portal', columnIds: ['notices'], reason: '机构改革' },
      };
      given([department, ...channels('edu'), column('edu', 'notices'), migrated])
        .when({ type: 'CloseSite', data: { siteId: 'edu', approvedBy: 'director', reason: '机构改革' }, actor: admin })
        .then([
          {
            type: 'SiteClosed',
            data: {
              siteId: 'edu',
              approvedBy: 'director',
              reason: '机构改革',
              releasedDomains: department.data.domains as never,
            },
          },
        ]);
    });
    it('R-SITE-5: migration moves every active column to an open target site', () => {
      given([department, ...channels('edu'), column('edu', 'notices'), column('edu', 'old-topic', true)])
        .when({
          type: 'MigrateSiteContent',
          data: { siteId: 'edu', toSiteId: 'portal', reason: '机构改革' },
          actor: admin,
          context: { migrationTarget: { status: 'online' } },
        })
        .then([
          {
            type: 'SiteContentMigrated',
            data: { siteId: 'edu', toSiteId: 'portal', columnIds: ['notices', 'old-topic'], reason: '机构改革' },
          },
        ]);
      given([department])
        .when({
          type: 'MigrateSiteContent',
          data: { siteId: 'edu', toSiteId: 'gone', reason: 'r' },
          actor: admin,
          context: { migrationTarget: { status: null } },
        })
        .thenRefuses('INVALID_MIGRATION_TARGET', 'R-SITE-5');
      given([department])
        .when({
          type: 'MigrateSiteContent',
          data: { siteId: 'edu', toSiteId: 'edu', reason: 'r' },
          actor: admin,
          context: { migrationTarget: { status: 'online' } },
        })
        .thenRefuses('MIGRATION_TO_ITSELF', 'R-SITE-5');
    });
    it('R-SITE-5: a closed site accepts no further command', () => {
      const closed: SiteEvent = {
        type: 'SiteClosed',
        data: { siteId: 'edu', approvedBy: 'd', reason: 'r', releasedDomains: department.data.domains as never },
      };
      given([department, closed])
        .when({ type: 'AddChannel', data: { siteId: 'edu', channelId: 'x', name: 'x', path: '/x' }, actor: admin })
        .thenRefuses('SITE_CLOSED');
    });
  });

  describe('R-SITE-6: emergency outages', () => {
    const reported: SiteEvent = {
      type: 'OutageReported',
      data: {
        siteId: 'jinan',
        outageId: 'o1',
        cause: 'power_failure',
        startedAt: '2026-05-01T08:00:00+08:00',
        reason: '机房断电',
      },
    };
    it('R-SITE-6: an outage report does not count toward the yearly offline quota', () => {
      const ended: SiteEvent = {
        type: 'OutageEnded',
        data: { siteId: 'jinan', outageId: 'o1', endedAt: '2026-05-02T08:00:00+08:00', hours: 24 },
      };
      given([opened, reported, ended])
        .when({
          type: 'TakeSiteOffline',
          data: { siteId: 'jinan', from: '2026-06-01', until: '2026-06-05', approvedBy: 'd', reason: '改版' },
          actor: admin,
        })
        .then((events) => expect(events.map((e) => e.type)).toEqual(['SiteTakenOffline']));
    });
    it('R-SITE-6: the site administrator reports an outage', () => {
      given([opened])
        .when({ type: 'ReportOutage', data: reported.data as never, actor: siteAdmin })
        .then([reported]);
    });
    it('R-SITE-6: an outage longer than 72 hours cannot simply end: it must become a temporary offline', () => {
      given([opened, reported])
        .when({
          type: 'EndOutage',
          data: { siteId: 'jinan', outageId: 'o1', endedAt: '2026-05-04T08:00:01+08:00' },
          actor: siteAdmin,
        })
        .thenRefuses('OUTAGE_EXCEEDS_72_HOURS', 'R-SITE-6');
      given([opened, reported])
        .when({
          type: 'EndOutage',
          data: { siteId: 'jinan', outageId: 'o1', endedAt: '2026-05-04T08:00:00+08:00' },
          actor: siteAdmin,
        })
        .then([
          {
            type: 'OutageEnded',
            data: { siteId: 'jinan', outageId: 'o1', endedAt: '2026-05-04T08:00:00+08:00', hours: 72 },
          },
        ]);
    });
    it('R-SITE-6: converting an outage makes it a temporary offline from the day it started, counted in the quota', () => {
      given([opened, reported])
        .when({
          type: 'ConvertOutageToOffline',
          data: { siteId: 'jinan', outageId: 'o1', until: '2026-05-10', approvedBy: 'd', reason: '线路抢修' },
          actor: admin,
        })
        .then([
          { type: 'OutageConvertedToOffline', data: { siteId: 'jinan', outageId: 'o1' } },
          {
            type: 'SiteTakenOffline',
            data: {
              siteId: 'jinan',
              from: '2026-05-01',
              until: '2026-05-10',
              days: 10,
              approvedBy: 'd',
              reason: '线路抢修',
              outageId: 'o1',
            },
          },
        ]);
    });
  });

  describe('R-SITE-7: domains', () => {
    const open = (kind: string, english: string, chinese: string) => ({
      type: 'OpenSite' as const,
      data: { ...opened.data, kind, domains: { english, chinese } } as never,
      actor: admin,
    });
    it('R-SITE-7: a county portal uses www.<pinyin>.gov.cn and <organisation name>.政务', () => {
      given([])
        .when(open('county_portal', 'www.shucheng.gov.cn', '六安市金安区人民政府.政务'))
        .then((events) => expect(events[0]!.type).toBe('SiteOpened'));
      given([])
        .when(open('county_portal', 'ja.luan.gov.cn', '六安市金安区人民政府.政务'))
        .thenRefuses('INVALID_DOMAIN', 'R-SITE-7');
      given([])
        .when(open('county_portal', 'www.ja.gov.cn', '金安区.政务'))
        .thenRefuses('INVALID_DOMAIN', 'R-SITE-7');
    });
    it('R-SITE-7: a department uses <initials>.luan.gov.cn; only the city portal has www.luan.gov.cn', () => {
      given([])
        .when(open('department', 'jyj.luan.gov.cn', '六安市金安区人民政府.政务'))
        .then((events) => expect(events[0]!.type).toBe('SiteOpened'));
      given([])
        .when(open('department', 'www.luan.gov.cn', '六安市金安区人民政府.政务'))
        .thenRefuses('INVALID_DOMAIN', 'R-SITE-7');
      given([])
        .when(open('city_portal', 'www.luan.gov.cn', '六安市金安区人民政府.政务'))
        .then((events) => expect(events[0]!.type).toBe('SiteOpened'));
      given([])
        .when(open('city_portal', 'portal.luan.gov.cn', '六安市金安区人民政府.政务'))
        .thenRefuses('INVALID_DOMAIN', 'R-SITE-7');
    });
  });

  describe('R-SITE-8 (advisory): channels and columns', () => {
    it('R-SITE-8: fewer than 5 channels is reported, never refused', () => {
      const state = [opened, ...channels('jinan')].reduce(siteDecider.evolve, siteDecider.initialState());
      expect(siteAdvisories(state).map((a) => a.code)).toEqual(['CHANNEL_COUNT']);
      given([opened, ...channels('jinan')])
        .when({
          type: 'AddChannel',
          data: { siteId: 'jinan', channelId: 'topics', name: '专题专栏', path: '/topics' },
          actor: siteAdmin,
        })
        .then((events) => expect(events).toHaveLength(1));
      const five = [
        ...[opened, ...channels('jinan')],
        {
          type: 'ChannelAdded',
          data: { siteId: 'jinan', channelId: 'topics', name: '专题专栏', path: '/topics' },
        } as SiteEvent,
      ];
      expect(siteAdvisories(five.reduce(siteDecider.evolve, siteDecider.initialState()))).toEqual([]);
    });
    it('R-SITE-8: a seventh column in a channel is reported', () => {
      const events = [opened, ...channels('jinan'), ...Array.from({ length: 7 }, (_, i) => column('jinan', `c${i}`))];
      const codes = siteAdvisories(events.reduce(siteDecider.evolve, siteDecider.initialState())).map((a) => a.code);
      expect(codes).toContain('COLUMN_COUNT');
    });
  });

  it('R-SUP-3: a finished topic is archived; an ordinary column is not a topic', () => {
    given([opened, ...channels('jinan'), column('jinan', 'flood-2026', true)])
      .when({
        type: 'ArchiveTopic',
        data: { siteId: 'jinan', columnId: 'flood-2026', reason: '专项工作结束' },
        actor: siteAdmin,
      })
      .then([{ type: 'TopicArchived', data: { siteId: 'jinan', columnId: 'flood-2026', reason: '专项工作结束' } }]);
    given([opened, ...channels('jinan'), column('jinan', 'news-city')])
      .when({ type: 'ArchiveTopic', data: { siteId: 'jinan', columnId: 'news-city', reason: 'r' }, actor: siteAdmin })
      .thenRefuses('NOT_A_TOPIC', 'R-SUP-3');
  });

  it('channels and columns are managed by the site administrator, not by its editors', () => {
    given([opened, ...channels('jinan')])
      .when({
        type: 'AddColumn',
        data: {
          siteId: 'jinan',
          channelId: 'news',
          columnId: 'c',
          name: 'c',
          path: '/news/c',
          updateCycle: 'news',
          topic: false,
        },
        actor: editor,
      })
      .thenRefuses('FORBIDDEN');
  });
});
