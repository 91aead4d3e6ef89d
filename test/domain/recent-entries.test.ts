/**
 * The bound behind the state cache and the index numbers remembered for retries (domain/shared/recent-entries.ts):
 * what is set or read recently stays, the rest goes, and a deleted entry is gone from both generations.
 */
import { describe, expect, it } from 'vitest';
import { RecentEntries } from '../../domain/shared/recent-entries.js';

describe('recent entries', () => {
  it('keeps between half the bound and the bound, the newest first', () => {
    const entries = new RecentEntries<number>(100);
    for (let i = 0; i < 1_000; i++) entries.set(`k-${i}`, i);
    const kept = Array.from({ length: 1_000 }, (_, i) => entries.get(`k-${i}`)).filter((v) => v !== undefined);
    expect(kept.length).toBeGreaterThanOrEqual(50);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept.at(-1)).toBe(999);
    expect(entries.get('k-0')).toBeUndefined();
  });

  it('an entry read from the older generation moves back; a deleted one is gone from both', () => {
    const entries = new RecentEntries<string>(4);
    entries.set('a', 'A');
    entries.set('b', 'B');
    entries.set('c', 'C'); // a and b are now the older generation
    expect(entries.get('a')).toBe('A'); // back in the young one
    entries.set('d', 'D'); // the young one (c, a) turns old; b is dropped
    expect(entries.get('b')).toBeUndefined();
    expect(entries.get('a')).toBe('A');
    entries.delete('a');
    expect(entries.get('a')).toBeUndefined();
  });
});
