/**
 * A platform on a real embedded event store in a temporary directory, with a city portal, a county site, and staff
 * in every role, built through the real command path.
 */

import { Platform } from '../../domain/platform.js';
import type { CommandMeta } from '../../domain/shared/command-handler.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { tempDir } from './temp-dir.js';

let clock = Date.parse('2026-11-26T02:00:00Z');
/** Each command a little later than the one before, as in real life. */
export function at(personId: string, extra: Partial<CommandMeta> = {}): CommandMeta {
  clock += 1000;
  return { actorId: personId, occurredAt: new Date(clock).toISOString(), ...extra };
}
export const SYSTEM: CommandMeta = { actorId: 'system', system: true, occurredAt: '2026-11-26T08:00:00+08:00' };

export interface PlatformFixture {
  dataDir: string;
  store: SqliteEventStore;
  platform: Platform;
  dispose(): Promise<void>;
}

export async function emptyPlatform(): Promise<PlatformFixture> {
  const dir = tempDir('platform');
  const store = openSqliteEventStore(dir.path);
  return {
    dataDir: dir.path,
    store,
    platform: new Platform(store),
    async dispose() {
      await store.close();
      dir.remove();
    },
  };
}

export const CITY_PORTAL = {
  siteId: 'portal',
  kind: 'city_portal' as const,
  hostUnit: { name: '六安市人民政府办公室', code: '11341500003089416J' },
  name: '六安市人民政府',
  domains: { english: 'www.luan.gov.cn', chinese: '六安市人民政府办公室.政务' },
  approvedBy: 'director',
  reason: '市政府门户网站',
};

export const COUNTY_SITE = {
  siteId: 'jinan',
  kind: 'county_portal' as const,
  hostUnit: { name: '六安市金安区人民政府', code: '11341502003144593K' },
  name: '金安区人民政府',
  domains: { english: 'www.ja.gov.cn', chinese: '六安市金安区人民政府.政务' },
  approvedBy: 'director',
  reason: '区政府门户网站',
};

/** An admin, and on the county site: a site administrator, two editors, a reviewer, an approver; a column `notices`. */
export async function staffedPlatform(): Promise<PlatformFixture> {
  const fixture = await emptyPlatform();
  const { platform } = fixture;
  await platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
  await platform.execute('GrantPlatformRole', { personId: 'admin', role: 'platform_admin', reason: '初始化' }, SYSTEM);
  await platform.execute('OpenSite', CITY_PORTAL, at('admin'));
  await platform.execute('OpenSite', COUNTY_SITE, at('admin'));
  await platform.execute(
    'AddColumn',
    {
      siteId: 'jinan',
      channelId: 'disclosure',
      columnId: 'notices',
      name: '通知公告',
      path: '/disclosure/notices',
      updateCycle: 'notices_policy',
    },
    at('admin'),
  );
  const staff: Array<[string, string, 'editor' | 'reviewer' | 'approver' | 'site_admin']> = [
    ['webmaster', '网站管理员', 'site_admin'],
    ['wang', '王编辑', 'editor'],
    ['zhao', '赵编辑', 'editor'],
    ['li', '李审核', 'reviewer'],
    ['chen', '陈主任', 'approver'],
  ];
  for (const [personId, name, role] of staff) {
    await platform.execute('RegisterPerson', { personId, name }, at('admin'));
    await platform.execute('GrantSiteRole', { personId, siteId: 'jinan', role, reason: '岗位职责' }, at('admin'));
  }
  return fixture;
}
