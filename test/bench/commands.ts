/**
 * The full command path (read the streams, decide, append) on the embedded store for a realistic mix: each resource
 * is drafted, submitted, passes three reviews and is published (six commands, seven appends with the index number).
 * Baseline, in the same run: the very rows each round wrote, appended again as raw single-event better-sqlite3
 * transactions in the same WAL/FULL mode (resource events carry the whole metadata, so their size matters).
 */
import type { Platform } from '../../domain/platform.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, staffedPlatform } from '../support/platform-fixture.js';
import { RawLog } from './eventstore.js';
import { median, progress, round, seconds } from './measure.js';

const ROUNDS = 5;
const RESOURCES_PER_ROUND = 60;
const COMMANDS_PER_RESOURCE = 6;

async function workflow(platform: Platform, resourceId: string, title: string): Promise<void> {
  await platform.execute(
    'DraftResource',
    { resourceId, siteId: 'jinan', metadata: sampleMetadata({ title }) },
    at('wang'),
  );
  await platform.execute('SubmitResource', { resourceId }, at('wang'));
  await platform.execute('PassFirstReview', { resourceId }, at('zhao'));
  await platform.execute('PassSecondReview', { resourceId }, at('li'));
  await platform.execute('PassFinalReview', { resourceId }, at('chen'));
  await platform.execute('PublishResource', { resourceId, columnIds: ['notices'] }, at('chen'));
}

/** Runs `count` workflows with at most `inFlight` of them under way at once. */
async function runWorkflows(platform: Platform, first: number, count: number, inFlight: number): Promise<void> {
  let next = first;
  const end = first + count;
  const worker = async () => {
    while (next < end) {
      const n = next++;
      await workflow(platform, `res-${n}`, `关于印发第${n}号管理办法的通知`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export async function commandsBenchmark() {
  const fixture = await staffedPlatform();
  const { store, platform } = fixture;
  const raw = new RawLog(`${fixture.dataDir}/raw.sqlite`);
  try {
    const results = [];
    let n = 0;
    // One command at a time is the worst case (every commit pays its fsync alone); a server sees many editors at
    // once, and then concurrent commands share commits (the store's group commit).
    for (const inFlight of [1, 16]) {
      const commandRates: number[] = [];
      const rawRates: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        progress(
          `commands, ${inFlight} in flight, round ${r + 1}/${ROUNDS}: ${RESOURCES_PER_ROUND} resources × ${COMMANDS_PER_RESOURCE} commands`,
        );
        const head = (await store.headPosition()) ?? undefined;
        let start = process.hrtime.bigint();
        await runWorkflows(platform, n, RESOURCES_PER_ROUND, inFlight);
        n += RESOURCES_PER_ROUND;
        commandRates.push((RESOURCES_PER_ROUND * COMMANDS_PER_RESOURCE) / seconds(start));
        const written = await store.readAll({ maxCount: 100_000, ...(head === undefined ? {} : { after: head }) });
        start = process.hrtime.bigint();
        for (const e of written) raw.one(e.streamId, e.revision, e);
        rawRates.push(written.length / seconds(start));
      }
      const commandsPerSecond = median(commandRates);
      const baseline = median(rawRates);
      const ratio = round(commandsPerSecond / baseline, 3);
      results.push({
        name: `full command path (read, decide, append), ${inFlight === 1 ? 'one command at a time' : `${inFlight} workflows in flight`}`,
        commands: ROUNDS * RESOURCES_PER_ROUND * COMMANDS_PER_RESOURCE,
        commandsPerSecond: Math.round(commandsPerSecond),
        baselineAppendsPerSecond: Math.round(baseline),
        ratio,
        target: 0.5,
        meetsTarget: ratio >= 0.5,
      });
    }
    return {
      benchmark: 'commands',
      node: process.version,
      mix: 'DraftResource, SubmitResource, PassFirstReview, PassSecondReview, PassFinalReview, PublishResource',
      baseline:
        'the same rows appended one at a time as raw better-sqlite3 single-event transactions (WAL, synchronous=FULL), same run',
      results,
    };
  } finally {
    raw.db.close();
    await fixture.dispose();
  }
}
