/**
 * Person: someone who works on the platform, and the roles they hold (R-PEOPLE-1..3). Stream `person-<personId>`.
 * Every grant and revocation is an event naming who did it and why.
 */

import { z } from 'zod';
import {
  type Actor,
  isReservedActorId,
  PLATFORM_ROLES,
  type PlatformRole,
  RESERVED_ACTOR_PREFIXES,
  requirePlatformRole,
  requireSiteRole,
  SITE_ROLES,
  type SiteRole,
} from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, name, reason } from '../shared/schemas.js';

export const personStream = (personId: string) => `person-${personId}`;

const siteRole = z.enum(SITE_ROLES);
const platformRole = z.enum(PLATFORM_ROLES);

export const personCommandSchemas = {
  RegisterPerson: z.strictObject({
    personId: id.refine(
      (v) => !isReservedActorId(v),
      `system and ids starting ${RESERVED_ACTOR_PREFIXES.join(' or ')} name the platform or machines, not people`,
    ),
    name,
    unit: name.optional(),
  }),
  GrantSiteRole: z.strictObject({ personId: id, siteId: id, role: siteRole, reason }),
  RevokeSiteRole: z.strictObject({ personId: id, siteId: id, role: siteRole, reason }),
  GrantPlatformRole: z.strictObject({ personId: id, role: platformRole, reason }),
  RevokePlatformRole: z.strictObject({ personId: id, role: platformRole, reason }),
  DeactivatePerson: z.strictObject({ personId: id, reason }),
};

export const personEventSchemas = {
  PersonRegistered: z.strictObject({ personId: id, name, unit: name.optional(), registeredBy: id }),
  SiteRoleGranted: z.strictObject({ personId: id, siteId: id, role: siteRole, grantedBy: id, reason }),
  SiteRoleRevoked: z.strictObject({ personId: id, siteId: id, role: siteRole, revokedBy: id, reason }),
  PlatformRoleGranted: z.strictObject({ personId: id, role: platformRole, grantedBy: id, reason }),
  PlatformRoleRevoked: z.strictObject({ personId: id, role: platformRole, revokedBy: id, reason }),
  PersonDeactivated: z.strictObject({ personId: id, deactivatedBy: id, reason }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.infer<T[K]> } }[keyof T];
export type PersonEvent = Schemas<typeof personEventSchemas>;
type CommandData = Schemas<typeof personCommandSchemas>;

/** What the handler knows beyond this stream: the site a role is granted on. */
export interface PersonCommandContext {
  site?: { status: 'online' | 'offline' | 'closed' | null };
}

export type PersonCommand = CommandData & { actor: Actor; context?: PersonCommandContext };

export interface PersonState {
  exists: boolean;
  name: string;
  deactivated: boolean;
  siteRoles: Map<string, Set<SiteRole>>;
  revokedSiteRoles: Map<string, Set<SiteRole>>;
  platformRoles: Set<PlatformRole>;
  revokedPlatformRoles: Set<PlatformRole>;
}

const CONTENT_ROLES: readonly SiteRole[] = ['editor', 'reviewer', 'approver'];
/**
 * R-PEOPLE-3: whoever works platform-wide (administers the platform, audits it, supervises it) holds no content role
 * on any site; every platform role is one of these, so a new platform role is bound by the rule as soon as it exists.
 */
const PLATFORM_WIDE_ROLES: readonly PlatformRole[] = PLATFORM_ROLES;

/** `siteId`: where the conflicting role is held, when it is a site's. */
function separationOfDuties(personId: string, held: string, siteId: string | null, wanted: string): DomainError {
  return new DomainError(
    'FORBIDDEN',
    'SEPARATION_OF_DUTIES',
    `系统管理与内容编辑、审核须分离：${personId} ${siteId ? `在站点 ${siteId} ` : ''}已有 ${held} 角色，不能再授予 ${wanted}`,
    `administration is separate from editing and review: ${personId} already holds ${held}${siteId ? ` on site ${siteId}` : ''} and cannot also be ${wanted}`,
    [{ path: 'role', message: `conflicts with ${held}` }],
    'R-PEOPLE-3',
  );
}

