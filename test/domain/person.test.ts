import { describe, expect, it } from 'vitest';
import { apiKeyActorId } from '../../domain/api-key/api-key.js';
import { actorOf, type PersonEvent, personCommandSchemas, personDecider } from '../../domain/person/person.js';
import { isReservedActorId, PLATFORM_ROLES, type PlatformRole, requireSiteRole } from '../../domain/shared/actor.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { actor, deciderSpec } from '../support/decider-spec.js';

const given = deciderSpec(personDecider);
const admin = actor('admin', { platform: ['platform_admin'] });
const webmaster = actor('webmaster', { sites: { jinan: ['site_admin'] } });
const online = { status: 'online' as const };

const registered: PersonEvent = {
  type: 'PersonRegistered',
  data: { personId: 'li', name: '李明', unit: '金安区政府办', registeredBy: 'admin' },
};
const platformGrant = (role: PlatformRole): PersonEvent => ({
  type: 'PlatformRoleGranted',
  data: { personId: 'li', role, grantedBy: 'admin', reason: '岗位调整' },
});
const grant = (role: 'editor' | 'reviewer' | 'approver' | 'site_admin', siteId = 'jinan'): PersonEvent => ({
  type: 'SiteRoleGranted',
  data: { personId: 'li', siteId, role, grantedBy: 'admin', reason: '岗位调整' },
});

