/**
 * The audit log (`npm run bench -- audit`), each figure against a baseline measured in the same run
 * (BENCH_AUDIT_PARTS=a,e runs only those parts):
 *   (a) tree building from canonical leaves in leaves/s: leaf hashes, node hashes, tiles and leaf positions written to
 *       SQLite with a checkpoint per 500-leaf batch, as the projection writes them, against bare `crypto.hash` of the
 *       same leaf bytes (the fastest of its output forms), rounds interleaved: target ≥ 0.5×; with CPU time per leaf
 *       beside the wall rate, the same from the canonical text, and the leaf encoder's rate against `canonicalize`;
 *   (b) the time to build the tree over a log of 1,000,000 events (BENCH_AUDIT_EVENTS), through the projection runner;
 *   (c) inclusion proofs at that size: generation from the stored tiles, the API's whole proof (event read, entry,
 *       checkpoint), and verification with the outside verifier's code, p50/p99; proof sizes against ⌈log₂ n⌉;
 *   (d) publication → covered by a signed checkpoint, p99, against the checkpoint interval: target ≤ interval + 100 ms;
 *   (e) the event store's single and batched appends with the tree projection (and its checkpointer) following live
 *       beside it, on its worker thread (as production runs it) and on the same thread, against the same appends to a
 *       store without it (same settings), in paired rounds of alternating order: the median of the rounds' ratios,
 *       target ≥ 0.9×.
 */
import { hash, randomUUID } from 'node:crypto';
import canonicalize from 'canonicalize';
import { eventLeafFields, eventLeafText } from '../../domain/audit/event-leaf.js';
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

const round3 = (value: number) => round(value, 3);

