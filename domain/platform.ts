/**
 * The platform's write side: every command of every aggregate enters here, is validated with its zod schema, gets
 * the actor as the Person stream says now (R-PEOPLE-2) and the context it needs from other streams, and goes
 * through the command handler. Callers (GraphQL, CLI, ingest) authenticate; this checks what the actor may do.
 */
import type { z } from 'zod';
import {
  type ApiKeyCommand,
  type ApiKeyState,
  apiKeyCommandSchemas,
  apiKeyDecider,
  apiKeyEventSchemas,
  apiKeyStream,
  keyIdOfActor,
} from './api-key/api-key.js';
import {
  calendarYearDecider,
  calendarYearRecordedSchema,
  parseRecordCalendarYear,
  type WorkingCalendar,
  workingCalendarOf,
} from './calendar/index.js';
import type { EventStore } from './event-store/port.js';
import {
  addSubjectSchema,
  SUBJECT_TAXONOMY_STREAM,
  type SubjectTaxonomy,
  subjectEventSchemas,
  subjectTaxonomyDecider,
} from './metadata/index.js';
import {
  actorOf,
  type PersonCommand,
  type PersonState,
  personCommandSchemas,
  personDecider,
  personEventSchemas,
  personStream,
} from './person/person.js';
import {
  type Delivery,
  type DeliveryCommand,
  type DeliveryEvent,
  PUSH_ROLES,
  type PushCommandContext,
  type PushEvent,
  type PushOffer,
  type PushOfferCommand,
  type PushOfferEvent,
  pushCommandSchemas,
  pushDeliveryDecider,
  pushDeliveryStream,
  pushEventSchemas,
  pushOfferDecider,
  pushStream,
  type SiteContext,
} from './push/push.js';
import { indexSequenceDecider, indexSequenceEventSchemas, indexSequenceStream } from './resource/index-sequence.js';
import {
  type ResourceCommand,
  type ResourceCommandContext,
  type ResourceEvent,
  type ResourceState,
  resourceCommandSchemas,
  resourceDecider,
  resourceEventSchemas,
  resourceStream,
} from './resource/resource.js';
import { type Actor, requirePlatformRole, SYSTEM_ACTOR } from './shared/actor.js';
import {
  type CommandMeta,
  type Handled,
  type HandleOptions,
  handleCommand,
  readState,
  type StreamSpec,
} from './shared/command-handler.js';
import type { DomainEvent } from './shared/decider.js';
import { DomainError } from './shared/domain-error.js';
import { StateCache } from './shared/state-cache.js';
import {
  activeColumns,
  type SiteCommand,
  type SiteEvent,
  type SiteState,
  siteAdvisories,
  siteCommandSchemas,
  siteDecider,
  siteEventSchemas,
  siteStream,
} from './site/site.js';
import { type ClaimScope, claimDecider, claimEventSchemas, claimStream } from './uniqueness/claim.js';

export const specs = {
  apiKey: { decider: apiKeyDecider, eventSchemas: apiKeyEventSchemas },
  person: { decider: personDecider, eventSchemas: personEventSchemas },
  site: { decider: siteDecider, eventSchemas: siteEventSchemas },
  resource: { decider: resourceDecider, eventSchemas: resourceEventSchemas },
  pushOffer: { decider: pushOfferDecider, eventSchemas: pushEventSchemas },
  pushDelivery: { decider: pushDeliveryDecider, eventSchemas: pushEventSchemas },
  claim: { decider: claimDecider, eventSchemas: claimEventSchemas },
  indexSequence: { decider: indexSequenceDecider, eventSchemas: indexSequenceEventSchemas, tail: 1 },
  taxonomy: { decider: subjectTaxonomyDecider, eventSchemas: subjectEventSchemas },
  calendar: {
    decider: calendarYearDecider,
    eventSchemas: { CalendarYearRecorded: calendarYearRecordedSchema.shape.data },
  },
} as const;

