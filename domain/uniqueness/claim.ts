/**
 * A value only one owner may hold (a host unit's site, the city portal, a domain name), kept in a stream of its
 * own, `claim-<scope>-<value>`. Claiming appends with the stream's exact revision, so two concurrent claimants
 * cannot both win, whatever read model lags behind: the store's optimistic concurrency is the lock.
 */
import { z } from 'zod';
import type { Decider } from '../shared/decider.js';
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
} as const;
export type ClaimScope = keyof typeof CLAIM_SCOPES;

export const claimStream = (scope: ClaimScope, value: string) => `claim-${scope}-${value.toLowerCase()}`;

const scope = z.enum(Object.keys(CLAIM_SCOPES) as [ClaimScope, ...ClaimScope[]]);
export const claimEventSchemas = {
  ValueClaimed: z.strictObject({ scope, value: z.string(), owner: id, claimedAt: isoDateTime }),
  ValueReleased: z.strictObject({ scope, value: z.string(), owner: id }),
};

export type ClaimEvent =
  | { type: 'ValueClaimed'; data: z.infer<typeof claimEventSchemas.ValueClaimed> }
  | { type: 'ValueReleased'; data: z.infer<typeof claimEventSchemas.ValueReleased> };

export type ClaimCommand =
  | { type: 'Claim'; scope: ClaimScope; value: string; owner: string; at: string; ownerIsStale?: boolean }
  | { type: 'Release'; scope: ClaimScope; value: string; owner: string };

export interface ClaimState {
  owner: string | null;
  claimedAt: string | null;
}

export const claimDecider: Decider<ClaimState, ClaimCommand, ClaimEvent> = {
  initialState: () => ({ owner: null, claimedAt: null }),
  decide(command, state) {
    const { scope, value, owner } = command;
    if (command.type === 'Release') {
      return state.owner === owner ? [{ type: 'ValueReleased', data: { scope, value, owner } }] : [];
    }
    if (state.owner === owner) return [];
    if (state.owner !== null && !command.ownerIsStale) {
      const refusal = CLAIM_SCOPES[scope];
      throw new DomainError(refusal.code, `${refusal.zh}：${value}`, `${refusal.en}: ${value}`, [], refusal.rule);
    }
    const released =
      state.owner === null ? [] : [{ type: 'ValueReleased' as const, data: { scope, value, owner: state.owner } }];
    return [...released, { type: 'ValueClaimed', data: { scope, value, owner, claimedAt: command.at } }];
  },
  evolve(state, event) {
    if (event.type === 'ValueClaimed') return { owner: event.data.owner, claimedAt: event.data.claimedAt };
    return state.owner === event.data.owner ? { owner: null, claimedAt: null } : state;
  },
};
