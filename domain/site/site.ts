/**
 * Site: a government website hosted on the platform, with its channels and columns (R-SITE-1..8).
 * Stream `site-<siteId>`. Uniqueness across sites (host unit, city portal, domains) is claimed by the command
 * handler in claim streams before the site's own events are appended (see domain/uniqueness).
 */
import { z } from 'zod';
import { type Actor, type Role, requirePlatformRole, requireSiteRole } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError, type ErrorCategory, type FieldProblem } from '../shared/domain-error.js';
import { id, isoDate, isoDateTime, name, reason } from '../shared/schemas.js';
import { domainProblems, SITE_KINDS, type SiteDomains, type SiteKind } from './domain-names.js';

export const siteStream = (siteId: string) => `site-${siteId}`;

/** The four channels every site has (R-SITE-8, P-art.19). */
export const UNIFIED_CHANNELS = [
  { channelId: 'news', name: '政务资讯', path: '/news' },
  { channelId: 'disclosure', name: '政务公开', path: '/disclosure' },
  { channelId: 'services', name: '办事服务', path: '/services' },
  { channelId: 'interaction', name: '互动交流', path: '/interaction' },
] as const;

/** Update-cycle categories of P-art.25 (R-SUP-1): news every 2 weeks, notices and policy every 6 months, others yearly. */
export const UPDATE_CYCLES = ['news', 'notices_policy', 'other'] as const;
export const OUTAGE_CAUSES = ['power_failure', 'network_failure', 'ordered_shutdown'] as const;

export const MAX_OFFLINE_DAYS = 30;
export const MAX_OUTAGE_HOURS = 72;

const path = z.string().regex(/^\/[a-z0-9][a-z0-9/_-]*$/, 'a path under the site domain, e.g. /news/city');
const hostUnit = z.strictObject({
  name,
  code: z.string().regex(/^[0-9A-Z]{9,18}$/, 'an organisation or unified social credit code'),
});
const domains = z.strictObject({ english: z.string().min(4).max(253), chinese: z.string().min(4).max(253) });
const coBuiltColumns = z
  .array(id)
  .min(1)
  .max(100)
  .refine((c) => new Set(c).size === c.length, 'each column at most once');

export const siteCommandSchemas = {
  OpenSite: z.strictObject({ siteId: id, kind: z.enum(SITE_KINDS), hostUnit, name, domains, approvedBy: id, reason }),
  ChangeSite: z
    .strictObject({ siteId: id, name: name.optional(), domains: domains.optional(), approvedBy: id, reason })
    .refine((c) => c.name !== undefined || c.domains !== undefined, 'nothing to change'),
  TakeSiteOffline: z.strictObject({ siteId: id, from: isoDate, until: isoDate, approvedBy: id, reason }),
  BringSiteOnline: z.strictObject({ siteId: id, reason }),
  ReportOutage: z.strictObject({
    siteId: id,
    outageId: id,
    cause: z.enum(OUTAGE_CAUSES),
    startedAt: isoDateTime,
    reason,
  }),
  EndOutage: z.strictObject({ siteId: id, outageId: id, endedAt: isoDateTime }),
  ConvertOutageToOffline: z.strictObject({ siteId: id, outageId: id, until: isoDate, approvedBy: id, reason }),
  AddChannel: z.strictObject({ siteId: id, channelId: id, name, path }),
  AddColumn: z.strictObject({
    siteId: id,
    channelId: id,
    columnId: id,
    name,
    path,
    updateCycle: z.enum(UPDATE_CYCLES),
    topic: z.boolean().default(false),
  }),
  ArchiveTopic: z.strictObject({ siteId: id, columnId: id, reason }),
  MigrateSiteContent: z.strictObject({ siteId: id, toSiteId: id, reason }),
  CloseSite: z.strictObject({ siteId: id, approvedBy: id, reason }),
  GrantColumnCoBuilding: z.strictObject({ siteId: id, partnerSiteId: id, columnIds: coBuiltColumns, reason }),
  RevokeColumnCoBuilding: z.strictObject({ siteId: id, partnerSiteId: id, columnIds: coBuiltColumns, reason }),
};

