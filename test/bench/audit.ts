/**
 * The audit log (`npm run bench -- audit`), each figure against a baseline measured in the same run:
 *   (a) tree building from canonical leaves (leaf hashes, tiles, SQLite, a checkpoint per 500-leaf batch, as the
 *       projection writes them) in leaves/s, against bare `crypto.hash` of the same leaves: target ≥ 0.5×; with the
 *       canonical encoding's own rate beside it;
 *   (b) the time to build the tree over a log of 1,000,000 events (BENCH_AUDIT_EVENTS), through the projection runner;
 *   (c) inclusion proofs at that size: generation from the stored tiles, the API's whole proof (event read, entry,
 *       checkpoint), and verification with the outside verifier's code, p50/p99; proof sizes against ⌈log₂ n⌉;
 *   (d) publication → covered by a signed checkpoint, p99, against the checkpoint interval: target ≤ interval + 100 ms;
 *   (e) the event store's single and batched appends with the tree projection (and its checkpointer) following live
 *       beside it, on its worker thread (as production runs it) and on the same thread, against the same appends to a
 *       store without it: target ≥ 0.9×.
 */
import { hash, randomUUID } from 'node:crypto';
import { eventLeafText } from '../../domain/audit/event-leaf.js';
import { leafHashOfText } from '../../domain/audit/tree-hash.js';
import type { RecordedEvent } from '../../domain/event-store/event.js';
import { loadAuditSigner } from '../../infra/audit/audit-signing-key.js';
import { AuditTreeWorker } from '../../infra/audit/audit-tree-in-worker.js';
import { verifyInclusion } from '../../infra/audit-verifier/rfc9162.js';
import { SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { openAuditLog } from '../../projections/audit-log/audit-log.js';
import { AuditTree } from '../../projections/audit-log/audit-tree.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { tempDir } from '../support/temp-dir.js';
import { event } from './eventstore.js';
import { median, percentile, progress, round, seconds } from './measure.js';

const LOG_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const BUILD_LEAVES = 200_000;
const BATCH = 500;
const PROOFS = 2_000;
const INTERVAL_MS = 500;
const PUBLICATIONS = 100;
const STREAMS = 2_000;
const SINGLE_PER_ROUND = 800;
const ROUNDS = 6;

function recorded(i: number): RecordedEvent {
  return {
    ...event(i),
    streamId: `resource-${i % 10_000}`,
    revision: Math.floor(i / 10_000),
    position: i + 1,
    recordedAt: new Date(1_790_000_000_000 + i).toISOString(),
  };
}

async function treeBuilding(dir: string) {
  progress(`(a) ${BUILD_LEAVES} canonical leaves`);
  const events = Array.from({ length: BUILD_LEAVES }, (_, i) => recorded(i));
  let start = process.hrtime.bigint();
  const texts = events.map(eventLeafText);
  const canonicalRate = BUILD_LEAVES / seconds(start);
  const bytes = texts.map((t) => Buffer.from(t));
  const positions = events.map((e) => e.position);
  const treeRates: number[] = [];
  const hashRates: number[] = [];
  for (let round = 0; round < 5; round++) {
    progress(`(a) round ${round + 1}/5`);
    start = process.hrtime.bigint();
    let sink = 0;
    for (const b of bytes) sink ^= hash('sha256', b, 'buffer')[0]!;
    hashRates.push(BUILD_LEAVES / seconds(start));
    const tree = new AuditTree(`${dir}/build-${round}.sqlite`, 'sha256');
    const target = tree.openTarget('v1');
    start = process.hrtime.bigint();
    for (let i = 0; i < BUILD_LEAVES; i += BATCH) {
      target.appendLeaves(
        texts.slice(i, i + BATCH),
        positions.slice(i, i + BATCH),
        positions[Math.min(i + BATCH, BUILD_LEAVES) - 1]!,
      );
    }
    treeRates.push(BUILD_LEAVES / seconds(start));
    tree.close();
    if (sink === 256) progress('');
  }
  const ratio = round(median(treeRates) / median(hashRates), 3);
  return {
    name: 'tree building from canonical leaves (hashes, tiles, SQLite, checkpoint per 500)',
    leaves: BUILD_LEAVES,
    meanLeafBytes: Math.round(bytes.reduce((n, b) => n + b.length, 0) / bytes.length),
    leavesPerSecond: Math.round(median(treeRates)),
    baselineLeavesPerSecond: Math.round(median(hashRates)),
    ratio,
    target: 0.5,
    meetsTarget: ratio >= 0.5,
    canonicalEncodingPerSecond: Math.round(canonicalRate),
  };
}

async function fill(store: SqliteEventStore, count: number) {
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, k) => event(i + k));
    await store.append(`resource-${(i / 100) % 10_000}`, batch, { expectedRevision: 'any' });
    if (i % 100_000 === 0) progress(`(b) log: ${i}/${count} events`);
  }
}

