/**
 * A sample platform for newcomers and demos, built through the real command path: the city portal and three
 * sub-sites with channels and columns, staff in every role on each, and the sample corpus of national regulations
 * published on the portal. Running it again adds only what is missing (columns added since included). The columns
 * include those the example migrations of `ingest/migration/examples/` map the old sites' content into.
 */
import { readFileSync } from 'node:fs';
import { messageAggregate, messageStream } from '../domain/message/message.js';
import type { Platform } from '../domain/platform.js';
import type { CommandMeta } from '../domain/shared/command-handler.js';
import { type LoadReport, loadRegulations } from '../ingest/load-regulations.js';
import { parseRegulations, STATE_COUNCIL } from '../ingest/national-regulations.js';

/** Disclosure columns the example migrations place the old sites' content in (R-LIB-4). */
const disclosureColumn = (columnId: string, name: string) =>
  ({
    channelId: 'disclosure',
    columnId,
    name,
    path: `/disclosure/${columnId}`,
    updateCycle: 'notices_policy',
  }) as const;
const LAWS = disclosureColumn('laws', '法律法规');
const POLICIES = disclosureColumn('policies', '政策文件');
const INTERPRETATIONS = disclosureColumn('interpretations', '政策解读');
const RULES = disclosureColumn('rules', '规章');

const SYSTEM = (): CommandMeta => ({ actorId: 'system', system: true, occurredAt: new Date().toISOString() });
const by = (actorId: string): CommandMeta => ({ actorId, occurredAt: new Date().toISOString() });

export const DEMO_SITES = [
  {
    siteId: 'portal',
    kind: 'city_portal',
    hostUnit: { name: '六安市人民政府办公室', code: '11341500003089416J' },
    name: '六安市人民政府',
    domains: { english: 'www.luan.gov.cn', chinese: '六安市人民政府办公室.政务' },
    columns: [
      {
        channelId: 'disclosure',
        columnId: 'policies',
        name: '政策文件',
        path: '/disclosure/policies',
        updateCycle: 'notices_policy',
      },
      { channelId: 'news', columnId: 'city-news', name: '六安要闻', path: '/news/city', updateCycle: 'news' },
    ],
  },
  {
    siteId: 'jinan',
    kind: 'county_portal',
    hostUnit: { name: '六安市金安区人民政府', code: '11341502003144593K' },
    name: '金安区人民政府',
    domains: { english: 'www.ja.gov.cn', chinese: '六安市金安区人民政府.政务' },
    columns: [
      {
        channelId: 'disclosure',
        columnId: 'notices',
        name: '通知公告',
        path: '/disclosure/notices',
        updateCycle: 'notices_policy',
      },
      { channelId: 'news', columnId: 'county-news', name: '金安动态', path: '/news/county', updateCycle: 'news' },
      LAWS,
      POLICIES,
    ],
  },
  {
    siteId: 'shucheng',
    kind: 'county_portal',
    hostUnit: { name: '舒城县人民政府', code: '113415230031536722' },
    name: '舒城县人民政府',
    domains: { english: 'www.shucheng.gov.cn', chinese: '舒城县人民政府.政务' },
    columns: [
      {
        channelId: 'disclosure',
        columnId: 'notices',
        name: '通知公告',
        path: '/disclosure/notices',
        updateCycle: 'notices_policy',
      },
      POLICIES,
      LAWS,
      INTERPRETATIONS,
    ],
  },
  {
    siteId: 'edu',
    kind: 'department',
    hostUnit: { name: '六安市教育体育局', code: '113415000030894328' },
    name: '六安市教育体育局',
    domains: { english: 'jytyj.luan.gov.cn', chinese: '六安市教育体育局.政务' },
    columns: [
      {
        channelId: 'disclosure',
        columnId: 'notices',
        name: '通知公告',
        path: '/disclosure/notices',
        updateCycle: 'notices_policy',
      },
      INTERPRETATIONS,
      LAWS,
      RULES,
    ],
  },
] as const;

