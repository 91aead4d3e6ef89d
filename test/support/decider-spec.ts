/**
 * Decider tests as given-events / when-command / then-events-or-error, the form every rule test takes.
 */
import { expect } from 'vitest';
import type { Actor, PlatformRole, SiteRole } from '../../domain/shared/actor.js';
import type { Decider, DomainEvent } from '../../domain/shared/decider.js';
import { DomainError } from '../../domain/shared/domain-error.js';

export function deciderSpec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return (given: Event[]) => ({
    when: (command: Command) => {
      const decide = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the form rule tests take; this object is never awaited.
        then(expected: Event[] | ((events: Event[]) => void)) {
          const { events } = decide();
          if (typeof expected === 'function') expected(events);
          else expect(events).toEqual(expected);
        },
        /** The decision allows the actor in `role` (recorded in the events' metadata); returns its events. */
        thenActsAs(role: string): Event[] {
          const decision = decide();
          expect(decision.role).toBe(role);
          return decision.events;
        },
        thenRefuses(code: string, rule?: string): DomainError {
          let error: unknown;
          try {
            decide();
          } catch (e) {
            error = e;
          }
          expect(error, `expected the command to be refused with ${code}`).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (rule) expect((error as DomainError).rule).toBe(rule);
          return error as DomainError;
        },
      };
    },
  });
}

export interface ActorRoles {
  sites?: Record<string, SiteRole[]>;
  revoked?: Record<string, SiteRole[]>;
  platform?: PlatformRole[];
  deactivated?: boolean;
}

export function actor(personId: string, roles: ActorRoles = {}): Actor {
  const toMap = (r: Record<string, SiteRole[]> = {}) =>
    new Map(Object.entries(r).map(([site, list]) => [site, new Set(list)]));
  return {
    personId,
    deactivated: roles.deactivated ?? false,
    platformRoles: new Set(roles.platform ?? []),
    revokedPlatformRoles: new Set(),
    siteRoles: toMap(roles.sites),
    revokedSiteRoles: toMap(roles.revoked),
  };
}