describe('Person', () => {
  it('R-PEOPLE-1: a grant per site is an event naming who granted it and why', () => {
    given([registered])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: '新入职' },
        actor: webmaster,
        context: { site: online },
      })
      .then([
        {
          type: 'SiteRoleGranted',
          data: { personId: 'li', siteId: 'jinan', role: 'editor', grantedBy: 'webmaster', reason: '新入职' },
        },
      ]);
  });

  it('R-PEOPLE-1: a revocation is an event naming who revoked it and why', () => {
    given([registered, grant('editor')])
      .when({
        type: 'RevokeSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: '调离' },
        actor: admin,
        context: { site: online },
      })
      .then([
        {
          type: 'SiteRoleRevoked',
          data: { personId: 'li', siteId: 'jinan', role: 'editor', revokedBy: 'admin', reason: '调离' },
        },
      ]);
  });

  it('R-PEOPLE-1: platform roles are granted platform-wide by a platform administrator only', () => {
    given([registered])
      .when({ type: 'GrantPlatformRole', data: { personId: 'li', role: 'auditor', reason: '审计' }, actor: admin })
      .then([
        { type: 'PlatformRoleGranted', data: { personId: 'li', role: 'auditor', grantedBy: 'admin', reason: '审计' } },
      ]);
    given([registered])
      .when({ type: 'GrantPlatformRole', data: { personId: 'li', role: 'auditor', reason: '审计' }, actor: webmaster })
      .thenRefuses('FORBIDDEN');
  });

  it('R-PEOPLE-1: a site administrator grants content roles on their own site only, and cannot make site administrators', () => {
    given([registered])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'shucheng', role: 'editor', reason: 'r' },
        actor: webmaster,
        context: { site: online },
      })
      .thenRefuses('FORBIDDEN');
    given([registered])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'site_admin', reason: 'r' },
        actor: webmaster,
        context: { site: online },
      })
      .thenRefuses('FORBIDDEN');
  });

  it('R-PEOPLE-1: roles are granted on sites that exist and are not closed', () => {
    given([registered])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'nowhere', role: 'editor', reason: 'r' },
        actor: admin,
        context: { site: { status: null } },
      })
      .thenRefuses('NOT_FOUND');
    given([registered])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: 'r' },
        actor: admin,
        context: { site: { status: 'closed' } },
      })
      .thenRefuses('SITE_CLOSED');
  });

  it('R-PEOPLE-2: after revocation the person holds the role no more and is told it was revoked', () => {
    const state = [
      registered,
      grant('editor'),
      {
        type: 'SiteRoleRevoked',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', revokedBy: 'admin', reason: '调离' },
      } as PersonEvent,
    ].reduce(personDecider.evolve, personDecider.initialState());
    const li = actorOf('li', state);
    const error = (() => {
      try {
        requireSiteRole(li, 'jinan', ['editor']);
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error!.code).toBe('ROLE_REVOKED');
  });

  it('R-PEOPLE-2: a deactivated person can do nothing at all, whatever roles remain recorded', () => {
    const state = [
      registered,
      grant('editor'),
      { type: 'PersonDeactivated', data: { personId: 'li', deactivatedBy: 'admin', reason: '离职' } } as PersonEvent,
    ].reduce(personDecider.evolve, personDecider.initialState());
    expect(() => requireSiteRole(actorOf('li', state), 'jinan', ['editor'])).toThrow(
      expect.objectContaining({ code: 'ROLE_REVOKED' }),
    );
  });

  it('R-PEOPLE-3: a site administrator may not also edit or review on that site', () => {
    given([registered, grant('site_admin')])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'reviewer', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .thenRefuses('SEPARATION_OF_DUTIES', 'R-PEOPLE-3');
    given([registered, grant('approver')])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'site_admin', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .thenRefuses('SEPARATION_OF_DUTIES', 'R-PEOPLE-3');
  });

  it('R-PEOPLE-3: administering one site and editing another is allowed', () => {
    given([registered, grant('site_admin', 'shucheng')])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .then((events) => expect(events).toHaveLength(1));
  });

  it('R-PEOPLE-3: a platform administrator or an auditor is granted no content role on any site', () => {
    for (const platformRole of PLATFORM_ROLES) {
      for (const role of ['editor', 'reviewer', 'approver'] as const) {
        const error = given([registered, platformGrant(platformRole)])
          .when({
            type: 'GrantSiteRole',
            data: { personId: 'li', siteId: 'jinan', role, reason: 'r' },
            actor: admin,
            context: { site: online },
          })
          .thenRefuses('SEPARATION_OF_DUTIES', 'R-PEOPLE-3');
        expect(error.category).toBe('FORBIDDEN');
        expect(error.details).toEqual([{ path: 'role', message: `conflicts with ${platformRole}` }]);
      }
    }
  });

  it('R-PEOPLE-3: a person holding a content role on any site is granted no platform role', () => {
    for (const platformRole of PLATFORM_ROLES) {
      for (const role of ['editor', 'reviewer', 'approver'] as const) {
        given([registered, grant(role, 'shucheng')])
          .when({
            type: 'GrantPlatformRole',
            data: { personId: 'li', role: platformRole, reason: 'r' },
            actor: admin,
          })
          .thenRefuses('SEPARATION_OF_DUTIES', 'R-PEOPLE-3');
      }
    }
  });

  it('R-PEOPLE-3: once the content role is revoked, the platform role may be granted (and the other way round)', () => {
    const revoked: PersonEvent = {
      type: 'SiteRoleRevoked',
      data: { personId: 'li', siteId: 'jinan', role: 'editor', revokedBy: 'admin', reason: '调岗' },
    };
    given([registered, grant('editor'), revoked])
      .when({ type: 'GrantPlatformRole', data: { personId: 'li', role: 'auditor', reason: 'r' }, actor: admin })
      .then((events) => expect(events.map((e) => e.type)).toEqual(['PlatformRoleGranted']));
    const unAudited: PersonEvent = {
      type: 'PlatformRoleRevoked',
      data: { personId: 'li', role: 'auditor', revokedBy: 'admin', reason: '调岗' },
    };
    given([registered, platformGrant('auditor'), unAudited])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .then((events) => expect(events.map((e) => e.type)).toEqual(['SiteRoleGranted']));
  });

  it('R-PEOPLE-3: a platform administrator may still be a site administrator (administration, not content)', () => {
    given([registered, platformGrant('platform_admin')])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'site_admin', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .then((events) => expect(events.map((e) => e.type)).toEqual(['SiteRoleGranted']));
  });

  it('R-PEOPLE-1: no person is registered under the platform’s id or a machine’s (apikey:…), so no token can name one', () => {
    for (const personId of ['system', apiKeyActorId('0123456789abcdef'), 'system:migration']) {
      expect(isReservedActorId(personId), personId).toBe(true);
      expect(personCommandSchemas.RegisterPerson.safeParse({ personId, name: '张三' }).success, personId).toBe(false);
    }
    expect(personCommandSchemas.RegisterPerson.safeParse({ personId: 'jinan-editor', name: '张三' }).success).toBe(
      true,
    );
  });

  it('granting a role already held changes nothing', () => {
    given([registered, grant('editor')])
      .when({
        type: 'GrantSiteRole',
        data: { personId: 'li', siteId: 'jinan', role: 'editor', reason: 'r' },
        actor: admin,
        context: { site: online },
      })
      .then([]);
  });
});