export const siteEventSchemas = {
  SiteOpened: z.strictObject({ siteId: id, kind: z.enum(SITE_KINDS), hostUnit, name, domains, approvedBy: id, reason }),
  SiteChanged: z.strictObject({
    siteId: id,
    name: name.optional(),
    domains: domains.optional(),
    previousDomains: domains.optional(),
    approvedBy: id,
    reason,
  }),
  SiteTakenOffline: z.strictObject({
    siteId: id,
    from: isoDate,
    until: isoDate,
    days: z.int(),
    approvedBy: id,
    reason,
    outageId: id.optional(),
  }),
  SiteBroughtOnline: z.strictObject({ siteId: id, reason }),
  OutageReported: z.strictObject({
    siteId: id,
    outageId: id,
    cause: z.enum(OUTAGE_CAUSES),
    startedAt: isoDateTime,
    reason,
  }),
  OutageEnded: z.strictObject({ siteId: id, outageId: id, endedAt: isoDateTime, hours: z.number() }),
  OutageConvertedToOffline: z.strictObject({ siteId: id, outageId: id }),
  ChannelAdded: z.strictObject({ siteId: id, channelId: id, name, path }),
  ColumnAdded: z.strictObject({
    siteId: id,
    channelId: id,
    columnId: id,
    name,
    path,
    updateCycle: z.enum(UPDATE_CYCLES),
    topic: z.boolean(),
  }),
  TopicArchived: z.strictObject({ siteId: id, columnId: id, reason }),
  SiteContentMigrated: z.strictObject({ siteId: id, toSiteId: id, columnIds: z.array(id), reason }),
  SiteClosed: z.strictObject({ siteId: id, approvedBy: id, reason, releasedDomains: domains }),
  ColumnCoBuildingGranted: z.strictObject({ siteId: id, partnerSiteId: id, columnIds: z.array(id), reason }),
  ColumnCoBuildingRevoked: z.strictObject({ siteId: id, partnerSiteId: id, columnIds: z.array(id), reason }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type SiteEvent = Schemas<typeof siteEventSchemas>;

/** What the handler knows beyond this stream: the target of a migration, the partner of a co-building grant. */
export interface SiteCommandContext {
  migrationTarget?: { status: SiteStatus | null };
  partner?: { status: SiteStatus | null };
}
export type SiteCommand = Schemas<typeof siteCommandSchemas> & { actor: Actor; context?: SiteCommandContext };

export type SiteStatus = 'online' | 'offline' | 'closed';

export interface Column {
  columnId: string;
  channelId: string;
  name: string;
  path: string;
  updateCycle: (typeof UPDATE_CYCLES)[number];
  topic: boolean;
  archived: boolean;
  migratedTo?: string;
}

export interface SiteState {
  exists: boolean;
  siteId: string;
  kind: SiteKind;
  name: string;
  hostUnit: { name: string; code: string };
  domains: SiteDomains;
  status: SiteStatus;
  /** Years (of the first offline day) in which the site was taken offline: R-SITE-4 allows one. */
  offlineYears: string[];
  outage?: { outageId: string; startedAt: string };
  channels: Map<string, { name: string; path: string }>;
  columns: Map<string, Column>;
  migratedTo?: string;
  /** Column co-building (R-PUSH-4): partner site → the columns of this portal its editors may submit to. */
  coBuilding: Map<string, Set<string>>;
}

function refuse(
  category: ErrorCategory,
  code: string,
  zh: string,
  en: string,
  rule?: string,
  details: FieldProblem[] = [],
): never {
  throw new DomainError(category, code, zh, en, details, rule);
}

const DAY_MS = 86_400_000;
const daysInclusive = (from: string, until: string) => Math.round((Date.parse(until) - Date.parse(from)) / DAY_MS) + 1;

function isPortal(kind: SiteKind): boolean {
  return kind === 'city_portal' || kind === 'county_portal';
}

function checkOffline(state: SiteState, from: string, until: string): number {
  const days = daysInclusive(from, until);
  if (days < 1)
    refuse(
      'BAD_USER_INPUT',
      'INVALID_PERIOD',
      '下线结束日期早于开始日期',
      'the offline period ends before it starts',
      undefined,
      [{ path: 'until', message: 'before from' }],
    );
  if (days > MAX_OFFLINE_DAYS) {
    refuse(
      'BAD_USER_INPUT',
      'OFFLINE_TOO_LONG',
      `临时下线每次不得超过 ${MAX_OFFLINE_DAYS} 天（申请 ${days} 天）`,
      `a temporary offline lasts at most ${MAX_OFFLINE_DAYS} days (${days} asked)`,
      'R-SITE-4',
    );
  }
  const year = from.slice(0, 4);
  if (state.offlineYears.includes(year)) {
    refuse(
      'CONFLICT',
      'OFFLINE_QUOTA_EXCEEDED',
      `站点 ${state.siteId} 在 ${year} 年已临时下线过一次`,
      `site ${state.siteId} was already taken offline once in ${year}`,
      'R-SITE-4',
    );
  }
  return days;
}

/** Columns that take content: not an archived topic, not migrated away. */
export function activeColumns(state: SiteState): Column[] {
  return [...state.columns.values()].filter((c) => !c.archived && !c.migratedTo);
}

export const siteDecider: Decider<SiteState, SiteCommand, SiteEvent> = {
  initialState: () => ({
    exists: false,
    siteId: '',
    kind: 'department',
    name: '',
    hostUnit: { name: '', code: '' },
    domains: { english: '', chinese: '' },
    status: 'online',
    offlineYears: [],
    channels: new Map(),
    columns: new Map(),
    coBuilding: new Map(),
  }),

  decide(command, state) {
    const { actor } = command;
    if (command.type === 'OpenSite') {
      const role = requirePlatformRole(actor, 'platform_admin');
      const { kind, hostUnit, domains } = command.data;
      if (state.exists)
        refuse(
          'CONFLICT',
          'ALREADY_EXISTS',
          `站点 ${command.data.siteId} 已存在`,
          `site ${command.data.siteId} already exists`,
        );
      const problems = domainProblems(kind, hostUnit.name, domains);
      if (problems.length > 0)
        refuse(
          'BAD_USER_INPUT',
          'INVALID_DOMAIN',
          '域名不符合市政府网站域名规则',
          'the domains do not follow the city’s domain rules',
          'R-SITE-7',
          problems,
        );
      return decided<SiteEvent>(
        role,
        {
          type: 'SiteOpened',
          data: { ...command.data, domains: { ...domains, english: domains.english.toLowerCase() } },
        },
        ...UNIFIED_CHANNELS.map((c) => ({
          type: 'ChannelAdded' as const,
          data: { siteId: command.data.siteId, ...c },
        })),
      );
    }
    if (!state.exists)
      refuse(
        'NOT_FOUND',
        'NOT_FOUND',
        `站点 ${command.data.siteId} 不存在`,
        `site ${command.data.siteId} does not exist`,
      );
    if (state.status === 'closed')
      refuse(
        'CONFLICT',
        'SITE_CLOSED',
        `站点 ${state.siteId} 已永久关停`,
        `site ${state.siteId} is closed permanently`,
        'R-SITE-5',
      );

    switch (command.type) {
      case 'ChangeSite': {
        const role = requirePlatformRole(actor, 'platform_admin');
        const { siteId, name, domains, approvedBy, reason } = command.data;
        if (domains) {
          const problems = domainProblems(state.kind, state.hostUnit.name, domains);
          if (problems.length > 0)
            refuse(
              'BAD_USER_INPUT',
              'INVALID_DOMAIN',
              '域名不符合市政府网站域名规则',
              'the domains do not follow the city’s domain rules',
              'R-SITE-7',
              problems,
            );
        }
        const normalised = domains && { ...domains, english: domains.english.toLowerCase() };
        return decided<SiteEvent>(role, {
          type: 'SiteChanged',
          data: {
            siteId,
            name,
            domains: normalised,
            previousDomains: normalised && state.domains,
            approvedBy,
            reason,
          },
        });
      }
      case 'TakeSiteOffline': {
        const role = requirePlatformRole(actor, 'platform_admin');
        if (state.status === 'offline')
          refuse(
            'CONFLICT',
            'SITE_ALREADY_OFFLINE',
            `站点 ${state.siteId} 已处于下线状态`,
            `site ${state.siteId} is already offline`,
          );
        const { from, until } = command.data;
        const days = checkOffline(state, from, until);
        return decided<SiteEvent>(role, { type: 'SiteTakenOffline', data: { ...command.data, days } });
      }
      case 'BringSiteOnline': {
        const role = requirePlatformRole(actor, 'platform_admin');
        if (state.status !== 'offline')
          refuse('CONFLICT', 'SITE_NOT_OFFLINE', `站点 ${state.siteId} 未下线`, `site ${state.siteId} is not offline`);
        return decided<SiteEvent>(role, { type: 'SiteBroughtOnline', data: command.data });
      }
      case 'ReportOutage': {
        const role = requireSiteRole(actor, state.siteId, ['site_admin']);
        if (state.outage)
          refuse(
            'CONFLICT',
            'OUTAGE_ONGOING',
            `站点 ${state.siteId} 已有未结束的故障报备`,
            `site ${state.siteId} already has an outage reported`,
          );
        // R-SITE-6: reported outages are not counted against the yearly offline quota.
        return decided<SiteEvent>(role, { type: 'OutageReported', data: command.data });
      }
      case 'EndOutage': {
        const role = requireSiteRole(actor, state.siteId, ['site_admin']);
        const outage = state.outage;
        if (!outage || outage.outageId !== command.data.outageId)
          refuse(
            'NOT_FOUND',
            'NOT_FOUND',
            `没有进行中的故障 ${command.data.outageId}`,
            `no ongoing outage ${command.data.outageId}`,
          );
        const hours = (Date.parse(command.data.endedAt) - Date.parse(outage.startedAt)) / 3_600_000;
        if (hours < 0)
          refuse(
            'BAD_USER_INPUT',
            'INVALID_PERIOD',
            '故障结束时间早于开始时间',
            'the outage ends before it started',
            undefined,
            [{ path: 'endedAt', message: 'before startedAt' }],
          );
        if (hours > MAX_OUTAGE_HOURS) {
          refuse(
            'CONFLICT',
            'OUTAGE_EXCEEDS_72_HOURS',
            `故障持续 ${Math.round(hours)} 小时，超过 ${MAX_OUTAGE_HOURS} 小时，应转为临时下线办理`,
            `the outage lasted ${Math.round(hours)} hours, over ${MAX_OUTAGE_HOURS}: convert it into a temporary offline`,
            'R-SITE-6',
          );
        }
        return decided<SiteEvent>(role, {
          type: 'OutageEnded',
          data: { ...command.data, hours: Math.round(hours * 100) / 100 },
        });
      }
      case 'ConvertOutageToOffline': {
        const role = requirePlatformRole(actor, 'platform_admin');
        const outage = state.outage;
        if (!outage || outage.outageId !== command.data.outageId)
          refuse(
            'NOT_FOUND',
            'NOT_FOUND',
            `没有进行中的故障 ${command.data.outageId}`,
            `no ongoing outage ${command.data.outageId}`,
          );
        // The offline starts when the outage did (China Standard Time) and counts toward R-SITE-4 like any other.
        const from = new Date(Date.parse(outage.startedAt) + 8 * 3_600_000).toISOString().slice(0, 10);
        const { siteId, outageId, until, approvedBy, reason } = command.data;
        const days = checkOffline(state, from, until);
        return decided<SiteEvent>(
          role,
          { type: 'OutageConvertedToOffline', data: { siteId, outageId } },
          { type: 'SiteTakenOffline', data: { siteId, from, until, days, approvedBy, reason, outageId } },
        );
      }
      case 'AddChannel': {
        const role = requireSiteOrPlatformAdmin(actor, state.siteId);
        const { channelId, path } = command.data;
        if (state.channels.has(channelId))
          refuse('CONFLICT', 'ALREADY_EXISTS', `频道 ${channelId} 已存在`, `channel ${channelId} already exists`);
        if ([...state.channels.values()].some((c) => c.path === path))
          refuse('CONFLICT', 'PATH_TAKEN', `路径 ${path} 已被占用`, `path ${path} is taken`, undefined, [
            { path: 'path', message: 'taken' },
          ]);
        return decided<SiteEvent>(role, { type: 'ChannelAdded', data: command.data });
      }
      case 'AddColumn': {
        const role = requireSiteOrPlatformAdmin(actor, state.siteId);
        const { channelId, columnId, path } = command.data;
        if (!state.channels.has(channelId))
          refuse('NOT_FOUND', 'NOT_FOUND', `频道 ${channelId} 不存在`, `channel ${channelId} does not exist`);
        if (state.columns.has(columnId))
          refuse('CONFLICT', 'ALREADY_EXISTS', `栏目 ${columnId} 已存在`, `column ${columnId} already exists`);
        if ([...state.columns.values()].some((c) => c.path === path))
          refuse('CONFLICT', 'PATH_TAKEN', `路径 ${path} 已被占用`, `path ${path} is taken`, undefined, [
            { path: 'path', message: 'taken' },
          ]);
        return decided<SiteEvent>(role, {
          type: 'ColumnAdded',
          data: { ...command.data, topic: command.data.topic ?? false },
        });
      }
      case 'ArchiveTopic': {
        const role = requireSiteOrPlatformAdmin(actor, state.siteId);
        const column = state.columns.get(command.data.columnId);
        if (!column)
          refuse(
            'NOT_FOUND',
            'NOT_FOUND',
            `栏目 ${command.data.columnId} 不存在`,
            `column ${command.data.columnId} does not exist`,
          );
        if (!column.topic)
          refuse(
            'CONFLICT',
            'NOT_A_TOPIC',
            `栏目 ${column.columnId} 不是专题，不能归档`,
            `column ${column.columnId} is not a topic and cannot be archived`,
            'R-SUP-3',
          );
        if (column.archived) return decided(role);
        return decided<SiteEvent>(role, { type: 'TopicArchived', data: command.data });
      }
      case 'MigrateSiteContent': {
        const role = requirePlatformRole(actor, 'platform_admin');
        const { siteId, toSiteId, reason } = command.data;
        const target = command.context?.migrationTarget;
        if (toSiteId === siteId)
          refuse(
            'BAD_USER_INPUT',
            'MIGRATION_TO_ITSELF',
            `站点 ${siteId} 的内容不能迁移到其自身，请选择另一个站点`,
            `site ${siteId} cannot migrate its content to itself; name another site`,
            'R-SITE-5',
          );
        if (!target || target.status === null || target.status === 'closed') {
          refuse(
            'BAD_USER_INPUT',
            'INVALID_MIGRATION_TARGET',
            `迁移目标站点 ${toSiteId} 不存在或已关停`,
            `migration target ${toSiteId} does not exist or is closed`,
            'R-SITE-5',
          );
        }
        const columnIds = activeColumns(state).map((c) => c.columnId);
        return decided<SiteEvent>(role, { type: 'SiteContentMigrated', data: { siteId, toSiteId, columnIds, reason } });
      }
      case 'CloseSite': {
        const role = requirePlatformRole(actor, 'platform_admin');
        if (isPortal(state.kind))
          refuse(
            'CONFLICT',
            'PORTAL_CANNOT_CLOSE',
            `门户网站 ${state.siteId} 不得永久关停`,
            `portal ${state.siteId} can never be closed permanently`,
            'R-SITE-5',
          );
        if (activeColumns(state).length > 0 && !state.migratedTo) {
          refuse(
            'CONFLICT',
            'CONTENT_NOT_MIGRATED',
            `站点 ${state.siteId} 的内容尚未迁移，不能关停`,
            `site ${state.siteId} must migrate its content before it closes`,
            'R-SITE-5',
          );
        }
        return decided<SiteEvent>(role, {
          type: 'SiteClosed',
          data: { ...command.data, releasedDomains: state.domains },
        });
      }
      case 'GrantColumnCoBuilding': {
        const role = requireSiteOrPlatformAdmin(actor, state.siteId);
        const { siteId, partnerSiteId, columnIds, reason } = command.data;
        // R-PUSH-4: the portal opens chosen columns to a sub-site; a sub-site has no columns to share this way.
        if (!isPortal(state.kind))
          refuse(
            'CONFLICT',
            'NOT_A_PORTAL',
            `只有门户网站可开放栏目共建，${siteId} 不是门户网站`,
            `only a portal opens columns for co-building; ${siteId} is not a portal`,
            'R-PUSH-4',
          );
        const partner = command.context?.partner;
        if (partnerSiteId === siteId || !partner || partner.status === null || partner.status === 'closed')
          refuse(
            'BAD_USER_INPUT',
            'INVALID_PARTNER_SITE',
            `共建站点 ${partnerSiteId} 不存在、已关停或就是本站`,
            `co-building partner ${partnerSiteId} does not exist, is closed, or is this site`,
            'R-PUSH-4',
            [{ path: 'partnerSiteId', message: 'not an open sub-site' }],
          );
        const active = new Set(activeColumns(state).map((c) => c.columnId));
        const unknown = columnIds.filter((c) => !active.has(c));
        if (unknown.length > 0)
          refuse(
            'BAD_USER_INPUT',
            'UNKNOWN_COLUMN',
            `栏目 ${unknown.join('、')} 不属于站点 ${siteId} 或已归档`,
            `column ${unknown.join(', ')} is not an active column of site ${siteId}`,
            'R-PUSH-4',
            unknown.map((c) => ({ path: 'columnIds', message: `${c} is not an active column of ${siteId}` })),
          );
        const held = state.coBuilding.get(partnerSiteId);
        const added = columnIds.filter((c) => !held?.has(c));
        if (added.length === 0) return decided(role);
        return decided<SiteEvent>(role, {
          type: 'ColumnCoBuildingGranted',
          data: { siteId, partnerSiteId, columnIds: added, reason },
        });
      }
      case 'RevokeColumnCoBuilding': {
        const role = requireSiteOrPlatformAdmin(actor, state.siteId);
        const { siteId, partnerSiteId, columnIds, reason } = command.data;
        const held = state.coBuilding.get(partnerSiteId);
        const revoked = columnIds.filter((c) => held?.has(c));
        if (revoked.length === 0) return decided(role);
        return decided<SiteEvent>(role, {
          type: 'ColumnCoBuildingRevoked',
          data: { siteId, partnerSiteId, columnIds: revoked, reason },
        });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SiteOpened': {
        const { siteId, kind, hostUnit, name, domains } = event.data;
        return { ...state, exists: true, siteId, kind, hostUnit, name, domains, status: 'online' };
      }
      case 'SiteChanged':
        return { ...state, name: event.data.name ?? state.name, domains: event.data.domains ?? state.domains };
      case 'SiteTakenOffline':
        return { ...state, status: 'offline', offlineYears: [...state.offlineYears, event.data.from.slice(0, 4)] };
      case 'SiteBroughtOnline':
        return { ...state, status: 'online' };
      case 'OutageReported':
        return { ...state, outage: { outageId: event.data.outageId, startedAt: event.data.startedAt } };
      case 'OutageEnded':
      case 'OutageConvertedToOffline':
        return { ...state, outage: undefined };
      case 'ChannelAdded':
        return {
          ...state,
          channels: new Map(state.channels).set(event.data.channelId, { name: event.data.name, path: event.data.path }),
        };
      case 'ColumnAdded': {
        const { columnId, channelId, name, path, updateCycle, topic } = event.data;
        return {
          ...state,
          columns: new Map(state.columns).set(columnId, {
            columnId,
            channelId,
            name,
            path,
            updateCycle,
            topic,
            archived: false,
          }),
        };
      }
      case 'TopicArchived': {
        const columns = new Map(state.columns);
        const column = columns.get(event.data.columnId);
        if (column) columns.set(column.columnId, { ...column, archived: true });
        return { ...state, columns };
      }
      case 'SiteContentMigrated': {
        const columns = new Map(state.columns);
        for (const columnId of event.data.columnIds) {
          const column = columns.get(columnId);
          if (column) columns.set(columnId, { ...column, migratedTo: event.data.toSiteId });
        }
        return { ...state, columns, migratedTo: event.data.toSiteId };
      }
      case 'SiteClosed':
        return { ...state, status: 'closed' };
      case 'ColumnCoBuildingGranted':
      case 'ColumnCoBuildingRevoked': {
        const { partnerSiteId, columnIds } = event.data;
        const columns = new Set(state.coBuilding.get(partnerSiteId));
        for (const c of columnIds) {
          if (event.type === 'ColumnCoBuildingGranted') columns.add(c);
          else columns.delete(c);
        }
        const coBuilding = new Map(state.coBuilding);
        if (columns.size > 0) coBuilding.set(partnerSiteId, columns);
        else coBuilding.delete(partnerSiteId);
        return { ...state, coBuilding };
      }
    }
  },
};

/** Site structure is the site administrator's, and any platform administrator's; returns the role acted in. */
export const siteAggregate: Aggregate<SiteState, SiteCommand, SiteEvent> = {
  decider: siteDecider,
  eventSchemas: siteEventSchemas,
};

/** What other aggregates need to know of a site: whether it is there and open, its kind, its active columns. */
export interface SiteContext {
  status: SiteStatus | null;
  kind: SiteKind;
  activeColumns: ReadonlySet<string>;
  /** R-PUSH-4 (portals): partner site → the columns of this site opened to its editors. */
  coBuilding: ReadonlyMap<string, ReadonlySet<string>>;
}

export function siteContextOf(site: SiteState): SiteContext {
  return {
    status: site.exists ? site.status : null,
    kind: site.kind,
    activeColumns: new Set(activeColumns(site).map((c) => c.columnId)),
    coBuilding: site.coBuilding,
  };
}

function requireSiteOrPlatformAdmin(actor: Actor, siteId: string): Role {
  if (actor.system || actor.platformRoles.has('platform_admin')) return requirePlatformRole(actor, 'platform_admin');
  return requireSiteRole(actor, siteId, ['site_admin']);
}

export interface Advisory {
  code: string;
  rule: string;
  message: string;
  messageZh: string;
}

/** R-SITE-8 is advisory: these warnings are reported, never enforced. */
export function siteAdvisories(state: SiteState): Advisory[] {
  const advisories: Advisory[] = [];
  const channels = state.channels.size;
  if (channels < 5 || channels > 8) {
    advisories.push({
      code: 'CHANNEL_COUNT',
      rule: 'R-SITE-8',
      message: `a site should have 5 to 8 channels; this one has ${channels}`,
      messageZh: `频道以 5-8 个为宜，当前 ${channels} 个`,
    });
  }
  for (const [channelId, channel] of state.channels) {
    const columns = [...state.columns.values()].filter((c) => c.channelId === channelId && !c.archived).length;
    if (columns > 6) {
      advisories.push({
        code: 'COLUMN_COUNT',
        rule: 'R-SITE-8',
        message: `channel ${channel.name} should have at most 6 columns; it has ${columns}`,
        messageZh: `频道「${channel.name}」内栏目以 6 个及以下为宜，当前 ${columns} 个`,
      });
    }
  }
  for (const unified of UNIFIED_CHANNELS) {
    if (!state.channels.has(unified.channelId)) {
      advisories.push({
        code: 'UNIFIED_CHANNEL_MISSING',
        rule: 'R-SITE-8',
        message: `the unified channel ${unified.name} is missing`,
        messageZh: `缺少统一频道「${unified.name}」`,
      });
    }
  }
  return advisories;
}
