/**
 * R-LIB-3 with several processes: the outbound feed's lease goes to one holder at a time, is renewed by its holder,
 * lapses when its term ends without renewal, and is given up at once by a clean stop; two connections to the same
 * file (two processes) see the same lease.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOUND_LEASE_FILE, OutboundLease } from '../../infra/feed/outbound-lease.js';
import { tempDir } from '../support/temp-dir.js';

describe('the outbound feed lease', () => {
  const dir = tempDir('outbound-lease');
  const opened: OutboundLease[] = [];
  let test = 0;
  beforeEach(() => {
    test++;
  });
  /** A connection to this test's lease file, as one process would open it. */
  const open = () => {
    const lease = new OutboundLease(join(dir.path, String(test), OUTBOUND_LEASE_FILE));
    opened.push(lease);
    return lease;
  };
  afterEach(() => {
    for (const lease of opened.splice(0)) lease.close();
  });

  it('R-LIB-3: one holder at a time; its renewals keep it; a lapsed term lets another take it', () => {
    const a = open();
    const b = open();
    expect(a.take('a', 1_000, 10_000)).toBe(true);
    expect(b.take('b', 1_001, 10_000)).toBe(false);
    expect(b.holder(1_001)).toBe('a');
    expect(a.take('a', 8_000, 10_000)).toBe(true);
    expect(b.take('b', 12_000, 10_000)).toBe(false);
    expect(b.take('b', 18_000, 10_000)).toBe(true);
    expect(a.take('a', 18_001, 10_000)).toBe(false);
    expect(a.holder(18_001)).toBe('b');
    expect(a.holder(28_000)).toBeNull();
  });

  it('R-LIB-3: a clean stop gives the lease up at once; another holder’s release changes nothing', () => {
    const a = open();
    const b = open();
    expect(a.take('a', 1_000, 10_000)).toBe(true);
    b.release('b');
    expect(b.holder(1_001)).toBe('a');
    a.release('a');
    expect(b.holder(1_001)).toBeNull();
    expect(b.take('b', 1_002, 10_000)).toBe(true);
  });
});