async function buildAndProve(dir: string) {
  const store = new SqliteEventStore(`${dir}/events.sqlite`, { synchronous: 'NORMAL' });
  await fill(store, LOG_EVENTS);
  const log = openAuditLog(dir, store, {
    algorithm: 'sha256',
    signer: loadAuditSigner({ DATA_DIR: dir }),
    checkpointIntervalMs: 0,
  });
  try {
    progress(`(b) building the tree over ${LOG_EVENTS} events`);
    const runner = new ProjectionRunner(store, log.projection());
    const start = process.hrtime.bigint();
    await runner.start();
    const buildSeconds = seconds(start);
    await runner.stop();
    const size = log.tree.size();
    if (size !== LOG_EVENTS) throw new Error(`the tree has ${size} leaves, the log ${LOG_EVENTS}`);
    const checkpoint = log.checkpointer.checkpointNow();

    progress(`(c) ${PROOFS} inclusion proofs at ${size} leaves`);
    const generate: number[] = [];
    const api: number[] = [];
    const verify: number[] = [];
    const sizes = new Map<number, number>();
    for (let k = 0; k < PROOFS; k++) {
      const index = Math.floor(Math.random() * size);
      let t = process.hrtime.bigint();
      const proof = log.tree.merkleTree().inclusionProof(index, size);
      generate.push(seconds(t) * 1000);
      sizes.set(proof.length, (sizes.get(proof.length) ?? 0) + 1);
      t = process.hrtime.bigint();
      const full = await log.reader.inclusionProof(log.tree.leafPosition(index)!);
      api.push(seconds(t) * 1000);
      t = process.hrtime.bigint();
      verifyInclusion('sha256', index, size, leafHashOfText('sha256', full.entry), proof, checkpoint.rootHash);
      verify.push(seconds(t) * 1000);
    }
    const ceilLog2 = Math.ceil(Math.log2(size));
    const maxHashes = Math.max(...sizes.keys());
    const ms = (values: number[]) => ({ p50: round(percentile(values, 50), 3), p99: round(percentile(values, 99), 3) });
    return {
      build: {
        name: `tree over a log of ${LOG_EVENTS} events, through the projection runner (reading, canonical encoding, hashing, tiles)`,
        events: LOG_EVENTS,
        seconds: round(buildSeconds, 1),
        eventsPerSecond: Math.round(LOG_EVENTS / buildSeconds),
      },
      proofs: {
        name: `inclusion proofs at ${size} leaves`,
        generationFromTilesMs: ms(generate),
        apiProofWithEntryMs: ms(api),
        verificationMs: ms(verify),
        proofHashes: Object.fromEntries([...sizes.entries()].sort((a, b) => a[0] - b[0])),
        ceilLog2N: ceilLog2,
        meetsTarget: maxHashes === ceilLog2,
      },
    };
  } finally {
    log.close();
    await store.close();
  }
}