/** Holiday arrangements recorded by administrators for years the calendar package lacks or gets wrong. */
export const CALENDAR_STREAM = 'calendar-years';

export type PersonCommandType = keyof typeof personCommandSchemas;
export type SiteCommandType = keyof typeof siteCommandSchemas;
export type ResourceCommandType = keyof typeof resourceCommandSchemas;
export type PushCommandType = keyof typeof pushCommandSchemas;

/** What an API key granted drafting may do: feed the review, never take a step of it (R-REVIEW-1). */
const MACHINE_COMMANDS: ReadonlySet<string> = new Set<ResourceCommandType>([
  'DraftResource',
  'EditResource',
  'SubmitResource',
]);

/** How long a claim whose owner never came to exist is honoured: a crash between claim and creation must not lock a value forever. */
const STALE_CLAIM_MS = 10 * 60_000;

function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw new DomainError(
    'BAD_USER_INPUT',
    `输入有误：${details.map((d) => `${d.path || '(整体)'} ${d.message}`).join('；')}`,
    `invalid input: ${details.map((d) => `${d.path || '(input)'}: ${d.message}`).join('; ')}`,
    details,
  );
}

/** The calendar year in China Standard Time of an ISO instant. */
function chinaYear(isoInstant: string): number {
  return new Date(Date.parse(isoInstant) + 8 * 3_600_000).getUTCFullYear();
}

function adminRole(actor: Actor, siteId: string | null): string {
  if (actor.system) return 'system';
  if (actor.platformRoles.has('platform_admin')) return 'platform_admin';
  if (siteId && actor.siteRoles.get(siteId)?.has('site_admin')) return 'site_admin';
  return [...actor.platformRoles][0] ?? 'none';
}

const RESOURCE_ROLE: Partial<Record<ResourceCommandType, string>> = {
  DraftResource: 'editor',
  EditResource: 'editor',
  SubmitResource: 'editor',
  PassFirstReview: 'editor',
  PassSecondReview: 'reviewer',
  PassFinalReview: 'approver',
  CorrectResource: 'editor',
  WithdrawResource: 'approver',
  ArchiveResource: 'approver',
};

export class Platform {
  private readonly cache = new StateCache();
  private readonly sequenceQueues = new Map<
    string,
    Array<{ resourceId: string; resolve: (indexNumber: string) => void; reject: (error: unknown) => void }>
  >();

  constructor(private readonly store: EventStore) {}

  private read<State, Command, Event extends DomainEvent>(
    streamId: string,
    spec: StreamSpec<State, Command, Event>,
  ): Promise<{ state: State; revision: number | null }> {
    return readState(this.store, streamId, spec, this.cache);
  }

  private handle<State, Command, Event extends DomainEvent>(
    streamId: string,
    spec: StreamSpec<State, Command, Event>,
    options: HandleOptions<State, Command, Event>,
  ): Promise<Handled<State, Event>> {
    return handleCommand(this.store, streamId, spec, { ...options, cache: this.cache });
  }

  /** `machineMay`: the command is one an API key granted drafting may issue (`MACHINE_COMMANDS`). */
  async actor(meta: CommandMeta, machineMay = false): Promise<Actor> {
    if (meta.system) return SYSTEM_ACTOR;
    const keyId = keyIdOfActor(meta.actorId);
    if (keyId !== null) return this.keyActor(keyId, meta.actorId, machineMay);
    const { state } = await this.read(personStream(meta.actorId), specs.person);
    return actorOf(meta.actorId, state);
  }