/** A content role the person holds on any site, with the site: none may be held beside a platform-wide role. */
function heldContentRole(state: PersonState): { siteId: string; role: SiteRole } | undefined {
  for (const [siteId, roles] of state.siteRoles) {
    const role = CONTENT_ROLES.find((r) => roles.has(r));
    if (role) return { siteId, role };
  }
  return undefined;
}

function notFound(personId: string): DomainError {
  return new DomainError('NOT_FOUND', 'NOT_FOUND', `人员 ${personId} 不存在`, `person ${personId} does not exist`);
}

function requireSite(command: PersonCommand, siteId: string): void {
  const site = command.context?.site;
  if (!site || site.status === null) {
    throw new DomainError('NOT_FOUND', 'NOT_FOUND', `站点 ${siteId} 不存在`, `site ${siteId} does not exist`);
  }
  if (site.status === 'closed') {
    throw new DomainError(
      'CONFLICT',
      'SITE_CLOSED',
      `站点 ${siteId} 已永久关停`,
      `site ${siteId} is closed permanently`,
    );
  }
}

/** Site administrators manage content roles on their own site; only platform administrators make site administrators. */
function authoriseSiteGrant(actor: Actor, siteId: string, role: SiteRole): string {
  if (actor.system || actor.platformRoles.has('platform_admin')) return requirePlatformRole(actor, 'platform_admin');
  if (role === 'site_admin') return requirePlatformRole(actor, 'platform_admin');
  return requireSiteRole(actor, siteId, ['site_admin']);
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): Map<K, Set<V>> {
  const next = new Map(map);
  next.set(key, new Set([...(map.get(key) ?? []), value]));
  return next;
}

function remove<K, V>(map: Map<K, Set<V>>, key: K, value: V): Map<K, Set<V>> {
  const next = new Map(map);
  const values = new Set(map.get(key));
  values.delete(value);
  next.set(key, values);
  return next;
}

