/**
 * R-LIB-4 rules of migrations as given/when/then: who starts, approves and rolls back a run; nothing is written
 * before approval; a migrated item is decided on its resource's state (created, unchanged, a new version, or left
 * alone when edited since); a rollback keeps what was edited since; old index numbers kept in their sequence.
 */
import { describe, expect, it } from 'vitest';
import {
  type MigrationRunCommand,
  type MigrationRunEvent,
  migrationRunDecider,
  noOutcomes,
  resumePoint,
} from '../../domain/migration/migration-run.js';
import { indexSequenceDecider } from '../../domain/resource/index-sequence.js';
import { type ResourceCommand, type ResourceEvent, resourceDecider } from '../../domain/resource/resource.js';
import { SYSTEM_ACTOR } from '../../domain/shared/actor.js';
import { actor, deciderSpec } from '../support/decider-spec.js';
import { sampleMetadata } from '../support/fixtures.js';

const runs = deciderSpec(migrationRunDecider);
const at = '2026-12-01T10:00:00+08:00';
const site = {
  status: 'online' as const,
  kind: 'county_portal' as const,
  activeColumns: new Set(['laws', 'policies']),
  coBuilding: new Map(),
};
const webmaster = actor('webmaster', { sites: { jinan: ['site_admin'] } });
const approver = actor('approver', { sites: { jinan: ['approver'] } });
const editor = actor('editor', { sites: { jinan: ['editor'] } });
const otherApprover = actor('elsewhere', { sites: { shucheng: ['approver'] } });
const DIGEST = 'a'.repeat(64);
const report = {
  rows: { read: 3, items: 3, ready: 2, held: 1, skipped: 0, duplicates: 0, conflicts: 0, unreadable: 0 },
  fields: { title: { given: 3 } },
  skippedByReason: {},
  oldIndexNumbers: { wellFormed: 1, malformed: 1, none: 1 },
  proposals: 0,
  flags: 1,
  notices: [],
};
const startData = {
  runId: 'run-1',
  siteId: 'jinan',
  migration: 'jinan-crawl',
  system: '金安区政府网站',
  configurationDigest: DIGEST,
  sourceDigest: DIGEST,
  migratedAt: at,
  resourceIdPrefix: 'jinan-crawl-',
  report,
  batchSize: 10,
  batchDigests: [DIGEST, DIGEST],
};
const runCommand = (type: MigrationRunCommand['type'], who: MigrationRunCommand['actor'], data: object) =>
  ({ type, data: { runId: 'run-1', ...data }, actor: who, context: { occurredAt: at, site } }) as MigrationRunCommand;
const started: MigrationRunEvent = {
  type: 'MigrationRunStarted',
  data: { ...startData, startedBy: 'webmaster', at },
};
const approved: MigrationRunEvent = {
  type: 'MigrationRunApproved',
  data: { runId: 'run-1', by: 'approver', at, configurationDigest: DIGEST, sourceDigest: DIGEST },
};
const batch = (n: number, from: number, through: number, resourceIds: string[]): MigrationRunEvent => ({
  type: 'MigrationBatchStarted',
  data: { runId: 'run-1', batch: n, fromSequence: from, throughSequence: through, resourceIds },
});
const recorded = (n: number, from: number, through: number, created: number): MigrationRunEvent => ({
  type: 'MigrationBatchRecorded',
  data: {
    runId: 'run-1',
    batch: n,
    fromSequence: from,
    throughSequence: through,
    counts: { ...noOutcomes(), created },
    messages: [],
  },
});

