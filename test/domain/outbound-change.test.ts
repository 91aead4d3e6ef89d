/**
 * R-LIB-3, the outbound half, as a table: what the province is told of each change of a city resource, given
 * whether it holds the resource and the resource's sharing type after the change.
 */
import { describe, expect, it } from 'vitest';
import { mayLeaveTheCity, provinceHasItAfter, whatTheProvinceIsTold } from '../../domain/feed/outbound-change.js';

describe('what the provincial library is told (R-LIB-3)', () => {
  it.each([
    ['ResourcePublished', false, '无条件共享', { change: 'published' }],
    ['ResourcePublished', false, '有条件共享', { change: 'published' }],
    ['ResourcePublished', false, undefined, { change: 'published' }],
    ['ResourcePublished', false, '不予共享', null],
    ['ResourcePublished', true, '无条件共享', { change: 'corrected' }],
    ['ResourcePublished', true, '不予共享', { change: 'withdrawn', cause: 'no-longer-shared' }],
    // A resource migrated from an old site (R-LIB-4) is published in the city: the province is told as of a publication.
    ['ResourceMigrated', false, '无条件共享', { change: 'published' }],
    ['ResourceMigrated', false, '不予共享', null],
    ['ResourceMigrated', true, '有条件共享', { change: 'corrected' }],
    ['ResourceMigrated', true, '不予共享', { change: 'withdrawn', cause: 'no-longer-shared' }],
    ['ResourceWithdrawn', true, '无条件共享', { change: 'withdrawn', cause: 'withdrawn' }],
    ['ResourceWithdrawn', false, '不予共享', null],
    ['ResourceArchived', true, '有条件共享', { change: 'archived' }],
    ['ResourceArchived', false, '不予共享', null],
  ] as const)('R-LIB-3: %s, province holds it: %s, sharing %s → %j', (event, holds, sharing, told) => {
    expect(whatTheProvinceIsTold(event, holds, sharing)).toEqual(told);
  });

  it('R-LIB-3: only 不予共享 keeps a resource in the city; the province holds what it was told of until told to remove it', () => {
    expect(mayLeaveTheCity('不予共享')).toBe(false);
    expect(mayLeaveTheCity('有条件共享')).toBe(true);
    expect(provinceHasItAfter({ change: 'published' }, false)).toBe(true);
    expect(provinceHasItAfter({ change: 'archived' }, true)).toBe(true);
    expect(provinceHasItAfter({ change: 'withdrawn', cause: 'no-longer-shared' }, true)).toBe(false);
    expect(provinceHasItAfter(null, true)).toBe(true);
    expect(provinceHasItAfter(null, false)).toBe(false);
  });
});
