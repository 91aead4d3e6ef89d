/**
 * A value only one owner may hold (a host unit's site, the city portal, a domain name, an index number), kept in a
 * stream of its own, `claim-<scope>-<value>`. Every change appends with the stream's exact revision, so two
 * concurrent claimants cannot both win, whatever read model lags behind: the store's optimistic concurrency is the
 * lock.
 *
 * A site's values follow the site's own stream, which no claim stream can be written together with (neither store
 * has multi-stream transactions). So a command about to give a site a value first *reserves* it for itself, and once
 * the site's stream has the change, or the change was refused, it *settles* the claim with what the site's state
 * says: whether the site uses the value, at which revision of the site's stream. A claim keeps the newest such fact,
 * and is held while that fact says the value is used or while a reservation is open. Two commands changing one site
 * at once can settle in either order: the later revision wins, never the later writer, so after any interleaving the
 * claims are exactly the values of the sites' final states (R-SITE-7). A reservation whose command never settled (its
 * process died) lapses after `STALE_CLAIM_MS`.
 *
 * Index numbers are claimed for good by the resource that carries them (`ValueClaimed`), and so are the rows of old
 * systems by the resources migrated from them.
 */
import { z } from 'zod';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDateTime } from '../shared/schemas.js';

export const CLAIM_SCOPES = {
  /** R-SITE-1: a host unit runs at most one site. */
  'host-unit': {
    code: 'HOST_UNIT_HAS_SITE',
    rule: 'R-SITE-1',
    zh: '该主办单位已开办网站',
    en: 'this host unit already runs a site',
  },
  /** R-SITE-2: there is exactly one city portal. */
  'city-portal': {
    code: 'CITY_PORTAL_EXISTS',
    rule: 'R-SITE-2',
    zh: '全市只能有一个市政府门户网站',
    en: 'there is already a city portal',
  },
  /** R-SITE-7: a domain belongs to one site and is never transferred. */
  domain: {
    code: 'DOMAIN_TAKEN',
    rule: 'R-SITE-7',
    zh: '该域名已属于其他网站',
    en: 'this domain belongs to another site',
  },
  /** Index numbers are unique (assigned ones by their sequence; migrated ones claim here). */
  'index-number': {
    code: 'INDEX_NUMBER_TAKEN',
    rule: 'R-LIB-2',
    zh: '该索引号已被使用',
    en: 'this index number is already in use',
  },
  /**
   * R-LIB-4: the id map of migrations, key side: one resource per row of an old system (the value is the SHA-256 of
   * the system and the original id), whatever configuration migrates it.
   */
  'migration-source': {
    code: 'SOURCE_ROW_MIGRATED',
    rule: 'R-LIB-4',
    zh: '该旧系统记录已迁移为另一资源',
    en: 'this row of the old system was migrated as another resource',
  },
} as const;
export type ClaimScope = keyof typeof CLAIM_SCOPES;

export const claimStream = (scope: ClaimScope, value: string) => `claim-${scope}-${value.toLowerCase()}`;

/** How long a reservation is honoured without being settled: a crash in between must not lock a value forever. */
export const STALE_CLAIM_MS = 10 * 60_000;

