/**
 * A shared resource of the Anhui provincial library, taken into the city's library (R-LIB-3, P-art.36(1)). Stream
 * `provincial-<resourceId>`.
 *
 * The province owns it: only its feed changes it (a publication, a correction, a withdrawal, an archiving, each one
 * message of the province's topic), never a person of the city. The city's sites find it in the shared library and
 * place it in a column only after their own second and final review, as a push from the province
 * (provincial-take.ts, R-PUSH-1).
 *
 * Each message is taken once: the state remembers the messages it was changed by (source and id, the CloudEvents
 * identity), so a message delivered again changes nothing, and a message older than the version held (the province's
 * own version number) changes nothing either. Its provenance stays with it: the province's source system, its own id
 * of the resource and its own index number, which is the number the library shows.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type ResourceMetadataInput, type SubjectTaxonomy, validateResourceMetadata } from '../metadata/index.js';
import { parseIndexNumber } from '../metadata/index-number.js';
import type { Actor } from '../shared/actor.js';
import type { Aggregate } from '../shared/command-handler.js';
import { type Decider, decided } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { id, isoDateTime } from '../shared/schemas.js';

export const provincialStream = (resourceId: string) => `provincial-${resourceId}`;

/**
 * Where provincial resources come from, as the library and the push inboxes name their owner: the provincial library
 * is no site of the platform, and nobody of the city holds a role there.
 */
export const PROVINCIAL_LIBRARY = 'province:anhui';

/**
 * The library's id of a provincial resource: derived from the province's source and its own id, so the same resource
 * always lands on the same stream whichever message brings it, and two provincial systems' ids never collide.
 */
export function provincialResourceId(source: string, originalId: string): string {
  return `prov-${createHash('sha256').update(`${source}\n${originalId}`).digest('hex').slice(0, 32)}`;
}

export const PROVINCIAL_CHANGES = ['published', 'corrected', 'withdrawn', 'archived'] as const;
export type ProvincialChange = (typeof PROVINCIAL_CHANGES)[number];

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
const metadataInput = z.unknown().refine(isObject, 'metadata is required');
const metadata = z.custom<ResourceMetadataInput>(isObject, 'metadata is required');
const text = (max: number) => z.string().trim().min(1).max(max);
/** The CloudEvents identity of the message that brought a change: `source` and `id` together are unique. */
const message = z.strictObject({ source: text(500), id: text(500) });
const version = z.int().min(1);

export const provincialCommandSchemas = {
  ReceiveProvincialChange: z
    .strictObject({
      change: z.enum(PROVINCIAL_CHANGES),
      resourceId: id,
      message,
      /** The province's own id of the resource. */
      originalId: text(500),
      /** The province's own index number (索引号), kept as it is. */
      indexNumber: text(100),
      version: version.optional(),
      metadata: metadataInput.optional(),
      publishedAt: isoDateTime.optional(),
      reason: z.string().trim().max(2000).optional(),
    })
    .superRefine((input, ctx) => {
      const carriesResource = input.change === 'published' || input.change === 'corrected';
      if (carriesResource && input.metadata === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['metadata'],
          message: `a ${input.change} resource carries its metadata`,
        });
      if (carriesResource && input.version === undefined)
        ctx.addIssue({ code: 'custom', path: ['version'], message: `a ${input.change} resource carries its version` });
    }),
};

const provenance = z.strictObject({
  system: z.string(),
  originalId: z.string(),
  indexNumber: z.string(),
  messageId: z.string(),
  receivedAt: isoDateTime,
});

const received = z.strictObject({
  resourceId: id,
  version,
  indexNumber: z.string(),
  metadata,
  publishedAt: isoDateTime,
  provenance,
});

export const provincialEventSchemas = {
  ProvincialResourceReceived: received,
  ProvincialResourceUpdated: received,
  ProvincialResourceWithdrawn: z.strictObject({
    resourceId: id,
    version,
    reason: z.string().optional(),
    provenance,
  }),
  ProvincialResourceArchived: z.strictObject({ resourceId: id, version, provenance }),
};

type Schemas<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K; data: z.output<T[K]> } }[keyof T];
export type ProvincialEvent = Schemas<typeof provincialEventSchemas>;
export type ProvincialCommand = Schemas<typeof provincialCommandSchemas> & {
  actor: Actor;
  context?: { taxonomy?: SubjectTaxonomy; occurredAt?: string };
};

export interface ProvincialResourceState {
  exists: boolean;
  resourceId: string;
  version: number;
  lifecycle: 'active' | 'withdrawn' | 'archived';
  title: string;
  indexNumber: string;
  /** `source id` of every message that changed it: a message delivered again changes nothing. */
  messages: string[];
}

const messageKey = (m: { source: string; id: string }) => `${m.source} ${m.id}`;

function refuse(code: string, zh: string, en: string, path: string, category: 'BAD_USER_INPUT' | 'CONFLICT'): never {
  throw new DomainError(category, code, zh, en, [{ path, message: en }], 'R-LIB-3');
}

