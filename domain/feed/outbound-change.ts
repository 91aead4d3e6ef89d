/**
 * What the provincial library is told of a change of one of the city's resources (R-LIB-3): its publication, its
 * correction, its withdrawal, its archiving, each once, and only as far as the resource's sharing type allows.
 *
 * A resource marked 不予共享 never leaves the city: none of its versions is sent. A resource the province holds that a
 * correction marks 不予共享 is withdrawn from the province (its content stays here). A resource the province never had
 * is first sent as a publication, even when the city's change was a correction; 有条件共享 leaves with its condition,
 * which its metadata carries.
 */
import { DEFAULT_SHARING, type Sharing } from '../metadata/vocabulary.js';

export const OUTBOUND_CHANGES = ['published', 'corrected', 'withdrawn', 'archived'] as const;
export type OutboundChange = (typeof OUTBOUND_CHANGES)[number];

/** Why the province is told to remove a resource: the city withdrew it, or it may no longer be shared. */
export type WithdrawalCause = 'withdrawn' | 'no-longer-shared';

export interface ProvinceTold {
  change: OutboundChange;
  cause?: WithdrawalCause;
}

/** The library events that change what the province holds (a resource migrated from an old site is a publication). */
export type OutboundEventType = 'ResourcePublished' | 'ResourceMigrated' | 'ResourceWithdrawn' | 'ResourceArchived';

export function mayLeaveTheCity(sharing: Sharing | undefined): boolean {
  return (sharing ?? DEFAULT_SHARING) !== '不予共享';
}

/**
 * `provinceHasIt`: whether the province holds the resource (was told of it and not told to remove it); `sharing`:
 * the resource's sharing type after the change (of the version just published, for a publication).
 */
export function whatTheProvinceIsTold(
  event: OutboundEventType,
  provinceHasIt: boolean,
  sharing: Sharing | undefined,
): ProvinceTold | null {
  switch (event) {
    case 'ResourcePublished':
    case 'ResourceMigrated':
      if (!mayLeaveTheCity(sharing)) return provinceHasIt ? { change: 'withdrawn', cause: 'no-longer-shared' } : null;
      return { change: provinceHasIt ? 'corrected' : 'published' };
    case 'ResourceWithdrawn':
      return provinceHasIt ? { change: 'withdrawn', cause: 'withdrawn' } : null;
    case 'ResourceArchived':
      return provinceHasIt ? { change: 'archived' } : null;
  }
}

export function provinceHasItAfter(told: ProvinceTold | null, before: boolean): boolean {
  return told === null ? before : told.change !== 'withdrawn';
}