describe('R-LIB-4 a migration run is started by the site administrator and approved by the site approver', () => {
  it('R-LIB-4: a site administrator starts a run with its dry run digests and report', () => {
    runs([])
      .when(runCommand('StartMigrationRun', webmaster, startData))
      .then([started]);
  });

  it('R-LIB-4: a run started with the plan its dry run kept records one plan digest per batch', () => {
    const planned = { ...startData, planDigests: [DIGEST, DIGEST], sourceFingerprint: DIGEST };
    runs([])
      .when(runCommand('StartMigrationRun', webmaster, planned))
      .then([{ type: 'MigrationRunStarted', data: { ...planned, startedBy: 'webmaster', at } }]);
    runs([])
      .when(runCommand('StartMigrationRun', webmaster, { ...startData, planDigests: [DIGEST] }))
      .thenRefuses('BAD_USER_INPUT', 'R-LIB-4');
  });

  it('R-LIB-4: an editor of the site cannot start a run', () => {
    runs([])
      .when(runCommand('StartMigrationRun', editor, startData))
      .thenRefuses('FORBIDDEN', 'R-PEOPLE-1');
  });

  it('R-LIB-4: the approval is the review of the migration: the site approver, acting as approver', () => {
    runs([started])
      .when(runCommand('ApproveMigrationRun', approver, {}))
      .thenActsAs('approver');
    runs([started])
      .when(runCommand('ApproveMigrationRun', otherApprover, {}))
      .thenRefuses('FORBIDDEN');
    runs([started])
      .when(runCommand('ApproveMigrationRun', webmaster, {}))
      .thenRefuses('FORBIDDEN');
  });

  it('R-LIB-4: whoever started the run may not approve it', () => {
    const both = actor('webmaster', { sites: { jinan: ['site_admin', 'approver'] } });
    runs([started])
      .when(runCommand('ApproveMigrationRun', both, {}))
      .thenRefuses('SELF_REVIEW_FORBIDDEN', 'R-REVIEW-2');
  });

  it('R-LIB-4: nothing is written before approval, nor after a rejection', () => {
    const write = runCommand('StartMigrationBatch', SYSTEM_ACTOR, {
      batch: 1,
      fromSequence: 1,
      throughSequence: 2,
      resourceIds: ['r1'],
    });
    runs([started]).when(write).thenRefuses('MIGRATION_NOT_APPROVED', 'R-LIB-4');
    const rejected: MigrationRunEvent = {
      type: 'MigrationRunRejected',
      data: { runId: 'run-1', by: 'approver', at, reason: '栏目对照表有误' },
    };
    runs([started, rejected]).when(write).thenRefuses('MIGRATION_NOT_APPROVED', 'R-LIB-4');
    runs([started, rejected])
      .when(runCommand('ApproveMigrationRun', approver, {}))
      .thenRefuses('INVALID_MIGRATION_STATUS', 'R-LIB-4');
  });

  it('R-LIB-4: only the platform writes batches; a person cannot', () => {
    runs([started, approved])
      .when(
        runCommand('StartMigrationBatch', approver, { batch: 1, fromSequence: 1, throughSequence: 2, resourceIds: [] }),
      )
      .thenRefuses('FORBIDDEN');
  });

  it('R-LIB-4: a run that stopped goes on after its last recorded batch; a batch announced again names the same resources', () => {
    const history = [started, approved, batch(1, 1, 10, ['a', 'b']), recorded(1, 1, 10, 2), batch(2, 11, 20, ['c'])];
    const state = history.reduce(migrationRunDecider.evolve, migrationRunDecider.initialState());
    expect(resumePoint(state)).toEqual({ batch: 2, fromSequence: 11 });
    runs(history)
      .when(
        runCommand('StartMigrationBatch', SYSTEM_ACTOR, {
          batch: 2,
          fromSequence: 11,
          throughSequence: 20,
          resourceIds: ['c'],
        }),
      )
      .then([]);
    runs(history)
      .when(
        runCommand('StartMigrationBatch', SYSTEM_ACTOR, {
          batch: 3,
          fromSequence: 21,
          throughSequence: 30,
          resourceIds: [],
        }),
      )
      .thenRefuses('BATCH_OUT_OF_ORDER');
    runs(history)
      .when(runCommand('CompleteMigrationRun', SYSTEM_ACTOR, {}))
      .thenRefuses('BATCH_OUT_OF_ORDER');
  });

  it('R-LIB-4: completion adds up the recorded batches', () => {
    runs([
      started,
      approved,
      batch(1, 1, 10, ['a']),
      recorded(1, 1, 10, 1),
      batch(2, 11, 12, ['b']),
      recorded(2, 11, 12, 1),
    ])
      .when(runCommand('CompleteMigrationRun', SYSTEM_ACTOR, { highWaterMark: '2024-12-25T14:48:00+08:00' }))
      .then([
        {
          type: 'MigrationRunCompleted',
          data: {
            runId: 'run-1',
            at,
            counts: { ...noOutcomes(), created: 2 },
            highWaterMark: '2024-12-25T14:48:00+08:00',
          },
        },
      ]);
  });

  it('R-LIB-4: a rollback is asked for by the approver or the site administrator, once the run may have written', () => {
    runs([started])
      .when(runCommand('StartMigrationRollback', approver, { reason: '迁移有误' }))
      .thenRefuses('INVALID_MIGRATION_STATUS');
    runs([started, approved])
      .when(runCommand('StartMigrationRollback', webmaster, { reason: '迁移有误' }))
      .thenActsAs('site_admin');
    runs([started, approved])
      .when(runCommand('StartMigrationRollback', editor, { reason: '迁移有误' }))
      .thenRefuses('FORBIDDEN');
  });
});

