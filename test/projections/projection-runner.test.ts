import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { ProjectionFailed, ProjectionRunner, projectionStream } from '../../projections/runner/projection-runner.js';
import { CountingProjection } from '../support/counting-projection.js';
import { newEvent } from '../support/events.js';
import { tempDir } from '../support/temp-dir.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('projection runner', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: SqliteEventStore;
  const runners: ProjectionRunner[] = [];

  beforeEach(() => {
    dir = tempDir('projections');
    store = openSqliteEventStore(dir.path);
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
    await store.close();
    dir.remove();
  });

  const run = (projection: CountingProjection, options = {}) => {
    const runner = new ProjectionRunner(store, projection.projection(), options);
    runners.push(runner);
    return runner;
  };
  const count = async (n: number, stream = 'c-1', data: Record<string, unknown> = {}) => {
    let last = 0;
    for (let i = 0; i < n; i++)
      last = (await store.append(stream, [newEvent('Counted', { i, ...data })], { expectedRevision: 'any' })).position;
    return last;
  };

  it('catches up from the start, then follows live, taking only the event types it handles', async () => {
    await count(30);
    await store.append('other-1', [newEvent('Ignored')], { expectedRevision: 'any' });
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting, { batchSize: 8 });
    await runner.start();
    expect(counting.applied()).toHaveLength(30);
    expect(runner.status()).toMatchObject({ state: 'live', generation: 'v1' });
    const last = await count(5, 'c-2');
    await runner.waitFor(last);
    expect(counting.applied()).toHaveLength(35);
    expect(await runner.lag()).toBe(0);
  });

  it('fills each transaction with events it handles, and moves its checkpoint across a stretch it skips', async () => {
    for (let i = 0; i < 40; i++) {
      await store.append(
        'other-1',
        [1, 2, 3, 4].map(() => newEvent('Ignored')),
        { expectedRevision: 'any' },
      );
      await count(1);
    }
    for (let i = 0; i < 20; i++)
      await store.append(
        'other-2',
        [1, 2, 3, 4, 5].map(() => newEvent('Ignored')),
        { expectedRevision: 'any' },
      );
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const projection = counting.projection();
    const batches: Array<{ handled: number; checkpoint: number }> = [];
    const runner = new ProjectionRunner(
      store,
      {
        ...projection,
        async openGeneration(generation) {
          const target = await projection.openGeneration(generation);
          return {
            ...target,
            project: (events, checkpoint) => {
              batches.push({ handled: events.length, checkpoint });
              return target.project(events, checkpoint);
            },
          };
        },
      },
      { batchSize: 8 },
    );
    runners.push(runner);
    await runner.start();
    // 40 handled events among 200: five transactions of 8, not twenty-five of 8 events of any kind.
    expect(batches.filter((b) => b.handled > 0).map((b) => b.handled)).toEqual([8, 8, 8, 8, 8]);
    // The 100 skipped events after them are taken at most 80 at a time, and the checkpoint reaches the head.
    expect(batches.length).toBeGreaterThanOrEqual(6);
    expect(batches.at(-1)!.checkpoint).toBe(await store.headPosition());
    expect(await runner.lag()).toBe(0);
  });

  it('reads the next batch while one is projected, and projects one batch at a time, in order', async () => {
    await count(40);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const projection = counting.projection();
    let projecting = 0;
    let most = 0;
    const seen: Array<{ first: number; readAhead: number }> = [];
    let read = 0;
    const runner = new ProjectionRunner(
      {
        headPosition: () => store.headPosition(),
        subscribeToAll: (options: Parameters<SqliteEventStore['subscribeToAll']>[0]) => {
          const subscription = store.subscribeToAll(options);
          const events = subscription[Symbol.asyncIterator]();
          return {
            close: () => subscription.close(),
            [Symbol.asyncIterator]: () => ({
              next: async () => {
                const next = await events.next();
                if (!next.done) read = next.value.position;
                return next;
              },
            }),
          };
        },
      } as unknown as SqliteEventStore,
      {
        ...projection,
        async openGeneration(generation) {
          const target = await projection.openGeneration(generation);
          return {
            ...target,
            project: async (events, checkpoint) => {
              projecting++;
              most = Math.max(most, projecting);
              // A target that waits (a writer thread, a broker): the runner reads on meanwhile.
              await sleep(30);
              seen.push({ first: events[0]!.position, readAhead: read });
              await target.project(events, checkpoint);
              projecting--;
            },
          };
        },
      },
      { batchSize: 8 },
    );
    runners.push(runner);
    await runner.start();
    expect(counting.applied()).toEqual((await store.readAll({ maxCount: 100 })).map((e) => e.id));
    expect(most).toBe(1);
    expect(seen.map((s) => s.first)).toEqual([1, 9, 17, 25, 33]);
    // While a batch waited, the next one had been read: at least its last event, not only the batch's own.
    for (const { first, readAhead } of seen.slice(0, -1)) expect(readAhead).toBeGreaterThanOrEqual(first + 15);
  });

  it('a batch that fails while the next is being read stops the runner at its event, and the next is not projected', async () => {
    await count(3);
    const poisoned = await count(1, 'c-1', { poison: true });
    await count(20);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting, { batchSize: 4 });
    const error = await runner.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectionFailed);
    expect(runner.status()).toMatchObject({ state: 'failed', checkpoint: poisoned - 1 });
    expect(counting.applied('v1')).toHaveLength(3);
  });

  it('resumes from its checkpoint after a restart, with no event lost or applied twice', async () => {
    await count(20);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const first = run(counting);
    await first.start();
    await first.stop();
    await count(15);
    const second = run(new CountingProjection(`${dir.path}/counting.sqlite`));
    await second.start();
    const ids = counting.applied();
    expect(ids).toHaveLength(35);
    expect(new Set(ids).size).toBe(35);
    const events = await store.readAll({ maxCount: 1000, filter: { eventTypes: ['Counted'] } });
    expect(ids).toEqual(events.map((e) => e.id));
  });

  it('survives kill -9 at random moments: every event applied exactly once, in order', async () => {
    const worker = new URL('../support/projection-worker.ts', import.meta.url).pathname;
    let written = 0;
    for (let round = 0; round < 4; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, dir.path], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise((resolve) => child.on('close', resolve));
      // Events keep arriving while the projection runs, and it is killed somewhere in the middle.
      const writing = (async () => {
        for (let i = 0; i < 40; i++) {
          await store.append(
            `k-${round}`,
            Array.from({ length: 5 }, (_, k) => newEvent('Counted', { round, i, k })),
            { expectedRevision: 'any' },
          );
          written += 5;
          if (i % 8 === 0) await sleep(5);
        }
      })();
      await sleep(150 + Math.floor(Math.random() * 400));
      child.kill('SIGKILL');
      await Promise.all([exited, writing]);
    }
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting);
    await runner.start();
    const ids = counting.applied();
    const events = await store.readAll({ maxCount: 10_000, filter: { eventTypes: ['Counted'] } });
    expect(events).toHaveLength(written);
    expect(ids).toEqual(events.map((e) => e.id));
  }, 60_000);

  it('a new version is built into a fresh generation while the old one keeps answering, then replaces it', async () => {
    await count(10);
    const v1 = new CountingProjection(`${dir.path}/counting.sqlite`, 1);
    const first = run(v1);
    await first.start();
    await first.stop();
    await count(200);
    const v2 = new CountingProjection(`${dir.path}/counting.sqlite`, 2);
    const seenDuringBuild: Array<[string | null, number]> = [];
    const second = run(v2, {
      batchSize: 20,
      onProgress: () => seenDuringBuild.push([v2.generations.active(), v2.applied().length]),
    });
    await second.start();
    // Until it caught up, readers saw the complete old generation, never a partial new one.
    expect(seenDuringBuild.length).toBeGreaterThan(3);
    for (const [active, applied] of seenDuringBuild.slice(0, -1)) {
      expect(active).toBe('v1');
      expect(applied).toBe(10);
    }
    expect(v2.generations.active()).toBe('v2');
    expect(v2.applied()).toHaveLength(210);
    expect(v2.db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'applied_v1'").pluck().get()).toBe(0);
  });

  it('an on-demand rebuild of the same version replaces the active generation, and later runs follow it', async () => {
    await count(20);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const first = run(counting);
    await first.start();
    await first.stop();
    const rebuild = run(counting, { generation: 'v1-rebuild' });
    await rebuild.start();
    await rebuild.stop();
    expect(counting.generations.active()).toBe('v1-rebuild');
    await count(5);
    const later = run(counting);
    await later.start();
    expect(later.status().generation).toBe('v1-rebuild');
    expect(counting.applied()).toHaveLength(25);
  });

  it('stops at an event it cannot handle, naming it; retry after a fix continues from there', async () => {
    await count(3);
    const poisoned = await count(1, 'c-1', { poison: true });
    await count(3);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting);
    const error = await runner.start().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectionFailed);
    expect(runner.status()).toMatchObject({
      state: 'failed',
      checkpoint: poisoned - 1,
      failure: { position: poisoned, eventType: 'Counted' },
    });
    expect((error as ProjectionFailed).message).toContain('cannot count poisoned event');
    expect(counting.applied('v1')).toHaveLength(3);
    counting.cure();
    await runner.retry();
    expect(counting.applied()).toHaveLength(7);
  });

  it('skipping a failed event is explicit and recorded in the log', async () => {
    await count(2);
    const poisoned = await count(1, 'c-1', { poison: true });
    await count(2);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting);
    await runner.start().catch(() => {});
    await runner.skipFailedEvent('数据错误，已人工核对', {
      actorId: 'admin',
      actorRole: 'platform_admin',
      occurredAt: '2026-11-26T12:00:00+08:00',
    });
    expect(counting.applied()).toHaveLength(4);
    const [skip] = await store.readStream(projectionStream('counting'));
    expect(skip).toMatchObject({
      type: 'ProjectionEventSkipped',
      data: { position: poisoned, reason: '数据错误，已人工核对' },
      metadata: { actorId: 'admin' },
    });
  });

  it('reports lag while behind', async () => {
    await count(50);
    const counting = new CountingProjection(`${dir.path}/counting.sqlite`);
    const runner = run(counting);
    expect(await runner.lag()).toBeGreaterThan(0);
    await runner.start();
    expect(await runner.lag()).toBe(0);
  });
});