const scope = z.enum(Object.keys(CLAIM_SCOPES) as [ClaimScope, ...ClaimScope[]]);
export const claimEventSchemas = {
  /** Held for good (index numbers); in logs written before reservations, also a site's claim. */
  ValueClaimed: z.strictObject({ scope, value: z.string(), owner: id, claimedAt: isoDateTime }),
  /** Only in logs written before reservations: the owner gave the value up. */
  ValueReleased: z.strictObject({ scope, value: z.string(), owner: id }),
  ClaimReserved: z.strictObject({ scope, value: z.string(), owner: id, token: z.string().min(1), at: isoDateTime }),
  ClaimSettled: z.strictObject({
    scope,
    value: z.string(),
    owner: id,
    /** The reservation this settles; null when the command that settles reserved nothing (it gives a value up). */
    token: z.string().min(1).nullable(),
    /** Revision of the owner's stream the fact was read at (-1: the stream does not exist). */
    ownerRevision: z.int().min(-1),
    used: z.boolean(),
  }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type ClaimEvent = Schemas<typeof claimEventSchemas>;

interface ClaimTarget {
  scope: ClaimScope;
  value: string;
  owner: string;
  /** The role the command that takes or settles the value was allowed to act in. */
  role: string;
}

export type ClaimCommand =
  | (ClaimTarget & {
      type: 'Reserve';
      token: string;
      at: string;
      /** The current holder's site never came to exist and its claim is old: it may be taken over. */
      holderIsStale?: boolean;
    })
  | (ClaimTarget & { type: 'Settle'; token: string | null; ownerRevision: number; used: boolean })
  | (ClaimTarget & { type: 'Claim'; at: string });

export interface ClaimState {
  /** Who holds the value, or held it last. */
  owner: string | null;
  /** When the current owner first reserved or claimed it. */
  claimedAt: string | null;
  /** Open reservations of the current owner: token → when made. */
  reservations: ReadonlyMap<string, string>;
  /** The newest fact about the owner's use of the value; revision -1 for facts older than reservations. */
  fact: { ownerRevision: number; used: boolean } | null;
}

/** Whether the value is held at `at`: used by its owner as last settled, or reserved by a command still running. */
export function isHeld(state: ClaimState, at: string): boolean {
  if (state.owner === null) return false;
  if (state.fact?.used) return true;
  const now = Date.parse(at);
  return [...state.reservations.values()].some((since) => now - Date.parse(since) <= STALE_CLAIM_MS);
}

function taken(scope: ClaimScope, value: string): DomainError {
  const refusal = CLAIM_SCOPES[scope];
  return new DomainError(
    'CONFLICT',
    refusal.code,
    `${refusal.zh}：${value}`,
    `${refusal.en}: ${value}`,
    [],
    refusal.rule,
  );
}

export const claimDecider: Decider<ClaimState, ClaimCommand, ClaimEvent> = {
  initialState: () => ({ owner: null, claimedAt: null, reservations: new Map(), fact: null }),
  decide(command, state) {
    const { scope, value, owner, role } = command;
    switch (command.type) {
      case 'Reserve': {
        if (state.owner !== owner && isHeld(state, command.at) && !command.holderIsStale) throw taken(scope, value);
        // Reserved again even when already held: a concurrent command settling an older fact must not release it.
        return decided(role, {
          type: 'ClaimReserved',
          data: { scope, value, owner, token: command.token, at: command.at },
        });
      }
      case 'Settle': {
        // Someone else holds it now: this fact is about an ownership that has ended.
        if (state.owner !== owner) return decided(role);
        const { token, ownerRevision, used } = command;
        const settlesReservation = token !== null && state.reservations.has(token);
        const newer = state.fact === null || ownerRevision > state.fact.ownerRevision;
        if (!settlesReservation && !newer) return decided(role);
        return decided(role, { type: 'ClaimSettled', data: { scope, value, owner, token, ownerRevision, used } });
      }
      case 'Claim': {
        if (state.owner === owner && state.fact?.used) return decided(role);
        if (state.owner !== owner && isHeld(state, command.at)) throw taken(scope, value);
        return decided(role, { type: 'ValueClaimed', data: { scope, value, owner, claimedAt: command.at } });
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ValueClaimed':
        return {
          owner: event.data.owner,
          claimedAt: state.owner === event.data.owner ? state.claimedAt : event.data.claimedAt,
          reservations: state.owner === event.data.owner ? state.reservations : new Map(),
          fact: { ownerRevision: -1, used: true },
        };
      case 'ValueReleased':
        return state.owner === event.data.owner
          ? { ...state, reservations: new Map(), fact: { ownerRevision: -1, used: false } }
          : state;
      case 'ClaimReserved': {
        const { owner, token, at } = event.data;
        if (state.owner !== owner) return { owner, claimedAt: at, reservations: new Map([[token, at]]), fact: null };
        return { ...state, reservations: new Map(state.reservations).set(token, at) };
      }
      case 'ClaimSettled': {
        const { owner, token, ownerRevision, used } = event.data;
        if (state.owner !== owner) return state;
        const reservations = new Map(state.reservations);
        if (token !== null) reservations.delete(token);
        const newer = state.fact === null || ownerRevision > state.fact.ownerRevision;
        return { ...state, reservations, fact: newer ? { ownerRevision, used } : state.fact };
      }
    }
  },
};

export const claimAggregate: Aggregate<ClaimState, ClaimCommand, ClaimEvent> = {
  decider: claimDecider,
  eventSchemas: claimEventSchemas,
};