  /**
   * A key granted drafting acts as an editor of its site for drafting, editing and submitting only; a revoked key as
   * one whose role was revoked (R-PEOPLE-2 for machines). Anything else a key asks for is refused here.
   */
  private async keyActor(keyId: string, actorId: string, machineMay: boolean): Promise<Actor> {
    const key = await this.apiKeyState(keyId);
    if (!key.exists || !key.mayDraft || !machineMay)
      throw new DomainError(
        'FORBIDDEN',
        'API 密钥只能读取已发布资源；获准起草的密钥也只能起草、修改和提交',
        'API keys read the published library; a key granted drafting may only draft, edit and submit',
        [],
        'R-SEC-2',
      );
    const editor = new Map([[key.siteId, new Set(['editor'] as const)]]);
    return {
      personId: actorId,
      deactivated: false,
      platformRoles: new Set(),
      siteRoles: key.revoked ? new Map() : editor,
      revokedSiteRoles: key.revoked ? editor : new Map(),
      revokedPlatformRoles: new Set(),
    };
  }

  private readonly knownSites = { after: undefined as number | undefined, ids: new Set<string>() };

  /** Every site ever opened, in order; the log is scanned once, then only for what was appended since. */
  async siteIds(): Promise<string[]> {
    for (;;) {
      const after = this.knownSites.after;
      // Positions are handed out in commit order, so nothing at or before this head can still appear later.
      const head = await this.store.headPosition();
      const page = await this.store.readAll({
        maxCount: 10_000,
        filter: { eventTypes: ['SiteOpened'] },
        ...(after === undefined ? {} : { after }),
      });
      for (const event of page) this.knownSites.ids.add((event.data as { siteId: string }).siteId);
      if (page.length === 10_000) {
        this.knownSites.after = page[page.length - 1]!.position;
        continue;
      }
      const scanned = Math.max(head ?? -1, page.at(-1)?.position ?? -1, after ?? -1);
      this.knownSites.after = scanned >= 0 ? scanned : undefined;
      return [...this.knownSites.ids];
    }
  }

  async siteState(siteId: string): Promise<SiteState> {
    return (await this.read(siteStream(siteId), specs.site)).state;
  }

  async personState(personId: string): Promise<PersonState> {
    return (await this.read(personStream(personId), specs.person)).state;
  }

  async resourceState(resourceId: string): Promise<ResourceState> {
    return (await this.read(resourceStream(resourceId), specs.resource)).state;
  }

  async person<T extends PersonCommandType>(type: T, input: unknown, meta: CommandMeta) {
    const data = parseInput(personCommandSchemas[type], input) as { personId: string; siteId?: string };
    return this.handle(personStream(data.personId), specs.person, {
      meta,
      command: async () => {
        const actor = await this.actor(meta);
        const site = data.siteId ? { status: await this.siteStatus(data.siteId) } : undefined;
        return { type, data, actor, site } as PersonCommand;
      },
      siteId: () => data.siteId ?? null,
      actorRole: (_, command) => adminRole(command.actor, data.siteId ?? null),
    });
  }

  private async siteStatus(siteId: string) {
    const site = await this.siteState(siteId);
    return site.exists ? site.status : null;
  }

