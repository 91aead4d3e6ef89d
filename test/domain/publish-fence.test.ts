/**
 * The port's fencing rule (domain/feed/feed-port.ts) as the adapters keep it: a failure fences off the publishes to
 * its topic that hold a ticket of its era or an earlier one; publishes called afterwards, and other topics, go on.
 */
import { describe, expect, it } from 'vitest';
import { PublishFence } from '../../domain/feed/publish-fence.js';

describe('publish fence', () => {
  it('fences off the tickets handed out before a failure, not those after it or of another topic', () => {
    const fence = new PublishFence();
    const first = fence.ticket('a');
    const behind = fence.ticket('a');
    const other = fence.ticket('b');
    expect(fence.fenced('a', behind)).toBe(false);
    fence.failed('a', first);
    expect(fence.fenced('a', behind)).toBe(true);
    expect(fence.fenced('b', other)).toBe(false);
    const after = fence.ticket('a');
    expect(after).toBeGreaterThan(first);
    expect(fence.fenced('a', after)).toBe(false);
  });

  it('a late report of an older failure fences nothing handed out since', () => {
    const fence = new PublishFence();
    const old = fence.ticket('a');
    fence.failed('a', old);
    const now = fence.ticket('a');
    fence.failed('a', old);
    expect(fence.fenced('a', now)).toBe(false);
    expect(fence.ticket('a')).toBe(now);
  });
});
