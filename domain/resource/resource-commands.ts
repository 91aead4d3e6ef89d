/**
 * The resource's commands (R-REVIEW-1..5): each targets `resource-<id>` and loads the site the resource belongs to,
 * the subject taxonomy when it carries metadata, and, for a first publication, its index number.
 */
import type { z } from 'zod';
import type { CommandMeta } from '../shared/command-handler.js';
import { type CommandEnvironment, streamCommand } from '../shared/command-module.js';
import { siteContextOf } from '../site/site.js';
import {
  type ResourceCommand,
  type ResourceCommandContext,
  type ResourceState,
  resourceAggregate,
  resourceCommandSchemas,
  resourceStream,
} from './resource.js';

type ResourceCommandType = keyof typeof resourceCommandSchemas;
/** What every resource command's input has in common. */
type Input = { resourceId: string; siteId?: string; metadata?: unknown };

async function resourceContext(
  type: ResourceCommandType,
  input: Input,
  state: ResourceState,
  { reader, services }: CommandEnvironment,
  meta: CommandMeta,
): Promise<ResourceCommandContext> {
  const siteId = state.exists ? state.siteId : input.siteId;
  const context: ResourceCommandContext = { occurredAt: meta.occurredAt };
  if ('metadata' in input) context.taxonomy = await reader.subjectTaxonomy();
  if (siteId) context.site = siteContextOf(await reader.site(siteId));
  if (type === 'PublishResource' && !state.indexNumber && state.working?.stage === 'final_review_passed')
    context.indexNumber = await services.indexNumbers.assign(
      state.resourceId,
      state.working.metadata.publisherCode,
      meta,
    );
  return context;
}

function resourceCommand<Schema extends z.ZodType<Input>>(
  type: ResourceCommandType,
  schema: Schema,
  options: { machines?: boolean } = {},
) {
  return streamCommand({
    input: schema,
    aggregate: resourceAggregate,
    stream: (input) => resourceStream(input.resourceId),
    machines: options.machines,
    context: (input, state, environment, meta) => resourceContext(type, input, state, environment, meta),
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as ResourceCommand,
    siteId: (input, state) => state.siteId || (input.siteId ?? null),
  });
}

/** What an API key granted drafting may do: feed the review, never take a step of it (R-REVIEW-1). */
const MACHINES = { machines: true };

export const resourceCommands = {
  DraftResource: resourceCommand('DraftResource', resourceCommandSchemas.DraftResource, MACHINES),
  EditResource: resourceCommand('EditResource', resourceCommandSchemas.EditResource, MACHINES),
  SubmitResource: resourceCommand('SubmitResource', resourceCommandSchemas.SubmitResource, MACHINES),
  PassFirstReview: resourceCommand('PassFirstReview', resourceCommandSchemas.PassFirstReview),
  PassSecondReview: resourceCommand('PassSecondReview', resourceCommandSchemas.PassSecondReview),
  PassFinalReview: resourceCommand('PassFinalReview', resourceCommandSchemas.PassFinalReview),
  RejectResource: resourceCommand('RejectResource', resourceCommandSchemas.RejectResource),
  PublishResource: resourceCommand('PublishResource', resourceCommandSchemas.PublishResource),
  CorrectResource: resourceCommand('CorrectResource', resourceCommandSchemas.CorrectResource),
  WithdrawResource: resourceCommand('WithdrawResource', resourceCommandSchemas.WithdrawResource),
  ArchiveResource: resourceCommand('ArchiveResource', resourceCommandSchemas.ArchiveResource),
};