  async site<T extends SiteCommandType>(type: T, input: unknown, meta: CommandMeta) {
    const data = parseInput(siteCommandSchemas[type], input) as SiteCommand['data'];
    const { siteId } = data;
    const run = () =>
      this.handle(siteStream(siteId), specs.site as StreamSpec<SiteState, SiteCommand, SiteEvent>, {
        meta,
        command: async () => {
          const actor = await this.actor(meta);
          const context =
            type === 'MigrateSiteContent'
              ? { migrationTarget: { status: await this.siteStatus((data as { toSiteId: string }).toSiteId) } }
              : type === 'GrantColumnCoBuilding'
                ? { partner: { status: await this.siteStatus((data as { partnerSiteId: string }).partnerSiteId) } }
                : undefined;
          return { type, data, actor, context } as SiteCommand;
        },
        siteId: () => siteId,
        actorRole: (_, command) => adminRole(command.actor, siteId),
      });

    if (type === 'OpenSite') {
      const open = data as SiteCommand['data'] & {
        kind: string;
        hostUnit: { code: string };
        domains: { english: string; chinese: string };
      };
      // Check the actor before claiming anything, so a refused command leaves no claim behind.
      requirePlatformRole(await this.actor(meta), 'platform_admin');
      // The city portal claim goes first: a second portal is refused for being a second portal (R-SITE-2), not for
      // the domain every city portal must use.
      const claims: Array<[ClaimScope, string]> = open.kind === 'city_portal' ? [['city-portal', 'luan']] : [];
      claims.push(
        ['host-unit', open.hostUnit.code],
        ['domain', open.domains.english],
        ['domain', open.domains.chinese],
      );
      const result = await this.withClaims(claims, siteId, meta, run);
      return { ...result, advisories: siteAdvisories(result.state) };
    }
    if (type === 'ChangeSite' && (data as { domains?: unknown }).domains) {
      const { domains } = data as { domains: { english: string; chinese: string } };
      const before = await this.siteState(siteId);
      const result = await this.withClaims(
        [
          ['domain', domains.english],
          ['domain', domains.chinese],
        ],
        siteId,
        meta,
        run,
      );
      // R-SITE-7: the old domains are released, never transferred with the site's consent to someone else.
      for (const old of [before.domains.english, before.domains.chinese]) {
        if (old !== domains.english.toLowerCase() && old !== domains.chinese)
          await this.release('domain', old, siteId, meta);
      }
      return { ...result, advisories: siteAdvisories(result.state) };
    }
    const result = await run();
    if (type === 'CloseSite' && result.events.length > 0) {
      const { state } = result;
      await this.release('domain', state.domains.english, siteId, meta);
      await this.release('domain', state.domains.chinese, siteId, meta);
      await this.release('host-unit', state.hostUnit.code, siteId, meta);
    }
    return { ...result, advisories: siteAdvisories(result.state) };
  }

  /** Claims every value for `owner`, runs `create`, and gives the claims back if anything fails. */
  private async withClaims<R>(
    claims: Array<[ClaimScope, string]>,
    owner: string,
    meta: CommandMeta,
    create: () => Promise<R>,
  ): Promise<R> {
    const taken: Array<[ClaimScope, string]> = [];
    try {
      for (const [scope, value] of claims) {
        await this.claim(scope, value, owner, meta);
        taken.push([scope, value]);
      }
      return await create();
    } catch (error) {
      for (const [scope, value] of taken.reverse()) await this.release(scope, value, owner, meta);
      throw error;
    }
  }

  private async claim(scope: ClaimScope, value: string, owner: string, meta: CommandMeta): Promise<void> {
    await this.handle(claimStream(scope, value), specs.claim, {
      meta,
      command: async (state) => {
        // A claim whose owning site never appeared (its creator crashed in between) lapses after a while.
        const ownerIsStale =
          state.owner !== null &&
          state.claimedAt !== null &&
          Date.parse(meta.occurredAt) - Date.parse(state.claimedAt) > STALE_CLAIM_MS &&
          !(await this.siteState(state.owner)).exists;
        return { type: 'Claim' as const, scope, value, owner, at: meta.occurredAt, ownerIsStale };
      },
      siteId: () => owner,
      actorRole: () => (meta.system ? 'system' : 'platform_admin'),
    });
  }

  private async release(scope: ClaimScope, value: string, owner: string, meta: CommandMeta): Promise<void> {
    await this.handle(claimStream(scope, value), specs.claim, {
      meta,
      command: () => ({ type: 'Release' as const, scope, value, owner }),
      siteId: () => owner,
      actorRole: () => (meta.system ? 'system' : 'platform_admin'),
    });
  }

