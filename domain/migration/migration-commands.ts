/**
 * The commands of migration runs (R-LIB-4): the run's own (start, approve, reject, its batches, completion), and two
 * processes across streams. Migrating an item claims its row of the old system for its resource (the id map's key
 * side), keeps its old index number when it is well-formed and free (claimed, and recorded in its sequence), or has
 * a new one assigned, and writes the resource; it decides on each stream's state as it is now, so an item written
 * before a stop is recognised, never written twice. A rollback withdraws every resource the run created, keeping
 * those edited on the platform since, and may be asked for again until it is done.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkOrganisationCode } from '../metadata/index.js';
import { resourceAggregate, resourceCommandSchemas, resourceStream } from '../resource/resource.js';
import { decideMigration } from '../resource/resource-migration.js';
import type { CommandMeta } from '../shared/command-handler.js';
import { type CommandEnvironment, processCommand, streamCommand } from '../shared/command-module.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDateTime, reason } from '../shared/schemas.js';
import { siteContextOf } from '../site/site.js';
import { type ClaimScope, claimAggregate, claimStream } from '../uniqueness/claim.js';
import {
  announcedResources,
  type MigrationRunCommand,
  type MigrationRunContext,
  type MigrationRunState,
  migrationRunAggregate,
  migrationRunCommandSchemas,
  migrationRunStream,
} from './migration-run.js';

type RunCommandType = keyof typeof migrationRunCommandSchemas;

function runCommand<Schema extends z.ZodType<{ runId: string; siteId?: string }>>(
  type: RunCommandType,
  schema: Schema,
) {
  return streamCommand({
    input: schema,
    aggregate: migrationRunAggregate,
    stream: (input) => migrationRunStream(input.runId),
    async context(input, _state, { reader }, meta): Promise<MigrationRunContext> {
      if (type !== 'StartMigrationRun' || input.siteId === undefined) return { occurredAt: meta.occurredAt };
      return { occurredAt: meta.occurredAt, site: siteContextOf(await reader.site(input.siteId)) };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as MigrationRunCommand,
    siteId: (input, state) => state.siteId || (input.siteId ?? null),
  });
}

const run = {
  StartMigrationRun: runCommand('StartMigrationRun', migrationRunCommandSchemas.StartMigrationRun),
  ApproveMigrationRun: runCommand('ApproveMigrationRun', migrationRunCommandSchemas.ApproveMigrationRun),
  RejectMigrationRun: runCommand('RejectMigrationRun', migrationRunCommandSchemas.RejectMigrationRun),
  StartMigrationBatch: runCommand('StartMigrationBatch', migrationRunCommandSchemas.StartMigrationBatch),
  RecordMigrationBatch: runCommand('RecordMigrationBatch', migrationRunCommandSchemas.RecordMigrationBatch),
  CompleteMigrationRun: runCommand('CompleteMigrationRun', migrationRunCommandSchemas.CompleteMigrationRun),
  StartMigrationRollback: runCommand('StartMigrationRollback', migrationRunCommandSchemas.StartMigrationRollback),
  CompleteMigrationRollback: runCommand(
    'CompleteMigrationRollback',
    migrationRunCommandSchemas.CompleteMigrationRollback,
  ),
};

/** A value held for good by a resource: its old index number, or the row of the old system it came from. */
const claimValue = streamCommand({
  input: z.strictObject({
    scope: z.enum(['index-number', 'migration-source'] satisfies ClaimScope[]),
    value: z.string().min(1),
    owner: id,
    at: isoDateTime,
  }),
  aggregate: claimAggregate,
  stream: (input) => claimStream(input.scope, input.value),
  command: (input) => ({ type: 'Claim' as const, ...input, role: 'system' }),
  siteId: () => null,
});

/** The key of a row of an old system in the id map, as a claim's value (a digest: any text may be an original id). */
export function sourceRowKey(system: string, originalId: string): string {
  return createHash('sha256').update(`${system}\n${originalId}`).digest('hex');
}

async function runState(environment: CommandEnvironment, runId: string): Promise<MigrationRunState> {
  return (await environment.reader.read(migrationRunAggregate, migrationRunStream(runId))).state;
}

const migrateResource = streamCommand({
  input: resourceCommandSchemas.MigrateResource,
  aggregate: resourceAggregate,
  stream: (input) => resourceStream(input.resourceId),
  async context(input, _state, environment, meta) {
    const { reader } = environment;
    const state = await runState(environment, input.provenance.runId);
    return {
      occurredAt: meta.occurredAt,
      taxonomy: await reader.subjectTaxonomy(),
      site: siteContextOf(await reader.site(input.siteId)),
      run: { runId: state.runId, siteId: state.siteId, status: state.status, approvedBy: state.approval?.by },
    };
  },
  command: (data, actor, context) => ({ type: 'MigrateResource' as const, data, actor, context }),
  siteId: (input) => input.siteId,
});