/** Staff of each demo site: `<site>-<role>`; plus `admin` (platform administrator) and `auditor`. */
export const DEMO_ROLES = ['webmaster', 'editor', 'editor2', 'reviewer', 'approver'] as const;
const ROLE_OF = {
  webmaster: 'site_admin',
  editor: 'editor',
  editor2: 'editor',
  reviewer: 'reviewer',
  approver: 'approver',
} as const;

export async function createDemoPlatform(platform: Platform): Promise<void> {
  if (!(await platform.reader.person('admin')).exists) {
    await platform.execute('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM());
    await platform.execute(
      'GrantPlatformRole',
      { personId: 'admin', role: 'platform_admin', reason: '平台初始化' },
      SYSTEM(),
    );
    await platform.execute('RegisterPerson', { personId: 'auditor', name: '审计员' }, by('admin'));
    await platform.execute(
      'GrantPlatformRole',
      { personId: 'auditor', role: 'auditor', reason: '平台审计' },
      by('admin'),
    );
  }
  for (const site of DEMO_SITES) {
    const { columns, ...open } = site;
    if (!(await platform.reader.site(site.siteId)).exists)
      await platform.execute('OpenSite', { ...open, approvedBy: 'admin', reason: '迁入集约化平台' }, by('admin'));
    const existing = (await platform.reader.site(site.siteId)).columns;
    for (const column of columns)
      if (!existing.has(column.columnId))
        await platform.execute('AddColumn', { siteId: site.siteId, ...column }, by('admin'));
    for (const role of DEMO_ROLES) {
      const personId = `${site.siteId}-${role}`;
      if ((await platform.reader.person(personId)).exists) continue;
      await platform.execute('RegisterPerson', { personId, name: `${site.name}${role}` }, by('admin'));
      await platform.execute(
        'GrantSiteRole',
        { personId, siteId: site.siteId, role: ROLE_OF[role], reason: '岗位职责' },
        by('admin'),
      );
    }
  }
}

export async function loadDemoCorpus(
  platform: Platform,
  corpusPath: string,
  onProgress?: (done: number, total: number) => void,
): Promise<LoadReport> {
  const items = parseRegulations(readFileSync(corpusPath, 'utf8'));
  return loadRegulations(
    platform,
    items,
    { ...STATE_COUNCIL, migratedAt: new Date().toISOString() },
    {
      siteId: 'portal',
      columnId: 'policies',
      staff: {
        editor: 'portal-editor',
        firstReviewer: 'portal-editor2',
        reviewer: 'portal-reviewer',
        approver: 'portal-approver',
      },
      concurrency: 16,
      ...(onProgress ? { onProgress } : {}),
    },
  );
}

/**
 * Supervision in the sample platform (P-art.25, 49-51): a supervisor; 霍山县 with six columns never published in, so
 * its scorecard fails the blank-column and home-page veto items; on 金安区 a 网民留言 column, a message that arrived
 * three weeks ago and is answered (through the whole review) only now, so the monthly summary shows a late answer, and
 * one still waiting past its due date. Running it again adds only what is missing.
 */
export const SUPERVISION_DEMO_SITE = {
  siteId: 'huoshan',
  kind: 'county_portal',
  hostUnit: { name: '霍山县人民政府', code: '11341525003178290P' },
  name: '霍山县人民政府',
  domains: { english: 'www.huoshan.gov.cn', chinese: '霍山县人民政府.政务' },
  columns: [
    { channelId: 'news', columnId: 'county-news', name: '霍山要闻', path: '/news/county', updateCycle: 'news' },
    { channelId: 'news', columnId: 'towns', name: '乡镇动态', path: '/news/towns', updateCycle: 'news' },
    {
      channelId: 'disclosure',
      columnId: 'notices',
      name: '通知公告',
      path: '/disclosure/notices',
      updateCycle: 'notices_policy',
    },
    {
      channelId: 'disclosure',
      columnId: 'policies',
      name: '政策文件',
      path: '/disclosure/policies',
      updateCycle: 'notices_policy',
    },
    { channelId: 'services', columnId: 'guides', name: '办事指南', path: '/services/guides', updateCycle: 'other' },
    {
      channelId: 'interaction',
      columnId: 'mailbox',
      name: '县长信箱',
      path: '/interaction/mailbox',
      updateCycle: 'other',
    },
  ],
} as const;

const DAY_MS = 86_400_000;
const daysAgo = (days: number, actorId: string): CommandMeta => ({
  actorId,
  occurredAt: new Date(Date.now() - days * DAY_MS).toISOString(),
});

export async function createSupervisionDemo(platform: Platform): Promise<void> {
  if (!(await platform.reader.person('supervisor')).exists) {
    await platform.execute('RegisterPerson', { personId: 'supervisor', name: '市政府办公室监管员' }, by('admin'));
    await platform.execute(
      'GrantPlatformRole',
      { personId: 'supervisor', role: 'supervisor', reason: '政府网站常态化监管' },
      by('admin'),
    );
  }
  const site = SUPERVISION_DEMO_SITE;
  if (!(await platform.reader.site(site.siteId)).exists) {
    const { columns, ...open } = site;
    await platform.execute('OpenSite', { ...open, approvedBy: 'admin', reason: '迁入集约化平台' }, by('admin'));
    for (const column of columns) await platform.execute('AddColumn', { siteId: site.siteId, ...column }, by('admin'));
  }
  for (const role of DEMO_ROLES) {
    const personId = `${site.siteId}-${role}`;
    if ((await platform.reader.person(personId)).exists) continue;
    await platform.execute('RegisterPerson', { personId, name: `${site.name}${role}` }, by('admin'));
    await platform.execute(
      'GrantSiteRole',
      { personId, siteId: site.siteId, role: ROLE_OF[role], reason: '岗位职责' },
      by('admin'),
    );
  }

  if (!(await platform.reader.site('jinan')).columns.has('mailbox'))
    await platform.execute(
      'AddColumn',
      {
        siteId: 'jinan',
        channelId: 'interaction',
        columnId: 'mailbox',
        name: '网民留言',
        path: '/interaction/mailbox',
        updateCycle: 'other',
      },
      by('admin'),
    );
  if (!(await platform.reader.resource('demo-answer-1')).exists) {
    await platform.execute(
      'ReceiveMessage',
      {
        messageId: 'demo-message-1',
        siteId: 'jinan',
        category: 'normal',
        subject: '关于小区周边道路维修的咨询',
        question: '我是三里桥社区居民张明，电话13800001111。小区门口道路破损已久，请问何时维修？',
        asker: { name: '张明', phone: '13800001111' },
      },
      daysAgo(21, 'jinan-editor'),
    );
    await platform.execute(
      'AnswerMessage',
      {
        messageId: 'demo-message-1',
        resourceId: 'demo-answer-1',
        answer: '经区城管局核实，该路段已列入本年度道路维修计划，预计下月完工。感谢您的关注。',
        // The demo site's host-unit code fails its check character; the answering unit publishes under a valid one.
        publisher: { name: '六安市金安区人民政府', code: '11341502003144593K' },
      },
      by('jinan-editor'),
    );
    await platform.execute('PassFirstReview', { resourceId: 'demo-answer-1' }, by('jinan-editor2'));
    await platform.execute('PassSecondReview', { resourceId: 'demo-answer-1' }, by('jinan-reviewer'));
    await platform.execute('PassFinalReview', { resourceId: 'demo-answer-1' }, by('jinan-approver'));
    await platform.execute(
      'PublishResource',
      { resourceId: 'demo-answer-1', columnIds: ['mailbox'] },
      by('jinan-approver'),
    );
  }
  if (!(await platform.reader.read(messageAggregate, messageStream('demo-message-2'))).state.exists)
    await platform.execute(
      'ReceiveMessage',
      {
        messageId: 'demo-message-2',
        siteId: 'jinan',
        category: 'simple',
        subject: '社保卡补办地点',
        question: '请问社保卡丢失后在哪里补办？',
        asker: { name: '李娟', email: 'lijuan@example.com' },
      },
      daysAgo(8, 'jinan-editor'),
    );
}