const resources = deciderSpec(resourceDecider);
const metadata = sampleMetadata();
const runContext = {
  site,
  occurredAt: at,
  run: { runId: 'run-1', siteId: 'jinan', status: 'approved', approvedBy: 'approver' },
};
const HASH_1 = '1'.repeat(64);
const HASH_2 = '2'.repeat(64);
const provenance = (rowHash: string, runId = 'run-1') => ({
  runId,
  system: '金安区政府网站',
  originalId: 'art_20000.html',
  migratedAt: at,
  rowHash,
  original: { publishedAt: '2018-08-31T12:25:00+08:00', writtenAt: '1980-09-10' },
  proposals: [],
});
const migrate = (rowHash: string, who = SYSTEM_ACTOR, context: typeof runContext = runContext, runId = 'run-1') =>
  ({
    type: 'MigrateResource',
    data: {
      resourceId: 'r1',
      siteId: 'jinan',
      columnId: 'laws',
      metadata,
      provenance: provenance(rowHash, runId),
      indexNumber: { value: '11341500003089416J/2018-00001', origin: 'kept' },
    },
    actor: who,
    context: { ...context, run: { ...context.run, runId } },
  }) as unknown as ResourceCommand;

function migratedEvent(rowHash: string, version = 1, runId = 'run-1'): ResourceEvent {
  const [event] = resourceDecider.decide(
    migrate(rowHash, SYSTEM_ACTOR, runContext, runId),
    version === 1 ? resourceDecider.initialState() : stateAfter([migratedEvent(HASH_1)]),
  ).events;
  return event!;
}
const stateAfter = (events: ResourceEvent[]) => events.reduce(resourceDecider.evolve, resourceDecider.initialState());