  async resource<T extends ResourceCommandType>(
    type: T,
    input: unknown,
    meta: CommandMeta,
  ): Promise<Handled<ResourceState, ResourceEvent>> {
    const data = parseInput(resourceCommandSchemas[type], input) as ResourceCommand['data'];
    // Assigned at most once per command, however often a conflict makes the handler try again.
    let indexNumber: Promise<string> | undefined;
    return handleCommand(
      this.store,
      resourceStream(data.resourceId),
      specs.resource as StreamSpec<ResourceState, ResourceCommand, ResourceEvent>,
      {
        meta,
        command: async (state) => {
          const actor = await this.actor(meta, MACHINE_COMMANDS.has(type));
          const siteId = state.exists ? state.siteId : (data as { siteId?: string }).siteId;
          const context: ResourceCommandContext = { occurredAt: meta.occurredAt };
          if ('metadata' in data) context.taxonomy = await this.subjectTaxonomy();
          if (siteId) {
            const site = await this.siteState(siteId);
            context.site = { ...siteContext(site), coBuilding: site.coBuilding };
          }
          if (type === 'PublishResource' && !state.indexNumber && state.working?.stage === 'final_review_passed') {
            indexNumber ??= this.assignIndexNumber(state, meta);
            context.indexNumber = await indexNumber;
          }
          return { type, data, actor, context } as ResourceCommand;
        },
        siteId: (state) => state.siteId || ((data as { siteId?: string }).siteId ?? null),
        actorRole: (state, command, events) => {
          const rejected = events.find((e) => e.type === 'ResourceRejected');
          if (rejected) return rejected.data.role;
          if (type === 'PublishResource')
            return command.actor.siteRoles.get(state.siteId)?.has('approver') ? 'approver' : 'editor';
          return RESOURCE_ROLE[type] ?? 'editor';
        },
      },
    );
  }

  async pushOffer(pushId: string): Promise<PushOffer> {
    return (await this.read(pushStream(pushId), specs.pushOffer)).state;
  }

  /**
   * Push commands (R-PUSH-1..3). The offer is one stream, each receiving site's decisions another, so sites deciding
   * at once never contend; the resource and every site involved are read fresh for each attempt.
   */
  async push<T extends PushCommandType>(type: T, input: unknown, meta: CommandMeta): Promise<PushResult> {
    const data = parseInput(pushCommandSchemas[type], input) as PushInput;
    if (type === 'PushResource') {
      const pushed = await this.handle(
        pushStream(data.pushId),
        specs.pushOffer as StreamSpec<PushOffer, PushOfferCommand, PushOfferEvent>,
        {
          meta,
          command: async () => ({
            type: 'PushResource' as const,
            data: data as PushOfferCommand['data'],
            actor: await this.actor(meta),
            context: await this.pushContext(
              meta,
              data.resourceId!,
              (data as PushOfferCommand['data']).targets.map((t) => t.siteId),
            ),
          }),
          siteId: (_, command) => command.context?.resource?.siteId ?? null,
          actorRole: (_, command) => roleIn(command.actor, command.context?.resource?.siteId ?? '', 'PushResource'),
        },
      );
      const targets = [...pushed.state.targets.keys()].map((siteId) => ({
        siteId,
        delivery: { stage: 'pending' as const },
      }));
      return { offer: pushed.state, targets, events: pushed.events };
    }
    const offer = await this.pushOffer(data.pushId);
    if (type === 'RecallPush') {
      if (!offer.exists)
        throw new DomainError('NOT_FOUND', `推送 ${data.pushId} 不存在`, `push ${data.pushId} does not exist`);
      const asked = data.siteIds ?? [...offer.targets.keys()];
      // Every site named must have been pushed to before any delivery is recalled: a typo recalls nothing.
      const unknown = asked.filter((siteId) => !offer.targets.has(siteId));
      if (unknown.length > 0)
        throw new DomainError(
          'NOT_FOUND',
          `推送 ${data.pushId} 未推送给站点 ${unknown.join('、')}`,
          `push ${data.pushId} was not sent to ${unknown.join(', ')}`,
          unknown.map((siteId) => ({ path: 'siteIds', message: `${siteId} was not pushed to` })),
        );
      const targets: PushResult['targets'] = [];
      const events: PushEvent[] = [];
      for (const siteId of asked) {
        const recalled = await this.decideDelivery(
          'RecallDelivery',
          { pushId: data.pushId, siteId, reason: data.reason },
          offer,
          meta,
        );
        targets.push({ siteId, delivery: recalled.state });
        events.push(...recalled.events);
      }
      if (events.length === 0)
        throw new DomainError(
          'NOTHING_TO_RECALL',
          `推送 ${data.pushId} 已没有待处理的站点可撤回`,
          `push ${data.pushId} has no pending site left to recall`,
          [],
          'R-PUSH-1',
        );
      return { offer, targets, events };
    }
    const siteId = data.siteId!;
    const decided = await this.decideDelivery(type as DeliveryCommand['type'], data, offer, meta);
    return { offer, targets: [{ siteId, delivery: decided.state }], events: decided.events };
  }

