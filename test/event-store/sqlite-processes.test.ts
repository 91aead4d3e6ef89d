/**
 * What the contract cannot show from one process: the embedded store shared by two processes, and an
 * acknowledged append surviving SIGKILL at any moment.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WrongExpectedVersion } from '../../domain/event-store/errors.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { newEvent } from '../support/events.js';
import { tempDir } from '../support/temp-dir.js';
import { killWorkers, startWorker } from '../support/worker-process.js';

const worker = new URL('../support/event-store-worker.ts', import.meta.url);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(killWorkers);

describe('embedded event store group commit', () => {
  it('concurrent appends share commits, and a refused one does not undo the others', async () => {
    const dir = tempDir('group-commit');
    const store = openSqliteEventStore(dir.path);
    await store.append('taken', [newEvent('Opened')], { expectedRevision: 'no_stream' });
    const before = store.commits;
    const results = await Promise.allSettled([
      ...Array.from({ length: 40 }, (_, i) =>
        store.append(`s-${i}`, [newEvent('Opened')], { expectedRevision: 'no_stream' }),
      ),
      store.append('taken', [newEvent('Opened')], { expectedRevision: 'no_stream' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40);
    expect((results[40] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersion);
    expect(store.commits - before).toBeLessThan(5);
    expect(await store.readAll({ maxCount: 1000 })).toHaveLength(41);
    await store.close();
    dir.remove();
  });

  it('appends requested just before close are written, not dropped', async () => {
    const dir = tempDir('close');
    const store = openSqliteEventStore(dir.path);
    const pending = store.append('s', [newEvent('Opened')], { expectedRevision: 'no_stream' });
    await store.close();
    expect((await pending).nextExpectedRevision).toBe(0);
    const reopened = openSqliteEventStore(dir.path);
    expect(await reopened.streamRevision('s')).toBe(0);
    await reopened.close();
    dir.remove();
  });
});

describe('embedded event store across processes', () => {
  it('two processes incrementing one stream never lose an update', async () => {
    const dir = tempDir('two-processes');
    const perProcess = 1000;
    const startAt = String(Date.now() + 500);
    const a = startWorker(worker, 'counter', dir.path, String(perProcess), startAt);
    const b = startWorker(worker, 'counter', dir.path, String(perProcess), startAt);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const store = openSqliteEventStore(dir.path);
    const events = await store.readStream('counter-shared');
    expect(events).toHaveLength(2 * perProcess);
    expect(events.map((e) => e.data.value)).toEqual(events.map((_, i) => i));
    // The writers really overlapped: one of them wrote both before and after the other (SQLite's busy handler lets the
    // lock holder run for a while, so how often the stream changes hands varies from run to run).
    const handovers = events.filter((e, i) => i > 0 && e.data.pid !== events[i - 1]!.data.pid).length;
    expect(handovers).toBeGreaterThanOrEqual(2);
    await store.close();
    dir.remove();
  }, 60_000);

  it('every acknowledged append survives SIGKILL at random moments, once, without gaps or torn events', async () => {
    const dir = tempDir('kill-9');
    const acknowledged: Array<{ stream: string; ids: string[] }> = [];
    for (let round = 0; round < 5; round++) {
      const run = startWorker(worker, 'durable', dir.path);
      // Wait until it is writing, then kill it at a random moment of its work.
      while (run.lines.length === 0) await sleep(20);
      await sleep(50 + Math.floor(Math.random() * 400));
      run.child.kill('SIGKILL');
      await run.exited;
      acknowledged.push(...run.lines.map((line) => JSON.parse(line) as { stream: string; ids: string[] }));
    }
    expect(acknowledged.length).toBeGreaterThan(20);

    const store = openSqliteEventStore(dir.path);
    const all = await store.readAll({ maxCount: 100_000 });
    const seen = new Map<string, number>();
    for (const event of all) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
    for (const { ids } of acknowledged) for (const id of ids) expect(seen.get(id)).toBe(1);
    for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
    for (const stream of new Set(all.map((e) => e.streamId))) {
      const events = await store.readStream(stream);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    }
    for (const event of all) {
      const { payload, sha256 } = event.data as { payload: string; sha256: string };
      expect(createHash('sha256').update(payload).digest('hex')).toBe(sha256);
    }
    await store.close();
    dir.remove();
  }, 60_000);
});
