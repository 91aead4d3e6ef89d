/**
 * Migration runs (R-LIB-4) for the people who answer for them: a site's administrators (who start runs with the
 * CLI) and approvers (who approve them, the review of a migration), and platform administrators and auditors, read
 * runs from the migration run directory; approving, rejecting and rolling back go through the run's commands.
 */
import type { Actor } from '../../domain/shared/actor.js';
import { actorOf, Forbidden, isPlatformWide } from '../auth/viewer.js';
import { runCommand, withoutNulls } from '../commands.js';
import type { Context } from '../context.js';
import type { Resolvers } from '../generated/resolvers-types.js';
import { migrationRunModel } from './migration-run-model.js';

function requireRunReader(actor: Actor, siteId: string): void {
  const roles = actor.siteRoles.get(siteId);
  if (isPlatformWide(actor) || roles?.has('site_admin') || roles?.has('approver')) return;
  throw new Forbidden(`${actor.personId} is neither a site administrator nor an approver of site ${siteId}`);
}

async function reader(context: Pick<Context, 'viewer' | 'services'>): Promise<Actor> {
  return actorOf(context.services.platform.reader, context.viewer);
}

export const migrationResolvers: Resolvers = {
  Query: {
    migrationRuns: async (_root, args, context) => {
      requireRunReader(await reader(context), args.siteId);
      return context.services.migrationRuns.inGroup(args.siteId).reverse().map(migrationRunModel);
    },
    migrationRun: async (_root, args, context) => {
      const actor = await reader(context);
      const state = context.services.migrationRuns.get(args.runId);
      if (!state?.exists) return null;
      requireRunReader(actor, state.siteId);
      return migrationRunModel(state);
    },
  },
  Mutation: {
    approveMigrationRun: async (_root, { input }, context) => {
      const { state, events } = await runCommand(context, 'ApproveMigrationRun', withoutNulls(input));
      return { run: migrationRunModel(state), events: events.map((e) => e.type) };
    },
    rejectMigrationRun: async (_root, { input }, context) => {
      const { state, events } = await runCommand(context, 'RejectMigrationRun', withoutNulls(input));
      return { run: migrationRunModel(state), events: events.map((e) => e.type) };
    },
    rollBackMigrationRun: async (_root, { input }, context) => {
      const { state, withdrawn } = await runCommand(context, 'RollBackMigrationRun', withoutNulls(input));
      const events = [
        ...(state.rollback ? ['MigrationRollbackStarted'] : []),
        ...(withdrawn > 0 ? ['ResourceWithdrawn'] : []),
        ...(state.status === 'rolled_back' ? ['MigrationRunRolledBack'] : []),
      ];
      return { run: migrationRunModel(state), events };
    },
  },
};
