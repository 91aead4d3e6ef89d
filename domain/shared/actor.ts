import { DomainError } from './domain-error.js';

/** Roles granted per site (R-PEOPLE-1). */
export const SITE_ROLES = ['editor', 'reviewer', 'approver', 'site_admin'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];

/** Roles granted platform-wide (R-PEOPLE-1). */
export const PLATFORM_ROLES = ['platform_admin', 'auditor', 'supervisor'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

export type Role = SiteRole | PlatformRole | 'system';

/**
 * Who issues a command, as the Person stream says at the moment of the command (R-PEOPLE-2): the command handler
 * reads it fresh for every attempt, so a revocation takes effect on the very next command.
 */
export interface Actor {
  personId: string;
  /** The platform itself (bootstrap, migrations): may open the platform's first records. */
  system?: boolean;
  deactivated: boolean;
  platformRoles: ReadonlySet<PlatformRole>;
  /** siteId → roles held now. */
  siteRoles: ReadonlyMap<string, ReadonlySet<SiteRole>>;
  /** siteId → roles once held and revoked, so a refusal can say "revoked" rather than "never granted". */
  revokedSiteRoles: ReadonlyMap<string, ReadonlySet<SiteRole>>;
  revokedPlatformRoles: ReadonlySet<PlatformRole>;
}

export const SYSTEM_ACTOR: Actor = {
  personId: 'system',
  system: true,
  deactivated: false,
  platformRoles: new Set(),
  siteRoles: new Map(),
  revokedSiteRoles: new Map(),
  revokedPlatformRoles: new Set(),
};

/**
 * Actor ids that name no person: the platform itself (`system`) and machines, whose ids carry their kind as a prefix
 * (`apikey:<keyId>`). No person is registered under one, and no bearer token may name one as its subject, so that no
 * identity provider's token ever acts as a machine or as the platform.
 */
export const RESERVED_ACTOR_PREFIXES = ['apikey:', 'system:'] as const;

export function isReservedActorId(actorId: string): boolean {
  return actorId === SYSTEM_ACTOR.personId || RESERVED_ACTOR_PREFIXES.some((prefix) => actorId.startsWith(prefix));
}

function revoked(actor: Actor, what: string): DomainError {
  return new DomainError(
    'FORBIDDEN',
    'ROLE_REVOKED',
    `${actor.personId} 的${what}权限已被注销，不能再操作`,
    `${actor.personId}'s ${what} role has been revoked; they can no longer act`,
    [],
    'R-PEOPLE-2',
  );
}

function deactivated(actor: Actor): DomainError {
  return new DomainError(
    'FORBIDDEN',
    'ROLE_REVOKED',
    `${actor.personId} 的账号已注销，不能再操作`,
    `${actor.personId} has been deactivated and can no longer act`,
    [],
    'R-PEOPLE-2',
  );
}

/** Throws unless the actor holds one of `roles` on `siteId`; returns the role it acts in (the first one it holds). */
export function requireSiteRole(actor: Actor, siteId: string, roles: readonly SiteRole[]): SiteRole {
  if (actor.deactivated) throw deactivated(actor);
  const held = actor.siteRoles.get(siteId);
  const role = roles.find((r) => held?.has(r));
  if (role) return role;
  const lost = actor.revokedSiteRoles.get(siteId);
  if (roles.some((r) => lost?.has(r))) throw revoked(actor, roles.join('/'));
  throw new DomainError(
    'FORBIDDEN',
    'FORBIDDEN',
    `${actor.personId} 在站点 ${siteId} 没有${roles.join('或')}角色`,
    `${actor.personId} holds no ${roles.join(' or ')} role on site ${siteId}`,
    [],
    'R-PEOPLE-1',
  );
}

const PLATFORM_ROLE_NAMES: Record<PlatformRole, string> = {
  platform_admin: '平台管理员',
  auditor: '审计员',
  supervisor: '监管人员',
};

/** Throws unless the actor holds the platform role (or is the platform itself, when `system` may act). */
export function requirePlatformRole(actor: Actor, role: PlatformRole, allowSystem = true): Role {
  if (actor.system && allowSystem) return 'system';
  if (actor.deactivated) throw deactivated(actor);
  if (actor.platformRoles.has(role)) return role;
  if (actor.revokedPlatformRoles.has(role)) throw revoked(actor, role);
  throw new DomainError(
    'FORBIDDEN',
    'FORBIDDEN',
    `${actor.personId} 不是${PLATFORM_ROLE_NAMES[role]}`,
    `${actor.personId} is not a ${role}`,
    [],
    'R-PEOPLE-1',
  );
}