describe('R-LIB-4 a migrated item enters the library as a historical publication', () => {
  it('R-LIB-4: a new row becomes a published resource with the old dates, its provenance and its kept index number', () => {
    const [event] = resources([]).when(migrate(HASH_1)).thenActsAs('system');
    expect(event?.type).toBe('ResourceMigrated');
    const data = (event as Extract<ResourceEvent, { type: 'ResourceMigrated' }>).data;
    expect(data).toMatchObject({
      version: 1,
      publishedAt: '2018-08-31T12:25:00+08:00',
      firstPublishedAt: '2018-08-31T12:25:00+08:00',
      indexNumber: '11341500003089416J/2018-00001',
      placements: [{ siteId: 'jinan', columnId: 'laws' }],
      migration: { runId: 'run-1', approvedBy: 'approver', rowHash: HASH_1, indexNumber: { origin: 'kept' } },
    });
    expect(stateAfter([event!])).toMatchObject({ published: { version: 1 }, working: null, lifecycle: 'active' });
  });

  it('R-LIB-4: nothing is written for a run that is not approved, nor by a person', () => {
    resources([])
      .when(migrate(HASH_1, SYSTEM_ACTOR, { ...runContext, run: { ...runContext.run, status: 'awaiting_approval' } }))
      .thenRefuses('MIGRATION_NOT_APPROVED', 'R-LIB-4');
    resources([]).when(migrate(HASH_1, approver)).thenRefuses('FORBIDDEN', 'R-LIB-4');
  });

  it('R-LIB-4: an unchanged row writes nothing; a changed row is a new version of the same resource', () => {
    const first = migratedEvent(HASH_1);
    resources([first])
      .when(migrate(HASH_1, SYSTEM_ACTOR, runContext, 'run-2'))
      .then([]);
    const [next] = resources([first])
      .when(migrate(HASH_2, SYSTEM_ACTOR, runContext, 'run-2'))
      .thenActsAs('system');
    expect(next).toMatchObject({
      type: 'ResourceMigrated',
      data: { version: 2, indexNumber: '11341500003089416J/2018-00001', firstPublishedAt: '2018-08-31T12:25:00+08:00' },
    });
  });

  it('R-LIB-4: a row the resource was edited from on the platform since is not written over', () => {
    const first = migratedEvent(HASH_1);
    const correction: ResourceEvent = {
      type: 'ResourceCorrectionStarted',
      data: { resourceId: 'r1', version: 2, metadata: metadata as never, by: 'editor', reason: '纠错' },
    };
    resources([first, correction])
      .when(migrate(HASH_2, SYSTEM_ACTOR, runContext, 'run-2'))
      .thenRefuses('EDITED_SINCE_MIGRATION', 'R-LIB-4');
  });

  it('R-LIB-4: a rollback withdraws what the run created, and keeps it once it was edited since', () => {
    const first = migratedEvent(HASH_1);
    const withdraw = (runId: string) =>
      ({
        type: 'WithdrawMigratedResource',
        data: { resourceId: 'r1', runId, reason: '回滚' },
        actor: approver,
      }) as ResourceCommand;
    resources([first])
      .when(withdraw('run-1'))
      .then([
        {
          type: 'ResourceWithdrawn',
          data: { resourceId: 'r1', version: 1, by: 'approver', reason: '回滚', migrationRunId: 'run-1' },
        },
      ]);
    resources([first]).when(withdraw('run-0')).thenRefuses('NOT_CREATED_BY_RUN', 'R-LIB-4');
    const archived: ResourceEvent = {
      type: 'ResourceArchived',
      data: { resourceId: 'r1', by: 'approver', reason: '归档' },
    };
    resources([first, archived]).when(withdraw('run-1')).thenRefuses('EDITED_SINCE_MIGRATION', 'R-LIB-4');
  });

  it('R-LIB-4: a resource a rollback withdrew is migrated again by a later run', () => {
    const first = migratedEvent(HASH_1);
    const rolledBack: ResourceEvent = {
      type: 'ResourceWithdrawn',
      data: { resourceId: 'r1', version: 1, by: 'approver', reason: '回滚', migrationRunId: 'run-1' },
    };
    const [again] = resources([first, rolledBack])
      .when(migrate(HASH_1, SYSTEM_ACTOR, runContext, 'run-2'))
      .thenActsAs('system');
    expect(again).toMatchObject({ type: 'ResourceMigrated', data: { version: 2 } });
    expect(stateAfter([first, rolledBack, again!])).toMatchObject({
      lifecycle: 'active',
      migration: { createdByRun: 'run-2' },
    });
  });
});

describe('R-LIB-4 old index numbers kept in their sequence', () => {
  const sequences = deciderSpec(indexSequenceDecider);
  const kept = (sequence: number, last: number, resourceId = 'r1') => ({
    type: 'IndexNumberKept' as const,
    data: {
      publisherCode: '11341500003089416J',
      year: 2018,
      sequence,
      indexNumber: `11341500003089416J/2018-${String(sequence).padStart(5, '0')}`,
      resourceId,
      last,
    },
  });
  const keep = (sequence: number, resourceId: string, taken: Map<number, string> | null = null) => ({
    publisherCode: '11341500003089416J',
    year: 2018,
    resourceIds: [],
    keep: [{ resourceId, sequence, indexNumber: `11341500003089416J/2018-${String(sequence).padStart(5, '0')}` }],
    taken,
  });

  it('R-LIB-4: a kept number above the last moves the sequence past it, so it is never handed out', () => {
    sequences([])
      .when(keep(77, 'r1'))
      .then([kept(77, 77)]);
    sequences([kept(77, 77)])
      .when({ publisherCode: '11341500003089416J', year: 2018, resourceIds: ['r2'] })
      .then((events) => expect(events.map((e) => e.data.sequence)).toEqual([78]));
  });

  it('R-LIB-4: a kept number below the last is kept when free, and not when the sequence gave it to another', () => {
    sequences([kept(77, 77)])
      .when(keep(1, 'r2', new Map([[77, 'r1']])))
      .then([kept(1, 77, 'r2')]);
    sequences([kept(77, 77)])
      .when(keep(77, 'r2', new Map([[77, 'r1']])))
      .then([]);
  });
});