  private decideDelivery(
    type: DeliveryCommand['type'],
    data: PushInput,
    offer: PushOffer,
    meta: CommandMeta,
  ): Promise<Handled<Delivery, DeliveryEvent>> {
    const siteId = data.siteId!;
    return this.handle(
      pushDeliveryStream(data.pushId, siteId),
      specs.pushDelivery as StreamSpec<Delivery, DeliveryCommand, DeliveryEvent>,
      {
        meta,
        command: async () =>
          ({
            type,
            data,
            actor: await this.actor(meta),
            context: { ...(await this.pushContext(meta, offer.resourceId, [siteId])), offer },
          }) as DeliveryCommand,
        siteId: () => siteId,
        actorRole: (_, command) => roleIn(command.actor, type === 'RecallDelivery' ? offer.originSiteId : siteId, type),
      },
    );
  }

  /** The resource as its stream says now, and the state of every site named (with the resource's own). */
  private async pushContext(meta: CommandMeta, resourceId: string, siteIds: string[]): Promise<PushCommandContext> {
    if (!resourceId) return { occurredAt: meta.occurredAt, sites: new Map() };
    const resource = await this.resourceState(resourceId);
    const ids = new Set(siteIds);
    if (resource.exists) ids.add(resource.siteId);
    const sites = new Map(
      await Promise.all([...ids].map(async (id) => [id, siteContext(await this.siteState(id))] as const)),
    );
    return {
      occurredAt: meta.occurredAt,
      sites,
      resource: {
        exists: resource.exists,
        siteId: resource.siteId,
        lifecycle: resource.lifecycle,
        published: resource.published && {
          version: resource.published.version,
          title: resource.published.metadata.title,
        },
      },
    };
  }

  async apiKey<T extends keyof typeof apiKeyCommandSchemas>(type: T, input: unknown, meta: CommandMeta) {
    const data = parseInput(apiKeyCommandSchemas[type], input) as ApiKeyCommand['data'];
    return this.handle(apiKeyStream(data.keyId), specs.apiKey, {
      meta,
      command: async () => {
        const actor = await this.actor(meta);
        const siteId = (data as { siteId?: string }).siteId;
        return (
          type === 'CreateApiKey'
            ? { type, data, actor, siteExists: siteId ? (await this.siteState(siteId)).exists : false }
            : { type, data, actor }
        ) as ApiKeyCommand;
      },
      siteId: (state) => state.siteId || ((data as { siteId?: string }).siteId ?? null),
      actorRole: (state, command) =>
        adminRole(command.actor, state.siteId || ((data as { siteId?: string }).siteId ?? null)),
    });
  }

  async apiKeyState(keyId: string): Promise<ApiKeyState> {
    return (await this.read(apiKeyStream(keyId), specs.apiKey)).state;
  }

  /** Administrators extend the second level of the subject taxonomy (metadata.md). */
  addSubject(input: unknown, meta: CommandMeta) {
    return this.platformAdministration(
      SUBJECT_TAXONOMY_STREAM,
      specs.taxonomy,
      parseInput(addSubjectSchema, input),
      meta,
    );
  }