const LOG_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 1_000_000);
const BUILD_LEAVES = 200_000;
const BATCH = 500;
const BUILD_ROUNDS = 5;
const PROOFS = 2_000;
const INTERVAL_MS = 500;
const PUBLICATIONS = 100;
const STREAMS = 2_000;
const SINGLE_PER_ROUND = 400;
const BATCHES_PER_ROUND = 50;
const ROUNDS = 10;

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
  // The reference JCS implementation on the same events, for the encoder's own figure.
  start = process.hrtime.bigint();
  const reference = events.map((e) => canonicalize(eventLeafFields(e)));
  const referenceRate = BUILD_LEAVES / seconds(start);
  if (reference.some((t, i) => t !== texts[i])) throw new Error('the leaf encoder and canonicalize disagree');
  const bytes = texts.map((t) => Buffer.from(t));
  const positions = events.map((e) => e.position);
  type Variant = 'tree' | 'treeFromText' | 'hashBuffer' | 'hashBinary' | 'hashHex';
  const rates: Record<Variant, number[]> = { tree: [], treeFromText: [], hashBuffer: [], hashBinary: [], hashHex: [] };
  // CPU time of this process per leaf beside the wall time: on a machine shared with other work the wall ratio moves
  // with the share of the cores each variant happened to get; CPU time much less.
  const cpu: Record<Variant, number[]> = { tree: [], treeFromText: [], hashBuffer: [], hashBinary: [], hashHex: [] };
  const cpuMicros = () => {
    const { user, system } = process.cpuUsage();
    return user + system;
  };
  let sink = 0;
  /** Seconds to append all leaves to a fresh tree (opening and closing the file are not counted). */
  const buildTree = (file: string, leaves: readonly (string | Uint8Array)[]) => {
    const tree = new AuditTree(file, 'sha256');
    const target = tree.openTarget('v1');
    const begin = process.hrtime.bigint();
    const cpuBegin = cpuMicros();
    for (let i = 0; i < BUILD_LEAVES; i += BATCH) {
      target.appendLeaves(
        leaves.slice(i, i + BATCH),
        positions.slice(i, i + BATCH),
        positions[Math.min(i + BATCH, BUILD_LEAVES) - 1]!,
      );
    }
    const elapsed = { seconds: seconds(begin), cpuMicros: cpuMicros() - cpuBegin };
    tree.close();
    return elapsed;
  };
  const timed = (work: () => void) => {
    const begin = process.hrtime.bigint();
    const cpuBegin = cpuMicros();
    work();
    return { seconds: seconds(begin), cpuMicros: cpuMicros() - cpuBegin };
  };
  const variants: Record<Variant, (round: number) => { seconds: number; cpuMicros: number }> = {
    // Bare crypto.hash of the same leaf bytes, once each, in each of its output forms: a new Buffer (which costs an
    // ArrayBuffer per call), a latin1 string, a hex string. The ratio is taken against the fastest of the three.
    hashBuffer: () =>
      timed(() => {
        for (const b of bytes) sink ^= hash('sha256', b, 'buffer')[0]!;
      }),
    hashBinary: () =>
      timed(() => {
        for (const b of bytes) sink ^= hash('sha256', b, 'binary').charCodeAt(0);
      }),
    hashHex: () =>
      timed(() => {
        for (const b of bytes) sink ^= hash('sha256', b).charCodeAt(0);
      }),
    // The tree from the same bytes: leaf hashes H(0x00 ‖ leaf), node hashes, tiles and leaf positions written to
    // SQLite with a checkpoint per 500-leaf batch, exactly as the projection writes them.
    tree: (r) => buildTree(`${dir}/bytes-${r}.sqlite`, bytes),
    // The same from the canonical text, as the projection has it: UTF-8 encoding included.
    treeFromText: (r) => buildTree(`${dir}/text-${r}.sqlite`, texts),
  };
  const names = Object.keys(variants) as Variant[];
  for (let r = 0; r < BUILD_ROUNDS; r++) {
    progress(`(a) round ${r + 1}/${BUILD_ROUNDS}`);
    // Interleaved, each round in another order, so load that comes and goes falls on every variant alike.
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length]!;
      const took = variants[name](r);
      rates[name].push(BUILD_LEAVES / took.seconds);
      cpu[name].push(took.cpuMicros / BUILD_LEAVES);
    }
  }
  if (sink === 256) progress('');
  const m = Object.fromEntries(names.map((n) => [n, median(rates[n])])) as Record<Variant, number>;
  const baseline = Math.max(m.hashBuffer, m.hashBinary, m.hashHex);
  const cpuPerLeaf = Object.fromEntries(names.map((n) => [n, median(cpu[n])])) as Record<Variant, number>;
  const baselineCpu = Math.min(cpuPerLeaf.hashBuffer, cpuPerLeaf.hashBinary, cpuPerLeaf.hashHex);
  const ratio = round(m.tree / baseline, 3);
  const spread = (values: number[]) => [Math.round(Math.min(...values)), Math.round(Math.max(...values))];
  return {
    name: 'tree building from canonical leaves (leaf and node hashes, tiles, positions, SQLite, checkpoint per 500) against bare crypto.hash of the same leaf bytes',
    leaves: BUILD_LEAVES,
    rounds: BUILD_ROUNDS,
    meanLeafBytes: Math.round(bytes.reduce((n, b) => n + b.length, 0) / bytes.length),
    leavesPerSecond: Math.round(m.tree),
    leavesPerSecondRange: spread(rates.tree),
    baselineLeavesPerSecond: Math.round(baseline),
    baselineBufferOutput: Math.round(m.hashBuffer),
    baselineBinaryOutput: Math.round(m.hashBinary),
    baselineHexOutput: Math.round(m.hashHex),
    ratio,
    target: 0.5,
    meetsTarget: ratio >= 0.5,
    cpuMicrosPerLeaf: round(cpuPerLeaf.tree, 2),
    baselineCpuMicrosPerLeaf: round(baselineCpu, 2),
    cpuRatio: round(baselineCpu / cpuPerLeaf.tree, 3),
    fromTextLeavesPerSecond: Math.round(m.treeFromText),
    fromTextRatio: round(m.treeFromText / baseline, 3),
    canonicalEncodingPerSecond: Math.round(canonicalRate),
    referenceEncoderPerSecond: Math.round(referenceRate),
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
  // Both stores with the same (default) settings: WAL, synchronous FULL, as the platform runs the log.
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
    const catchUp: number[] = [];
    // After a watched run: the tree's leftover work (how far it trailed the appends) and the signing of what it took
    // in are finished before the next run, so neither store's run carries the other's work.
    const settle = async () => {
      const start = process.hrtime.bigint();
      await runner.waitFor((await watched.headPosition())!, 60_000);
      catchUp.push(seconds(start) * 1000);
      log.checkpointer.checkpointNow();
    };
    /** Runs `work` on each store in turn, in alternating order, and returns the two rates of the round. */
    const pairedRound = async (
      r: number,
      work: (store: SqliteEventStore, which: 'plain' | 'watched') => Promise<number>,
    ) => {
      const rate = { plain: 0, watched: 0 };
      for (const which of r % 2 ? (['watched', 'plain'] as const) : (['plain', 'watched'] as const)) {
        const start = process.hrtime.bigint();
        const events = await work(which === 'plain' ? plain : watched, which);
        rate[which] = events / seconds(start);
        if (which === 'watched') await settle();
      }
      return rate;
    };
    const single: { plain: number; watched: number }[] = [];
    let cursor = 0;
    for (let r = 0; r < ROUNDS; r++) {
      progress(`(e) round ${r + 1}/${ROUNDS}: ${SINGLE_PER_ROUND} single appends to each store`);
      const events = Array.from({ length: SINGLE_PER_ROUND }, (_, i) => event(i));
      single.push(
        await pairedRound(r, async (store, which) => {
          for (let i = 0; i < events.length; i++) {
            const s = (cursor + i) % STREAMS;
            const result = await store.append(streams[s]!, [{ ...events[i]!, id: randomUUID() }], {
              expectedRevision: revisions[which][s]!,
            });
            revisions[which][s] = result.nextExpectedRevision;
          }
          return events.length;
        }),
      );
      cursor += SINGLE_PER_ROUND;
    }
    const batched: { plain: number; watched: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      progress(`(e) round ${r + 1}/${ROUNDS}: ${BATCHES_PER_ROUND} batches of 100 events to each store`);
      const batches = Array.from({ length: BATCHES_PER_ROUND }, (_, b) =>
        Array.from({ length: 100 }, (_, k) => event(b * 100 + k)),
      );
      batched.push(
        await pairedRound(r, async (store) => {
          for (const [b, batch] of batches.entries()) {
            await store.append(
              `batch-${r}-${b}`,
              batch.map((e) => ({ ...e, id: randomUUID() })),
              { expectedRevision: 'no_stream' },
            );
          }
          return BATCHES_PER_ROUND * 100;
        }),
      );
    }
    // Each round's two runs share the machine's load of that moment, so the ratio is taken within a round and the
    // median of the rounds' ratios is the figure; the rates are medians too.
    const summary = (rounds: { plain: number; watched: number }[]) => {
      const ratios = rounds.map((x) => x.watched / x.plain);
      return {
        appendsPerSecond: Math.round(median(rounds.map((x) => x.watched))),
        baselineAppendsPerSecond: Math.round(median(rounds.map((x) => x.plain))),
        ratio: round3(median(ratios)),
        roundRatios: ratios.map(round3),
      };
    };
    const singles = summary(single);
    const batches = summary(batched);
    return {
      name: `event store appends with the tree projection (${mode === 'worker' ? 'on its worker thread' : 'on the same thread'}) and its checkpointer running beside it`,
      rounds: ROUNDS,
      single: singles,
      batchesOf100: batches,
      treeCatchUpAfterRunMs: { p50: round(percentile(catchUp, 50), 1), max: round(Math.max(...catchUp), 1) },
      target: 0.9,
      meetsTarget: singles.ratio >= 0.9 && batches.ratio >= 0.9,
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
  // BENCH_AUDIT_PARTS=a,e runs only those parts (for repeated runs of one figure); all of them by default.
  const parts = new Set((process.env.BENCH_AUDIT_PARTS ?? 'a,b,c,d,e').split(',').map((p) => p.trim()));
  try {
    const results: unknown[] = [];
    if (parts.has('a')) results.push(await treeBuilding(dirs[0]!.path));
    if (parts.has('b') || parts.has('c')) {
      const { build, proofs } = await buildAndProve(dirs[1]!.path);
      results.push(build, proofs);
    }
    if (parts.has('d')) results.push(await coverage(dirs[2]!.path));
    if (parts.has('e')) {
      results.push(await appendsBeside(dirs[3]!.path, 'worker'));
      results.push(await appendsBeside(dirs[4]!.path, 'in-process'));
    }
    return { benchmark: 'audit', node: process.version, algorithm: 'sha256', results };
  } finally {
    for (const d of dirs) d.remove();
  }
}
