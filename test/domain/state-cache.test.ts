/**
 * The cache of folded states (domain/shared/state-cache.ts): bounded, keeps what is used, and never goes back to an
 * older revision of a stream.
 */
import { describe, expect, it } from 'vitest';
import { StateCache } from '../../domain/shared/state-cache.js';

describe('state cache', () => {
  it('keeps the states read often while many others come and go, within its bound', () => {
    const cache = new StateCache(100);
    cache.set('site-portal', 'site', 3);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`resource-${i}`, i, 0);
      expect(cache.get('site-portal')).toEqual({ state: 'site', revision: 3 });
    }
    expect(cache.get('resource-9999')).toEqual({ state: 9999, revision: 0 });
    const kept = Array.from({ length: 10_000 }, (_, i) => cache.get(`resource-${i}`)).filter(Boolean);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.length).toBeGreaterThanOrEqual(50);
  });

  it('never replaces a state by an older revision of it', () => {
    const cache = new StateCache(4);
    cache.set('resource-a', 'second', 2);
    cache.set('resource-a', 'first', 1);
    expect(cache.get('resource-a')).toEqual({ state: 'second', revision: 2 });
    // Also once it moved to the older generation.
    for (const name of ['b', 'c']) cache.set(`resource-${name}`, name, 0);
    cache.set('resource-a', 'first', 1);
    expect(cache.get('resource-a')).toEqual({ state: 'second', revision: 2 });
    cache.set('resource-a', 'third', 3);
    expect(cache.get('resource-a')).toEqual({ state: 'third', revision: 3 });
  });
});