const withdrawMigratedResource = streamCommand({
  input: resourceCommandSchemas.WithdrawMigratedResource,
  aggregate: resourceAggregate,
  stream: (input) => resourceStream(input.resourceId),
  command: (data, actor) => ({ type: 'WithdrawMigratedResource' as const, data, actor }),
  siteId: (_input, state) => state.siteId || null,
});

const migrateItemInput = resourceCommandSchemas.MigrateResource.omit({ indexNumber: true });

export interface MigratedItem {
  outcome: 'created' | 'revised' | 'unchanged' | 'conflicts';
  /** Why a conflict is one. */
  code?: string;
  message?: string;
  indexNumber?: { value: string; origin: 'kept' | 'assigned' | 'existing'; reason?: string };
  position: number | null;
}

const isCode = (error: unknown, ...codes: string[]) => error instanceof DomainError && codes.includes(error.code);

/**
 * The old number when it is well-formed and no one else holds it, claimed for the resource and recorded in its
 * sequence; otherwise a number the library assigns, with the reason, for the provenance and the report.
 */
async function indexNumberOf(
  input: z.output<typeof migrateItemInput>,
  meta: CommandMeta,
  environment: CommandEnvironment,
): Promise<{ value: string; origin: 'kept' | 'assigned'; reason?: string }> {
  const { resourceId } = input;
  const old = input.provenance.original.indexNumber;
  let reason: string;
  if (old?.wellFormed) {
    try {
      await environment.run(
        claimValue,
        { scope: 'index-number', value: old.value, owner: resourceId, at: meta.occurredAt },
        meta,
      );
      if ((await environment.services.indexNumbers.keep(resourceId, old.value, meta)) === 'kept')
        return { value: old.value, origin: 'kept' };
      reason = `the old index number ${old.value} was given to another resource by its sequence`;
    } catch (error) {
      if (!isCode(error, 'INDEX_NUMBER_TAKEN')) throw error;
      const holder = (await environment.reader.claim('index-number', old.value)).owner;
      reason = `the old index number ${old.value} is held by ${holder}`;
    }
  } else {
    reason = old
      ? `the old index number ${old.value} is malformed: ${old.reason ?? 'not an index number'}`
      : 'the old site gave no index number';
  }
  const publisherCode = String((input.metadata as { publisherCode?: unknown }).publisherCode ?? '');
  const check = checkOrganisationCode(publisherCode);
  if (!check.valid)
    throw new DomainError(
      'BAD_USER_INPUT',
      'INVALID_METADATA',
      `发布机构代码无效，无法分配索引号：${check.reason}`,
      `no index number can be assigned: metadata.publisherCode ${check.reason}`,
      [{ path: 'metadata.publisherCode', message: check.reason }],
      'R-LIB-2',
    );
  return {
    value: await environment.services.indexNumbers.assign(resourceId, publisherCode, meta),
    origin: 'assigned',
    reason,
  };
}

