/**
 * The full command path (read the streams, decide, append) on the embedded store for a realistic mix: each resource
 * is drafted, submitted, passes three reviews and is published (six commands, seven appends with the index number).
 * Baseline, in the same run: raw single-event better-sqlite3 transactions in the same WAL/FULL mode.
 */
import { Platform } from '../../domain/platform.js';
import { SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { sampleMetadata } from '../support/fixtures.js';
import { at, COUNTY_SITE, SYSTEM } from '../support/platform-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { event, RawLog } from './eventstore.js';
import { median, progress, round, seconds } from './measure.js';

const ROUNDS = 5;
const RESOURCES_PER_ROUND = 60;
const COMMANDS_PER_RESOURCE = 6;

async function setUp(platform: Platform): Promise<void> {
  await platform.person('RegisterPerson', { personId: 'admin', name: '平台管理员' }, SYSTEM);
  await platform.person('GrantPlatformRole', { personId: 'admin', role: 'platform_admin', reason: '初始化' }, SYSTEM);
  await platform.site('OpenSite', COUNTY_SITE, at('admin'));
  await platform.site(
    'AddColumn',
    {
      siteId: 'jinan',
      channelId: 'disclosure',
      columnId: 'notices',
      name: '通知公告',
      path: '/disclosure/notices',
      updateCycle: 'notices_policy',
    },
    at('admin'),
  );
  for (const [personId, role] of [
    ['wang', 'editor'],
    ['zhao', 'editor'],
    ['li', 'reviewer'],
    ['chen', 'approver'],
  ] as const) {
    await platform.person('RegisterPerson', { personId, name: personId }, at('admin'));
    await platform.person('GrantSiteRole', { personId, siteId: 'jinan', role, reason: '岗位' }, at('admin'));
  }
}

async function workflow(platform: Platform, resourceId: string, title: string): Promise<void> {
  await platform.resource(
    'DraftResource',
    { resourceId, siteId: 'jinan', metadata: sampleMetadata({ title }) },
    at('wang'),
  );
  await platform.resource('SubmitResource', { resourceId }, at('wang'));
  await platform.resource('PassFirstReview', { resourceId }, at('zhao'));
  await platform.resource('PassSecondReview', { resourceId }, at('li'));
  await platform.resource('PassFinalReview', { resourceId }, at('chen'));
  await platform.resource('PublishResource', { resourceId, columnIds: ['notices'] }, at('chen'));
}

export async function commandsBenchmark() {
  const dir = tempDir('bench-commands');
  const store = new SqliteEventStore(`${dir.path}/store.sqlite`);
  const raw = new RawLog(`${dir.path}/raw.sqlite`);
  const platform = new Platform(store);
  try {
    await setUp(platform);
    const commandRates: number[] = [];
    const rawRates: number[] = [];
    let n = 0;
    for (let r = 0; r < ROUNDS; r++) {
      progress(
        `commands round ${r + 1}/${ROUNDS}: ${RESOURCES_PER_ROUND} resources × ${COMMANDS_PER_RESOURCE} commands`,
      );
      const rows = RESOURCES_PER_ROUND * COMMANDS_PER_RESOURCE;
      let start = process.hrtime.bigint();
      for (let i = 0; i < rows; i++) raw.one(`raw-${r}-${i}`, 0, event(i));
      rawRates.push(rows / seconds(start));
      start = process.hrtime.bigint();
      for (let i = 0; i < RESOURCES_PER_ROUND; i++, n++)
        await workflow(platform, `res-${n}`, `关于印发第${n}号管理办法的通知`);
      commandRates.push(rows / seconds(start));
    }
    const commandsPerSecond = median(commandRates);
    const baseline = median(rawRates);
    const ratio = round(commandsPerSecond / baseline, 3);
    return {
      benchmark: 'commands',
      node: process.version,
      mix: 'DraftResource, SubmitResource, PassFirstReview, PassSecondReview, PassFinalReview, PublishResource',
      baseline: 'raw better-sqlite3 single-event transactions (WAL, synchronous=FULL), same run',
      results: [
        {
          name: 'full command path (read, decide, append)',
          commands: ROUNDS * RESOURCES_PER_ROUND * COMMANDS_PER_RESOURCE,
          commandsPerSecond: Math.round(commandsPerSecond),
          baselineAppendsPerSecond: Math.round(baseline),
          ratio,
          target: 0.5,
          meetsTarget: ratio >= 0.5,
        },
      ],
    };
  } finally {
    await store.close();
    raw.db.close();
    dir.remove();
  }
}