export const provincialResourceDecider: Decider<ProvincialResourceState, ProvincialCommand, ProvincialEvent> = {
  initialState: () => ({
    exists: false,
    resourceId: '',
    version: 0,
    lifecycle: 'active',
    title: '',
    indexNumber: '',
    messages: [],
  }),

  decide(command, state) {
    const { actor, context, data } = command;
    // Nobody signs in as the province: its feed runs as the platform itself.
    if (!actor.system)
      throw new DomainError(
        'FORBIDDEN',
        'FORBIDDEN',
        '省级共享资源只能由省级资源库的数据推送带入',
        'provincial shared resources come only from the provincial library’s feed',
        [],
        'R-LIB-3',
      );
    if (state.messages.includes(messageKey(data.message))) return decided('system');
    const receivedAt = context?.occurredAt;
    if (!receivedAt) throw new Error('the command handler must give the time a provincial message is received');
    const index = parseIndexNumber(data.indexNumber);
    if (index.flagged)
      refuse(
        'INVALID_INDEX_NUMBER',
        `省级资源的索引号无效：${index.reason}`,
        `the provincial resource's index number is invalid: ${index.reason}`,
        'indexNumber',
        'BAD_USER_INPUT',
      );
    const origin = {
      system: data.message.source,
      originalId: data.originalId,
      indexNumber: index.value,
      messageId: data.message.id,
      receivedAt,
    };
    const { resourceId } = data;

    if (data.change === 'withdrawn') {
      if (!state.exists || state.lifecycle === 'withdrawn') return decided('system');
      return decided('system', {
        type: 'ProvincialResourceWithdrawn',
        data: {
          resourceId,
          version: state.version,
          ...(data.reason ? { reason: data.reason } : {}),
          provenance: origin,
        },
      });
    }
    if (data.change === 'archived') {
      if (!state.exists || state.lifecycle !== 'active') return decided('system');
      return decided('system', {
        type: 'ProvincialResourceArchived',
        data: { resourceId, version: state.version, provenance: origin },
      });
    }

    const version = data.version!;
    const checked = validateResourceMetadata(data.metadata, context?.taxonomy);
    if (checked.sharing === '不予共享')
      refuse(
        'NOT_SHARED',
        '省级资源库推送了标为不予共享的资源，不予接收',
        'the provincial library sent a resource marked 不予共享 (not shared): it is not taken in',
        'metadata.sharing',
        'BAD_USER_INPUT',
      );
    if (state.exists && state.lifecycle === 'archived')
      refuse(
        'PROVINCIAL_RESOURCE_ARCHIVED',
        `省级资源 ${data.originalId} 已归档，不再更正`,
        `provincial resource ${data.originalId} is archived and takes no more corrections`,
        'change',
        'CONFLICT',
      );
    // An older version than the one held (a message from before a correction, delivered late) changes nothing.
    if (state.exists && state.lifecycle === 'active' && version <= state.version) return decided('system');
    // Wherever the province's metadata came from before, here it comes from the provincial library.
    const metadata: ResourceMetadataInput = {
      ...checked,
      source: { system: origin.system, originalId: origin.originalId, migratedAt: receivedAt },
    };
    const body = {
      resourceId,
      version,
      indexNumber: index.value,
      metadata,
      publishedAt: data.publishedAt ?? receivedAt,
      provenance: origin,
    };
    const fresh = !state.exists || state.lifecycle === 'withdrawn';
    return decided('system', { type: fresh ? 'ProvincialResourceReceived' : 'ProvincialResourceUpdated', data: body });
  },

  evolve(state, event) {
    const messages = [
      ...state.messages,
      messageKey({ source: event.data.provenance.system, id: event.data.provenance.messageId }),
    ];
    switch (event.type) {
      case 'ProvincialResourceReceived':
      case 'ProvincialResourceUpdated':
        return {
          exists: true,
          resourceId: event.data.resourceId,
          version: event.data.version,
          lifecycle: 'active',
          title: event.data.metadata.title,
          indexNumber: event.data.indexNumber,
          messages,
        };
      case 'ProvincialResourceWithdrawn':
        return { ...state, lifecycle: 'withdrawn', messages };
      case 'ProvincialResourceArchived':
        return { ...state, lifecycle: 'archived', messages };
    }
  },
};

export const provincialResourceAggregate: Aggregate<ProvincialResourceState, ProvincialCommand, ProvincialEvent> = {
  decider: provincialResourceDecider,
  eventSchemas: provincialEventSchemas,
};

/** The provincial resource as a push's decisions need it: taken while it is active, never after the province withdrew it. */
export function provincialPushResource(state: ProvincialResourceState) {
  return {
    exists: state.exists,
    siteId: PROVINCIAL_LIBRARY,
    lifecycle: state.lifecycle,
    published: state.exists ? { version: state.version, title: state.title } : null,
  };
}