/** R-LIB-4: one item of an approved run into the library. */
const migrateItem = processCommand({
  input: migrateItemInput,
  async run(input, meta, environment): Promise<MigratedItem> {
    const { resourceId, provenance } = input;
    const itemMeta: CommandMeta = {
      ...meta,
      source: {
        system: provenance.system,
        originalId: provenance.originalId,
        ...(provenance.originalUrl ? { originalUrl: provenance.originalUrl } : {}),
      },
    };
    const state = await runState(environment, provenance.runId);
    if (state.status !== 'approved' || state.siteId !== input.siteId)
      throw new DomainError(
        'CONFLICT',
        'MIGRATION_NOT_APPROVED',
        `迁移批次 ${provenance.runId} 当前状态为 ${state.status}，不能写入`,
        `migration run ${provenance.runId} is ${state.exists ? state.status : 'unknown'} for site ${state.siteId || '-'}; nothing is written`,
        [],
        'R-LIB-4',
      );
    const decision = decideMigration(await environment.reader.resource(resourceId), provenance);
    if (decision.kind === 'unchanged') return { outcome: 'unchanged', position: null };
    if (decision.kind === 'written') return { outcome: decision.as, position: null };
    if (decision.kind === 'conflict')
      return { outcome: 'conflicts', code: decision.code, message: decision.reason, position: null };

    let indexNumber: Awaited<ReturnType<typeof indexNumberOf>> | undefined;
    if (decision.kind === 'create') {
      const key = sourceRowKey(provenance.system, provenance.originalId);
      // The row's claim and the index number are independent appends: made at once, they share commits. (A row
      // that turns out to be migrated already leaves a number unused: a gap, which index numbers allow.)
      const [claimed, number] = await Promise.all([
        environment
          .run(claimValue, { scope: 'migration-source', value: key, owner: resourceId, at: meta.occurredAt }, itemMeta)
          .then(
            () => true,
            (error: unknown) => {
              if (!isCode(error, 'SOURCE_ROW_MIGRATED')) throw error;
              return false;
            },
          ),
        indexNumberOf(input, itemMeta, environment),
      ]);
      if (!claimed) {
        const holder = (await environment.reader.claim('migration-source', key)).owner;
        return {
          outcome: 'conflicts',
          code: 'SOURCE_ROW_MIGRATED',
          message: `${provenance.system} ${provenance.originalId} was migrated as ${holder}, not ${resourceId} (was the configuration's resourceIdPrefix changed?)`,
          position: null,
        };
      }
      indexNumber = number;
    }
    try {
      const handled = await environment.run(
        migrateResource,
        { ...input, ...(indexNumber ? { indexNumber } : {}) },
        itemMeta,
      );
      const event = handled.events[0];
      // Decided again on the fresh state: a concurrent writer of the same row may have been first.
      if (event?.type !== 'ResourceMigrated') return { outcome: 'unchanged', position: null };
      return {
        outcome: decision.kind === 'revise' ? 'revised' : 'created',
        indexNumber: { value: event.data.indexNumber, ...event.data.migration.indexNumber },
        position: handled.position,
      };
    } catch (error) {
      if (!isCode(error, 'RESOURCE_EXISTS', 'EDITED_SINCE_MIGRATION')) throw error;
      return {
        outcome: 'conflicts',
        code: (error as DomainError).code,
        message: (error as Error).message,
        position: null,
      };
    }
  },
});

export interface MigrationRollback {
  state: MigrationRunState;
  withdrawn: number;
  kept: Array<{ resourceId: string; reason: string }>;
  position: number | null;
}

/** Withdrawals in flight at once: concurrent appends share the store's commits. */
const ROLLBACK_CONCURRENCY = 16;

/** R-LIB-4: withdraws what the run created, as events; keeps what was edited since. */
const rollBackMigrationRun = processCommand({
  input: z.strictObject({ runId: id, reason }),
  async run(input, meta, environment): Promise<MigrationRollback> {
    const { runId } = input;
    const started = await environment.run(run.StartMigrationRollback, input, meta);
    const resourceIds = announcedResources(started.state);
    let withdrawn = 0;
    let position = started.position;
    const kept: MigrationRollback['kept'] = [];
    let next = 0;
    const worker = async () => {
      while (next < resourceIds.length) {
        const resourceId = resourceIds[next++]!;
        try {
          const result = await environment.run(
            withdrawMigratedResource,
            { resourceId, runId, reason: input.reason },
            meta,
          );
          withdrawn++;
          if (result.position !== null) position = Math.max(position ?? 0, result.position);
        } catch (error) {
          // Announced but never written (the run stopped first), or left unchanged by the run: nothing to undo.
          if (isCode(error, 'NOT_FOUND')) continue;
          if (isCode(error, 'NOT_CREATED_BY_RUN')) {
            const resource = await environment.reader.resource(resourceId);
            if (resource.migration?.runId === runId)
              kept.push({ resourceId, reason: 'revised by this run, created by an earlier one' });
            continue;
          }
          if (!isCode(error, 'EDITED_SINCE_MIGRATION')) throw error;
          kept.push({ resourceId, reason: (error as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: ROLLBACK_CONCURRENCY }, worker));
    kept.sort((a, b) => a.resourceId.localeCompare(b.resourceId));
    const done = await environment.run(run.CompleteMigrationRollback, { runId, withdrawn, kept }, meta);
    return { state: done.state, withdrawn, kept, position: done.position ?? position };
  },
});

export const migrationCommands = {
  StartMigrationRun: run.StartMigrationRun,
  ApproveMigrationRun: run.ApproveMigrationRun,
  RejectMigrationRun: run.RejectMigrationRun,
  StartMigrationBatch: run.StartMigrationBatch,
  RecordMigrationBatch: run.RecordMigrationBatch,
  CompleteMigrationRun: run.CompleteMigrationRun,
  MigrateItem: migrateItem,
  RollBackMigrationRun: rollBackMigrationRun,
};
