/**
 * R-LIB-3, at least once: a message the outbound feed sends again after a crash is byte for byte the one it repeats,
 * whatever batch boundaries the replay happens to have. An archiving is the case that depends on them: its body
 * comes from the batch when its publication is in the same one, and from the log otherwise.
 */
import { describe, expect, it } from 'vitest';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openSqliteFeed } from '../../infra/feed/sqlite/sqlite-feed.js';
import { openOutboundFeed } from '../../projections/feed/outbound-feed.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { newEvent } from '../support/events.js';
import { sampleMetadata } from '../support/fixtures.js';
import { tempDir } from '../support/temp-dir.js';

const TOPIC = 'luan.library.resources';

function resourceEvent(type: string, data: Record<string, unknown>) {
  const event = newEvent(type, data as never);
  event.metadata = { ...event.metadata, siteId: 'portal', actorId: 'portal-approver', actorRole: 'approver' };
  return event;
}

const publication = resourceEvent('ResourcePublished', {
  resourceId: 'archived-1',
  version: 1,
  metadata: sampleMetadata({ title: '政务信息资源归档规定', body: '第一条 为了规范政务信息资源归档，制定本规定。' }),
  placements: [{ siteId: 'portal', columnId: 'policies' }],
  indexNumber: '11341500003089416J/2026-00001',
  publishedAt: '2026-11-26T10:00:00.000+08:00',
  by: 'portal-approver',
});
const archiving = resourceEvent('ResourceArchived', {
  resourceId: 'archived-1',
  by: 'portal-approver',
  reason: '专题结束',
});

/** The outbound feed's messages over the same two events, projected in batches of `batchSize`. */
async function messages(batchSize: number) {
  const dir = tempDir('outbound-archiving');
  const store = openSqliteEventStore(dir.path);
  const feed = openSqliteFeed(dir.path);
  try {
    await store.append('resource-archived-1', [publication, archiving], { expectedRevision: 'no_stream' });
    const outbound = openOutboundFeed(dir.path, { feed, log: store, topic: TOPIC, source: 'https://www.luan.gov.cn' });
    const runner = new ProjectionRunner(store, outbound.projection(), { batchSize });
    await runner.start();
    await runner.stop();
    await outbound.close();
    return feed.read(TOPIC, 0, 10);
  } finally {
    await feed.close();
    await store.close();
    dir.remove();
  }
}

describe('R-LIB-3: the outbound feed sends the same bytes for the same event', () => {
  it('R-LIB-3: an archiving projected in a later batch than its publication is the same message as in the same batch', async () => {
    const together = await messages(100);
    const apart = await messages(1);
    expect(together.map((m) => m.headers.ce_type)).toEqual([
      'cn.gov.luan.library.resource.published.v1',
      'cn.gov.luan.library.resource.archived.v1',
    ]);
    const archived = (list: typeof together) => list[1]!;
    expect(JSON.parse(archived(apart).value!.toString('utf8')).metadata.body).toBe(
      '第一条 为了规范政务信息资源归档，制定本规定。',
    );
    expect(archived(apart).headers).toEqual(archived(together).headers);
    expect(archived(apart).value!.equals(archived(together).value!)).toBe(true);
    expect(apart[0]!.value!.equals(together[0]!.value!)).toBe(true);
  });
});
