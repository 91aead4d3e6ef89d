/**
 * Public message commands (R-SUP-2). Receiving a message counts its deadline on the official calendar; an
 * extension is counted the same way and never past 10 working days. Answering is a process: the answer is drafted as a
 * `qa` resource of the site (the question and the answer, the asker's details masked) and submitted into the site's
 * three-level review, and the message records which resource carries its answer. The message counts as answered when
 * that resource is published; the supervision read model judges the deadline by that time.
 */
import { z } from 'zod';
import { CATCH_ALL } from '../metadata/subject-taxonomy.js';
import { resourceCommands } from '../resource/resource-commands.js';
import { requireSiteRole } from '../shared/actor.js';
import { type CommandEnvironment, processCommand, streamCommand } from '../shared/command-module.js';
import { DomainError } from '../shared/domain-error.js';
import { id } from '../shared/schemas.js';
import { siteContextOf } from '../site/site.js';
import {
  type MessageCommand,
  type MessageCommandContext,
  type MessageState,
  maskPersonalData,
  messageAggregate,
  messageCommandSchemas,
  messageStream,
} from './message.js';

type MessageCommandType = keyof typeof messageCommandSchemas;
type Input = { messageId: string; siteId?: string };

function messageCommand<Schema extends z.ZodType<Input>>(
  type: MessageCommandType,
  schema: Schema,
  options: { machines?: boolean } = {},
) {
  return streamCommand({
    input: schema,
    aggregate: messageAggregate,
    stream: (input) => messageStream(input.messageId),
    machines: options.machines,
    async context(input, state, { reader }, meta): Promise<MessageCommandContext> {
      const siteId = state.exists ? state.siteId : input.siteId;
      return {
        occurredAt: meta.occurredAt,
        calendar: await reader.workingCalendar(),
        ...(siteId ? { site: siteContextOf(await reader.site(siteId)) } : {}),
      };
    },
    // The schemas are those of the command type: the data belongs to the command of that type.
    command: (data, actor, context) => ({ type, data, actor, context }) as MessageCommand,
    siteId: (input, state) => state.siteId || (input.siteId ?? null),
  });
}

const recordMessageAnswer = messageCommand('RecordMessageAnswer', messageCommandSchemas.RecordMessageAnswer);

export const answerMessageSchema = z.strictObject({
  messageId: id,
  /** The `qa` resource the answer is drafted as. */
  resourceId: id,
  answer: z.string().trim().min(1).max(20_000),
  /** Subject path of the answer in the taxonomy; the catch-all 其他 by default. */
  subject: z.string().trim().min(1).max(100).optional(),
  /** The answering unit that publishes the answer (its organisation code); the site's host unit by default. */
  publisher: z
    .strictObject({ name: z.string().trim().min(1).max(100), code: z.string().trim().min(9).max(18) })
    .optional(),
});

/**
 * Drafts the answer as a `qa` resource and submits it into the site's review. The message is read first, so a
 * message that is closed or an actor who may not answer leaves no draft behind.
 */
const answerMessage = processCommand({
  input: answerMessageSchema,
  async run(input, meta, environment: CommandEnvironment) {
    const { reader } = environment;
    const { state: message } = await reader.read(messageAggregate, messageStream(input.messageId));
    if (!message.exists)
      throw new DomainError(
        'NOT_FOUND',
        'NOT_FOUND',
        `留言 ${input.messageId} 不存在`,
        `message ${input.messageId} does not exist`,
      );
    const actor = await reader.actor(meta);
    requireSiteRole(actor, message.siteId, ['editor']);
    if (message.status === 'dismissed' || message.status === 'answer_drafted')
      throw new DomainError(
        'CONFLICT',
        'MESSAGE_NOT_OPEN',
        `留言 ${message.messageId} 已处理`,
        `message ${message.messageId} is already ${message.status === 'dismissed' ? 'dismissed' : 'answered'}`,
        [],
        'R-SUP-2',
      );
    const site = await reader.site(message.siteId);
    const drafted = await environment.run(
      resourceCommands.DraftResource,
      {
        resourceId: input.resourceId,
        siteId: message.siteId,
        metadata: answerMetadata(message, input, input.publisher ?? site.hostUnit),
      },
      meta,
    );
    await environment.run(
      recordMessageAnswer,
      { messageId: message.messageId, resourceId: input.resourceId, answer: input.answer },
      meta,
    );
    const submitted = await environment.run(resourceCommands.SubmitResource, { resourceId: input.resourceId }, meta);
    return {
      message: { ...message, status: 'answer_drafted' as const, resourceId: input.resourceId },
      drafted,
      submitted,
      position: submitted.position ?? drafted.position,
    };
  },
});

function answerMetadata(
  message: MessageState,
  input: z.output<typeof answerMessageSchema>,
  hostUnit: { name: string; code: string },
) {
  const question = maskPersonalData(message.question, message.asker);
  const answer = maskPersonalData(input.answer, message.asker);
  return {
    title: maskPersonalData(message.subject, message.asker),
    body: `问：${question}\n\n答：${answer}`,
    publisher: hostUnit.name,
    publisherCode: hostUnit.code,
    subject: input.subject ?? CATCH_ALL,
    genre: '其他',
    disclosure: '主动公开',
    resourceType: 'qa',
    format: 'text/plain',
  };
}

const MACHINES = { machines: true };

export const messageCommands = {
  ReceiveMessage: messageCommand('ReceiveMessage', messageCommandSchemas.ReceiveMessage, MACHINES),
  AssignMessage: messageCommand('AssignMessage', messageCommandSchemas.AssignMessage),
  ExtendMessageDeadline: messageCommand('ExtendMessageDeadline', messageCommandSchemas.ExtendMessageDeadline),
  DismissMessage: messageCommand('DismissMessage', messageCommandSchemas.DismissMessage),
  AnswerMessage: answerMessage,
};