async function coverage(dir: string) {
  progress(`(d) ${PUBLICATIONS} publications, checkpoint every ${INTERVAL_MS} ms`);
  const store = new SqliteEventStore(`${dir}/events.sqlite`);
  const pending = new Map<number, bigint>();
  const latencies: number[] = [];
  const log = openAuditLog(dir, store, {
    algorithm: 'sha256',
    signer: loadAuditSigner({ DATA_DIR: dir }),
    checkpointIntervalMs: INTERVAL_MS,
    onCheckpoint: (checkpoint) => {
      const now = process.hrtime.bigint();
      for (const [leaf, at] of pending) {
        if (leaf < checkpoint.size) {
          latencies.push(Number(now - at) / 1e6);
          pending.delete(leaf);
        }
      }
    },
  });
  const runner = new ProjectionRunner(store, log.projection());
  await runner.start();
  log.checkpointer.start();
  try {
    for (let i = 0; i < PUBLICATIONS; i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      const published = { ...event(i), type: 'ResourcePublished' };
      await store.append(`resource-pub-${i}`, [published], { expectedRevision: 'no_stream' });
      pending.set(i, process.hrtime.bigint());
    }
    while (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    log.checkpointer.stop();
    await runner.stop();
    log.close();
    await store.close();
  }
  const p99 = percentile(latencies, 99);
  return {
    name: 'publication acknowledged → covered by a signed checkpoint',
    publications: PUBLICATIONS,
    intervalMs: INTERVAL_MS,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(p99, 1),
    target: `≤ ${INTERVAL_MS + 100} ms`,
    meetsTarget: p99 <= INTERVAL_MS + 100,
  };
}

async function appendsBeside(dir: string, mode: 'worker' | 'in-process') {
  const plain = new SqliteEventStore(`${dir}/plain.sqlite`);
  const watched = new SqliteEventStore(`${dir}/watched/events.sqlite`);
  const log = openAuditLog(`${dir}/watched`, watched, {
    algorithm: 'sha256',
    signer: loadAuditSigner({ DATA_DIR: `${dir}/watched` }),
    checkpointIntervalMs: 1_000,
  });
  const runner =
    mode === 'worker'
      ? new AuditTreeWorker(
          watched,
          {
            EVENT_STORE: 'sqlite',
            DATA_DIR: `${dir}/watched`,
            EVENT_STORE_DIR: `${dir}/watched`,
            SQLITE_SYNCHRONOUS: 'FULL',
            KURRENTDB_URL: undefined,
          },
          'sha256',
        )
      : new ProjectionRunner(watched, log.projection());
  try {
    progress(`(e) preparing ${STREAMS} streams in each store`);
    const streams = Array.from({ length: STREAMS }, (_, i) => `resource-${i}`);
    const revisions = { plain: new Array<number>(STREAMS).fill(0), watched: new Array<number>(STREAMS).fill(0) };
    for (const s of streams) {
      await plain.append(s, [event(0)], { expectedRevision: 'no_stream' });
      await watched.append(s, [event(0)], { expectedRevision: 'no_stream' });
    }
    await runner.start();
    log.checkpointer.start();
    const settle = async () => runner.waitFor((await watched.headPosition())!, 60_000);
    const rates = { plain: [] as number[], watched: [] as number[] };
    let cursor = 0;
    for (let r = 0; r < ROUNDS; r++) {
      progress(`(e) round ${r + 1}/${ROUNDS}: ${SINGLE_PER_ROUND} single appends to each store`);
      const events = Array.from({ length: SINGLE_PER_ROUND }, (_, i) => event(i));
      for (const which of r % 2 ? (['watched', 'plain'] as const) : (['plain', 'watched'] as const)) {
        const store = which === 'plain' ? plain : watched;
        const start = process.hrtime.bigint();
        for (let i = 0; i < events.length; i++) {
          const s = (cursor + i) % STREAMS;
          const result = await store.append(streams[s]!, [{ ...events[i]!, id: randomUUID() }], {
            expectedRevision: revisions[which][s]!,
          });
          revisions[which][s] = result.nextExpectedRevision;
        }
        rates[which].push(events.length / seconds(start));
        // The tree's leftover work is done before the other store is measured, not during it.
        await settle();
      }
      cursor += SINGLE_PER_ROUND;
    }
    const batched = { plain: 0, watched: 0 };
    for (let slice = 0; slice < 6; slice++) {
      progress(`(e) slice ${slice + 1}/6: 100 batches of 100 events to each store`);
      const batches = Array.from({ length: 100 }, (_, b) => Array.from({ length: 100 }, (_, k) => event(b * 100 + k)));
      for (const which of slice % 2 ? (['watched', 'plain'] as const) : (['plain', 'watched'] as const)) {
        const store = which === 'plain' ? plain : watched;
        const start = process.hrtime.bigint();
        for (const [b, batch] of batches.entries()) {
          await store.append(
            `batch-${slice}-${b}`,
            batch.map((e) => ({ ...e, id: randomUUID() })),
            { expectedRevision: 'no_stream' },
          );
        }
        batched[which] += seconds(start);
        await settle();
      }
    }
    const single = round(median(rates.watched) / median(rates.plain), 3);
    const batch = round(batched.plain / batched.watched, 3);
    return {
      name: `event store appends with the tree projection (${mode === 'worker' ? 'on its worker thread' : 'on the same thread'}) and its checkpointer running beside it`,
      single: {
        appendsPerSecond: Math.round(median(rates.watched)),
        baselineAppendsPerSecond: Math.round(median(rates.plain)),
        ratio: single,
      },
      batchesOf100: {
        eventsPerSecond: Math.round(60_000 / batched.watched),
        baselineEventsPerSecond: Math.round(60_000 / batched.plain),
        ratio: batch,
      },
      target: 0.9,
      meetsTarget: single >= 0.9 && batch >= 0.9,
    };
  } finally {
    log.checkpointer.stop();
    await runner.stop();
    log.close();
    await plain.close();
    await watched.close();
  }
}

export async function auditBenchmark() {
  const dirs = ['build', 'log', 'coverage', 'appends', 'appends-same-thread'].map((label) =>
    tempDir(`bench-audit-${label}`),
  );
  try {
    const building = await treeBuilding(dirs[0]!.path);
    const appends = await appendsBeside(dirs[3]!.path, 'worker');
    const appendsSameThread = await appendsBeside(dirs[4]!.path, 'in-process');
    const covered = await coverage(dirs[2]!.path);
    const { build, proofs } = await buildAndProve(dirs[1]!.path);
    return {
      benchmark: 'audit',
      node: process.version,
      algorithm: 'sha256',
      results: [building, build, proofs, covered, appends, appendsSameThread],
    };
  } finally {
    for (const d of dirs) d.remove();
  }
}