export const personDecider: Decider<PersonState, PersonCommand, PersonEvent> = {
  initialState: () => ({
    exists: false,
    name: '',
    deactivated: false,
    siteRoles: new Map(),
    revokedSiteRoles: new Map(),
    platformRoles: new Set(),
    revokedPlatformRoles: new Set(),
  }),

  decide(command, state) {
    const { actor } = command;
    if (command.type === 'RegisterPerson') {
      const role = requirePlatformRole(actor, 'platform_admin');
      if (state.exists) {
        throw new DomainError(
          'CONFLICT',
          'ALREADY_EXISTS',
          `人员 ${command.data.personId} 已登记`,
          `person ${command.data.personId} is already registered`,
        );
      }
      return decided(role, { type: 'PersonRegistered', data: { ...command.data, registeredBy: actor.personId } });
    }
    if (!state.exists) throw notFound(command.data.personId);
    if (state.deactivated) {
      throw new DomainError(
        'CONFLICT',
        'PERSON_DEACTIVATED',
        `人员 ${command.data.personId} 已注销`,
        `person ${command.data.personId} is deactivated`,
      );
    }
    switch (command.type) {
      case 'GrantSiteRole': {
        const { personId, siteId, role, reason } = command.data;
        const actingRole = authoriseSiteGrant(actor, siteId, role);
        requireSite(command, siteId);
        const held = state.siteRoles.get(siteId) ?? new Set<SiteRole>();
        if (held.has(role)) return decided(actingRole);
        // R-PEOPLE-3: whoever grants roles on a site may not also edit or review there.
        const clash =
          role === 'site_admin'
            ? CONTENT_ROLES.find((r) => held.has(r))
            : held.has('site_admin')
              ? 'site_admin'
              : undefined;
        if (clash) throw separationOfDuties(personId, clash, siteId, role);
        // R-PEOPLE-3: nor may anyone who works platform-wide take a content role on any site.
        const platformWide = PLATFORM_WIDE_ROLES.find((r) => state.platformRoles.has(r));
        if (platformWide && CONTENT_ROLES.includes(role)) throw separationOfDuties(personId, platformWide, null, role);
        return decided(actingRole, {
          type: 'SiteRoleGranted',
          data: { personId, siteId, role, grantedBy: actor.personId, reason },
        });
      }
      case 'RevokeSiteRole': {
        const { personId, siteId, role, reason } = command.data;
        const actingRole = authoriseSiteGrant(actor, siteId, role);
        if (!state.siteRoles.get(siteId)?.has(role)) {
          throw new DomainError(
            'CONFLICT',
            'ROLE_NOT_HELD',
            `${personId} 在站点 ${siteId} 没有 ${role} 角色`,
            `${personId} holds no ${role} role on site ${siteId}`,
          );
        }
        return decided(actingRole, {
          type: 'SiteRoleRevoked',
          data: { personId, siteId, role, revokedBy: actor.personId, reason },
        });
      }
      case 'GrantPlatformRole': {
        const { personId, role, reason } = command.data;
        const actingRole = requirePlatformRole(actor, 'platform_admin');
        if (state.platformRoles.has(role)) return decided(actingRole);
        const content = PLATFORM_WIDE_ROLES.includes(role) ? heldContentRole(state) : undefined;
        if (content) throw separationOfDuties(personId, content.role, content.siteId, role);
        return decided(actingRole, {
          type: 'PlatformRoleGranted',
          data: { personId, role, grantedBy: actor.personId, reason },
        });
      }
      case 'RevokePlatformRole': {
        const { personId, role, reason } = command.data;
        const actingRole = requirePlatformRole(actor, 'platform_admin');
        if (!state.platformRoles.has(role)) {
          throw new DomainError(
            'CONFLICT',
            'ROLE_NOT_HELD',
            `${personId} 没有 ${role} 角色`,
            `${personId} holds no ${role} role`,
          );
        }
        return decided(actingRole, {
          type: 'PlatformRoleRevoked',
          data: { personId, role, revokedBy: actor.personId, reason },
        });
      }
      case 'DeactivatePerson': {
        const role = requirePlatformRole(actor, 'platform_admin');
        return decided(role, { type: 'PersonDeactivated', data: { ...command.data, deactivatedBy: actor.personId } });
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'PersonRegistered':
        return { ...state, exists: true, name: event.data.name };
      case 'SiteRoleGranted':
        return {
          ...state,
          siteRoles: add(state.siteRoles, event.data.siteId, event.data.role),
          revokedSiteRoles: remove(state.revokedSiteRoles, event.data.siteId, event.data.role),
        };
      case 'SiteRoleRevoked':
        return {
          ...state,
          siteRoles: remove(state.siteRoles, event.data.siteId, event.data.role),
          revokedSiteRoles: add(state.revokedSiteRoles, event.data.siteId, event.data.role),
        };
      case 'PlatformRoleGranted': {
        const revoked = new Set(state.revokedPlatformRoles);
        revoked.delete(event.data.role);
        return {
          ...state,
          platformRoles: new Set([...state.platformRoles, event.data.role]),
          revokedPlatformRoles: revoked,
        };
      }
      case 'PlatformRoleRevoked': {
        const roles = new Set(state.platformRoles);
        roles.delete(event.data.role);
        return {
          ...state,
          platformRoles: roles,
          revokedPlatformRoles: new Set([...state.revokedPlatformRoles, event.data.role]),
        };
      }
      case 'PersonDeactivated':
        return { ...state, deactivated: true };
    }
  },
};

export const personAggregate: Aggregate<PersonState, PersonCommand, PersonEvent> = {
  decider: personDecider,
  eventSchemas: personEventSchemas,
};

/** The actor a person is, for the decision at hand (R-PEOPLE-2: read at the time of the command). */
export function actorOf(personId: string, state: PersonState): Actor {
  if (!state.exists) throw notFound(personId);
  return {
    personId,
    deactivated: state.deactivated,
    platformRoles: state.platformRoles,
    siteRoles: state.siteRoles,
    revokedSiteRoles: state.revokedSiteRoles,
    revokedPlatformRoles: state.revokedPlatformRoles,
  };
}