  /** Platform-wide reference data: only a platform administrator (or the platform itself) changes it. */
  private platformAdministration<State, Command, Event extends DomainEvent>(
    streamId: string,
    spec: StreamSpec<State, Command, Event>,
    command: Command,
    meta: CommandMeta,
  ) {
    return this.handle(streamId, spec, {
      meta,
      command: async () => {
        requirePlatformRole(await this.actor(meta), 'platform_admin');
        return command;
      },
      siteId: () => null,
      actorRole: () => (meta.system ? 'system' : 'platform_admin'),
    });
  }

  async subjectTaxonomy(): Promise<SubjectTaxonomy> {
    return (await this.read(SUBJECT_TAXONOMY_STREAM, specs.taxonomy)).state;
  }

  /** R-SUP-2: deadlines in working days need the official calendar of every year they touch. */
  recordCalendarYear(input: unknown, meta: CommandMeta) {
    const command = parseRecordCalendarYear({ type: 'RecordCalendarYear', data: input });
    return this.platformAdministration(CALENDAR_STREAM, specs.calendar, command, meta);
  }

  async workingCalendar(): Promise<WorkingCalendar> {
    return workingCalendarOf((await this.read(CALENDAR_STREAM, specs.calendar)).state);
  }

  /** First publication: the next number in the publisher's sequence for the year of publication (China time). */
  private assignIndexNumber(state: ResourceState, meta: CommandMeta): Promise<string> {
    const publisherCode = state.working!.metadata.publisherCode;
    const year = chinaYear(meta.occurredAt);
    const streamId = indexSequenceStream(publisherCode, year);
    return new Promise((resolve, reject) => {
      let queue = this.sequenceQueues.get(streamId);
      if (!queue) {
        queue = [];
        this.sequenceQueues.set(streamId, queue);
        // Everyone who asks while this turn of the event loop runs is served by the same append.
        setImmediate(() => void this.drainSequence(streamId, publisherCode, year, meta));
      }
      queue.push({ resourceId: state.resourceId, resolve, reject });
    });
  }

  /**
   * One publisher's sequence is one hot stream: concurrent publications would mostly lose the optimistic race and
   * retry. Instead the numbers asked for meanwhile are assigned together, in one append; another process writing
   * the same stream still only costs a retry.
   */
  private async drainSequence(streamId: string, publisherCode: string, year: number, meta: CommandMeta): Promise<void> {
    const batch = this.sequenceQueues.get(streamId) ?? [];
    this.sequenceQueues.delete(streamId);
    try {
      const { events } = await this.handle(streamId, specs.indexSequence, {
        // The batch is written under the first request's metadata; each number names its resource in the event.
        meta,
        command: () => ({ publisherCode, year, resourceIds: batch.map((b) => b.resourceId) }),
        siteId: () => null,
        actorRole: () => 'library',
      });
      const numbers = new Map(events.map((e) => [e.data.resourceId, e.data.indexNumber]));
      for (const waiter of batch) waiter.resolve(numbers.get(waiter.resourceId)!);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}

/** What other aggregates need to know of a site: whether it is there and open, its kind, its active columns. */
function siteContext(site: SiteState): SiteContext {
  return {
    status: site.exists ? site.status : null,
    kind: site.kind,
    activeColumns: new Set(activeColumns(site).map((c) => c.columnId)),
  };
}

/** Any push command's input, once its schema has checked it. */
interface PushInput {
  pushId: string;
  siteId?: string;
  resourceId?: string;
  reason?: string;
  siteIds?: string[];
}

export interface PushResult {
  offer: PushOffer;
  /** The receiving sites the command touched, as they stand after it. */
  targets: Array<{ siteId: string; delivery: Delivery }>;
  events: PushEvent[];
}

/** The role an actor acts in for a push step: the first of the step's roles they hold on the site. */
function roleIn(actor: Actor, siteId: string, step: keyof typeof PUSH_ROLES): string {
  const held = actor.siteRoles.get(siteId);
  const roles: readonly string[] = PUSH_ROLES[step];
  return roles.find((role) => held?.has(role as never)) ?? roles[0]!;
}
