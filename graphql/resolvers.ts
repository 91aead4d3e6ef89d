/**
 * Resolvers: thin translations between GraphQL and the platform's ports. Every write goes through the Platform
 * (which checks the rules and the actor's roles); reads come from the read models, checked against R-SEC-2 here.
 */
import mercurius from 'mercurius';
import { type ApiKeyState, apiKeyActorId } from '../domain/api-key/api-key.js';
import type { EventStore } from '../domain/event-store/port.js';
import type { PersonState } from '../domain/person/person.js';
import type { Platform, PushResult } from '../domain/platform.js';
import { type ResourceState, resourceStatus, resourceStream } from '../domain/resource/resource.js';
import type { CommandMeta } from '../domain/shared/command-handler.js';
import { type SiteState, siteAdvisories } from '../domain/site/site.js';
import type { LibraryDocument } from '../projections/library/library-document.js';
import type { Facet, SearchIndex, SearchQuery, Sort } from '../projections/library/search-index.js';
import type {
  DeliveryPage,
  DeliveryQuery,
  DeliveryStatus,
  PushDelivery,
  PushReadModel,
} from '../projections/push/push-read-model.js';
import type { WorkflowItem, WorkflowReadModel, WorkflowStatus } from '../projections/workflow/workflow-read-model.js';
import { newApiKey } from './auth/api-keys.js';
import {
  actorOf,
  Forbidden,
  isPlatformWide,
  refuseRejected,
  requireSiteInsight,
  Unauthenticated,
  type Viewer,
} from './viewer.js';

export interface Services {
  platform: Platform;
  eventStore: EventStore;
  searchIndex: SearchIndex;
  workflow: WorkflowReadModel;
  pushes: PushReadModel;
  /** The time commands are stamped with and push deadlines are judged by. */
  clock: () => Date;
  /** Whether clients without a token may read the published library. */
  anonymousRead: boolean;
}

export interface Context {
  viewer: Viewer;
  services: Services;
  requestId: string;
}

// mercurius is CommonJS: under Node's ESM loader only its default export is reliable.
const { withFilter } = mercurius;

export const TOPICS = {
  resourcePublished: 'RESOURCE_PUBLISHED',
  reviewQueueChanged: 'REVIEW_QUEUE_CHANGED',
  pushReceived: 'PUSH_RECEIVED',
  pushStatusChanged: 'PUSH_STATUS_CHANGED',
} as const;

async function requireLibraryReader({ viewer, services }: Context): Promise<void> {
  refuseRejected(viewer);
  if (viewer.kind === 'apiKey') return;
  if (viewer.kind === 'anonymous') {
    if (!services.anonymousRead)
      throw new Unauthenticated('sign in to read the library (anonymous reading is not enabled)');
    return;
  }
  await actorOf(services.platform, viewer);
}

/** Who a write is by: a person, or an API key (the domain refuses a key anything but what it was granted). */
function meta(context: Context): CommandMeta {
  const { viewer } = context;
  if (viewer.kind === 'rejected') throw new Unauthenticated(viewer.reason);
  if (viewer.kind === 'anonymous') throw new Unauthenticated('sign in to do this');
  return {
    actorId: viewer.kind === 'apiKey' ? apiKeyActorId(viewer.keyId) : viewer.personId,
    occurredAt: context.services.clock().toISOString(),
    correlationId: context.requestId,
  };
}

/**
 * A site's push inbox and outbox: its staff, platform administrators and auditors (R-SEC-2), and the site's own API
 * keys, since push subscribers are often the sub-site's machines.
 */
async function requireSiteReader(context: Context, siteId: string): Promise<void> {
  const { viewer } = context;
  refuseRejected(viewer);
  if (viewer.kind === 'apiKey') {
    if (viewer.siteId === siteId) return;
    throw new Forbidden(`an API key of site ${viewer.siteId} reads only that site's pushes`);
  }
  requireSiteInsight(await actorOf(context.services.platform, viewer), siteId);
}

export function libraryResource(d: LibraryDocument) {
  return {
    id: d.resourceId,
    indexNumber: d.indexNumber,
    siteId: d.siteId,
    status: d.status,
    version: d.version,
    title: d.metadata.title,
    publisher: d.metadata.publisher,
    docNumber: d.metadata.docNumber ?? null,
    subject: d.metadata.subject,
    genre: d.metadata.genre,
    resourceType: d.metadata.resourceType,
    publishedAt: d.publishedAt,
    firstPublishedAt: d.firstPublishedAt,
    metadata: d.metadata,
    placements: d.placements,
    versions: d.versions,
  };
}

function site(state: SiteState) {
  return {
    id: state.siteId,
    kind: state.kind,
    name: state.name,
    hostUnit: state.hostUnit,
    domains: state.domains,
    status: state.status,
    channels: [...state.channels].map(([id, channel]) => ({
      id,
      name: channel.name,
      path: channel.path,
      columns: [...state.columns.values()]
        .filter((c) => c.channelId === id && !c.migratedTo)
        .map((c) => ({
          id: c.columnId,
          name: c.name,
          path: c.path,
          updateCycle: c.updateCycle,
          topic: c.topic,
          archived: c.archived,
        })),
    })),
    advisories: siteAdvisories(state),
    coBuilding: [...state.coBuilding].map(([partnerSiteId, columns]) => ({
      partnerSiteId,
      columnIds: [...columns],
    })),
  };
}

function person(id: string, state: PersonState) {
  return {
    id,
    name: state.name,
    deactivated: state.deactivated,
    platformRoles: [...state.platformRoles],
    siteRoles: [...state.siteRoles]
      .filter(([, roles]) => roles.size > 0)
      .map(([siteId, roles]) => ({ siteId, roles: [...roles] })),
  };
}

function apiKey(state: ApiKeyState) {
  return { id: state.keyId, siteId: state.siteId, name: state.name, revoked: state.revoked, mayDraft: state.mayDraft };
}

/** A workflow item as clients see it: the folded domain state stays on the server. */
export function workflowItem(item: WorkflowItem) {
  const { state: _, ...rest } = item;
  return rest;
}

function deliveryConnection(page: DeliveryPage) {
  return {
    totalCount: page.total,
    pageInfo: { hasNextPage: page.endCursor !== null, endCursor: page.endCursor },
    edges: page.deliveries.map((node) => ({ cursor: page.endCursor ?? '', node })),
  };
}

interface DeliveryArgs {
  statuses?: DeliveryStatus[] | null;
  overdueOnly?: boolean | null;
  first?: number | null;
  after?: string | null;
}

function deliveryQuery({ statuses, overdueOnly, first, after }: DeliveryArgs): DeliveryQuery {
  return withoutNulls({ statuses, overdueOnly, first, after }) as DeliveryQuery;
}

function pushPayload({ offer, targets, events }: PushResult) {
  return {
    pushId: offer.pushId,
    resourceId: offer.resourceId,
    originSiteId: offer.originSiteId,
    important: offer.important,
    deadline: offer.deadline ?? null,
    targets: targets.map(({ siteId, delivery }) => ({
      siteId,
      stage: delivery.stage,
      suggestedColumnId: offer.targets.get(siteId)?.suggestedColumnId ?? null,
      columnId: delivery.columnId ?? null,
    })),
    events: events.map((e) => e.type),
  };
}

const pushMutation =
  (type: Parameters<Platform['push']>[0], toInput: (args: Args) => unknown = (args) => withoutNulls(args)): Resolver =>
  async (_root, args, context) =>
    pushPayload(await context.services.platform.push(type, toInput(args), meta(context)));

function resourcePayload(state: ResourceState, events: Array<{ type: string }>) {
  return {
    resourceId: state.resourceId,
    status: resourceStatus(state),
    version: state.working?.version ?? state.published?.version ?? 0,
    indexNumber: state.indexNumber,
    events: events.map((e) => e.type),
  };
}

const SORT: Record<string, Sort> = { RELEVANCE: 'relevance', NEWEST: 'newest', OLDEST: 'oldest' };

interface SearchArgs {
  text?: string | null;
  filters?: (Record<string, unknown> & { includeArchived?: boolean | null }) | null;
  sort?: string | null;
  first?: number | null;
  after?: string | null;
  facets?: string[] | null;
}

/** GraphQL sends explicit nulls for absent optional arguments; the search port wants them absent. */
function withoutNulls<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

function searchQuery(args: SearchArgs): SearchQuery {
  const { includeArchived, ...filters } = args.filters ?? {};
  return withoutNulls({
    text: args.text ?? undefined,
    sort: SORT[args.sort ?? 'RELEVANCE'],
    first: args.first ?? undefined,
    after: args.after ?? undefined,
    facets: args.facets?.map((f) => f.toLowerCase() as Facet),
    filters: withoutNulls({
      ...withoutNulls(filters),
      statuses: includeArchived ? ['published', 'archived'] : undefined,
    }),
  }) as SearchQuery;
}

type Args = Record<string, unknown>;
type Resolver = (root: unknown, args: Args, context: Context) => unknown;

const resourceMutation =
  (
    type: Parameters<Platform['resource']>[0],
    toInput: (args: Args) => unknown = (args) => withoutNulls(args),
  ): Resolver =>
  async (_root, args, context) => {
    const { state, events } = await context.services.platform.resource(type, toInput(args), meta(context));
    return resourcePayload(state, events);
  };

const siteMutation =
  (type: Parameters<Platform['site']>[0], toInput: (args: Args) => unknown = (args) => withoutNulls(args)): Resolver =>
  async (_root, args, context) => {
    const result = await context.services.platform.site(type, toInput(args), meta(context));
    return { site: site(result.state), events: result.events.map((e) => e.type), advisories: result.advisories };
  };

const personMutation =
  (type: Parameters<Platform['person']>[0]): Resolver =>
  async (_root, args, context) => {
    const result = await context.services.platform.person(type, withoutNulls(args), meta(context));
    return { person: person(String(args.personId), result.state), events: result.events.map((e) => e.type) };
  };

const input = (args: Args) => withoutNulls(args.input as Args);

export const resolvers = {
  Viewer: {
    resolveType: (viewer: { person?: unknown; keyId?: unknown }) =>
      viewer.person ? 'PersonViewer' : viewer.keyId ? 'ApiKeyViewer' : 'AnonymousViewer',
  },
  Query: {
    viewer: async (_root: unknown, _args: Args, { viewer, services }: Context) => {
      refuseRejected(viewer);
      if (viewer.kind === 'anonymous') return { mayReadLibrary: services.anonymousRead };
      if (viewer.kind === 'apiKey') return { keyId: viewer.keyId, siteId: viewer.siteId };
      const actor = await actorOf(services.platform, viewer);
      return { person: person(actor.personId, await services.platform.personState(actor.personId)) };
    },
    search: async (_root: unknown, args: SearchArgs, context: Context) => {
      await requireLibraryReader(context);
      const page = await context.services.searchIndex.search(searchQuery(args));
      return {
        totalCount: page.total,
        pageInfo: { hasNextPage: page.endCursor !== null, endCursor: page.endCursor },
        edges: page.hits.map((hit) => ({
          // Resuming after any hit is not supported by every adapter: each edge carries the page's end cursor.
          cursor: page.endCursor ?? '',
          node: libraryResource(hit.document),
          score: hit.score,
          highlights: hit.highlights,
        })),
        facets: Object.entries(page.facets).map(([facet, values]) => ({ facet: facet.toUpperCase(), values })),
      };
    },
    resource: async (
      _root: unknown,
      args: { id?: string; indexNumber?: string; docNumber?: string },
      context: Context,
    ) => {
      await requireLibraryReader(context);
      const index = context.services.searchIndex;
      const document = args.id
        ? await index.get(args.id)
        : args.indexNumber
          ? await index.byIndexNumber(args.indexNumber)
          : args.docNumber
            ? ((await index.byDocNumber(args.docNumber))[0] ?? null)
            : null;
      return document ? libraryResource(document) : null;
    },
    sites: async (_root: unknown, _args: Args, context: Context) => {
      await requireLibraryReader(context);
      const ids = await context.services.platform.siteIds();
      return (await Promise.all(ids.map((id) => context.services.platform.siteState(id))))
        .filter((s) => s.exists)
        .map(site);
    },
    site: async (_root: unknown, args: { id: string }, context: Context) => {
      await requireLibraryReader(context);
      const state = await context.services.platform.siteState(args.id);
      return state.exists ? site(state) : null;
    },
    siteWorkflow: async (
      _root: unknown,
      args: { siteId: string; statuses?: WorkflowStatus[] | null },
      context: Context,
    ) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      requireSiteInsight(actor, args.siteId);
      return context.services.workflow.siteItems(args.siteId, args.statuses ?? undefined).map(workflowItem);
    },
    myReviewQueue: async (_root: unknown, _args: Args, context: Context) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      return context.services.workflow.reviewQueue(actor).map(workflowItem);
    },
    reviewHistory: async (_root: unknown, args: { resourceId: string }, context: Context) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      const state = await context.services.platform.resourceState(args.resourceId);
      if (!state.exists) return [];
      // The partner site of a co-built draft follows its review at the portal too (R-PUSH-4).
      if (!state.contributor || (actor.siteRoles.get(state.contributor.siteId)?.size ?? 0) === 0)
        requireSiteInsight(actor, state.siteId);
      const events = await context.services.eventStore.readStream(resourceStream(args.resourceId));
      return events.map((e) => {
        const data = e.data as { version?: number; reason?: string; comment?: string };
        return {
          type: e.type,
          actorId: e.metadata.actorId,
          actorRole: e.metadata.actorRole,
          occurredAt: e.metadata.occurredAt,
          version: data.version ?? null,
          reason: data.reason ?? null,
          comment: data.comment ?? null,
        };
      });
    },
    apiKeys: async (_root: unknown, args: { siteId: string }, context: Context) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      if (!isPlatformWide(actor) && !actor.siteRoles.get(args.siteId)?.has('site_admin')) {
        throw new Forbidden('only the site administrator, platform administrators and auditors see its API keys');
      }
      const created = await context.services.eventStore.readAll({
        maxCount: 100_000,
        filter: { streamPrefixes: ['apikey-'], eventTypes: ['ApiKeyCreated'] },
      });
      const keys = created
        .map((e) => e.data as { keyId: string; siteId: string })
        .filter((key) => key.siteId === args.siteId)
        .map((key) => key.keyId);
      return Promise.all(keys.map(async (keyId) => apiKey(await context.services.platform.apiKeyState(keyId))));
    },
    pushInbox: async (_root: unknown, args: DeliveryArgs & { siteId: string }, context: Context) => {
      await requireSiteReader(context, args.siteId);
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.inbox(args.siteId, clock(), deliveryQuery(args)));
    },
    pushOutbox: async (_root: unknown, args: DeliveryArgs & { siteId: string }, context: Context) => {
      await requireSiteReader(context, args.siteId);
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.outbox(args.siteId, clock(), deliveryQuery(args)));
    },
    pushDeliveries: async (_root: unknown, args: DeliveryArgs, context: Context) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      if (!isPlatformWide(actor))
        throw new Forbidden('only platform administrators and auditors see every site’s pushes');
      const { pushes, clock } = context.services;
      return deliveryConnection(pushes.all(clock(), deliveryQuery(args)));
    },
    person: async (_root: unknown, args: { id: string }, context: Context) => {
      const actor = await actorOf(context.services.platform, context.viewer);
      if (actor.personId !== args.id && !isPlatformWide(actor))
        throw new Forbidden('only platform administrators and auditors see other people');
      const state = await context.services.platform.personState(args.id);
      return state.exists ? person(args.id, state) : null;
    },
  },
  Mutation: {
    draftResource: resourceMutation('DraftResource', input),
    editResource: resourceMutation('EditResource', input),
    submitResource: resourceMutation('SubmitResource'),
    passFirstReview: resourceMutation('PassFirstReview'),
    passSecondReview: resourceMutation('PassSecondReview'),
    passFinalReview: resourceMutation('PassFinalReview'),
    rejectResource: resourceMutation('RejectResource'),
    publishResource: resourceMutation('PublishResource'),
    correctResource: resourceMutation('CorrectResource', input),
    withdrawResource: resourceMutation('WithdrawResource'),
    archiveResource: resourceMutation('ArchiveResource'),
    openSite: siteMutation('OpenSite', input),
    changeSite: siteMutation('ChangeSite', input),
    takeSiteOffline: siteMutation('TakeSiteOffline', input),
    bringSiteOnline: siteMutation('BringSiteOnline'),
    addChannel: siteMutation('AddChannel', input),
    addColumn: siteMutation('AddColumn', input),
    archiveTopic: siteMutation('ArchiveTopic'),
    migrateSiteContent: siteMutation('MigrateSiteContent'),
    closeSite: siteMutation('CloseSite'),
    reportOutage: siteMutation('ReportOutage'),
    endOutage: siteMutation('EndOutage'),
    convertOutageToOffline: siteMutation('ConvertOutageToOffline'),
    grantColumnCoBuilding: siteMutation('GrantColumnCoBuilding'),
    revokeColumnCoBuilding: siteMutation('RevokeColumnCoBuilding'),
    pushResource: pushMutation('PushResource', (args) => {
      const { targets, ...rest } = args.input as Args & { targets: Args[] };
      return { ...withoutNulls(rest), targets: targets.map((t) => withoutNulls(t)) };
    }),
    passPushSecondReview: pushMutation('PassPushSecondReview'),
    passPushFinalReview: pushMutation('PassPushFinalReview'),
    acceptPush: pushMutation('AcceptPush'),
    declinePush: pushMutation('DeclinePush'),
    recallPush: pushMutation('RecallPush'),
    addSubject: async (_root: unknown, args: Args, context: Context) => {
      const { state } = await context.services.platform.addSubject(args, meta(context));
      return state.list().find((c) => c.name === args.top)?.secondLevels ?? [];
    },
    recordCalendarYear: async (_root: unknown, args: Args, context: Context) => {
      await context.services.platform.recordCalendarYear(args, meta(context));
      return (await context.services.platform.workingCalendar()).coveredYears();
    },
    registerPerson: personMutation('RegisterPerson'),
    grantSiteRole: personMutation('GrantSiteRole'),
    revokeSiteRole: personMutation('RevokeSiteRole'),
    grantPlatformRole: personMutation('GrantPlatformRole'),
    revokePlatformRole: personMutation('RevokePlatformRole'),
    deactivatePerson: personMutation('DeactivatePerson'),
    createApiKey: async (
      _root: unknown,
      args: { siteId: string; name: string; mayDraft?: boolean | null },
      context: Context,
    ) => {
      const { keyId, secretHash, key } = newApiKey();
      const { state } = await context.services.platform.apiKey(
        'CreateApiKey',
        { keyId, siteId: args.siteId, name: args.name, secretHash, mayDraft: args.mayDraft ?? false },
        meta(context),
      );
      return { apiKey: apiKey(state), key };
    },
    revokeApiKey: async (_root: unknown, args: { keyId: string; reason: string }, context: Context) => {
      const { state } = await context.services.platform.apiKey('RevokeApiKey', args, meta(context));
      return apiKey(state);
    },
  },
  Subscription: {
    resourcePublished: {
      subscribe: withFilter(
        async (_root: unknown, _args: Args, context: Context & { pubsub: { subscribe(topic: string): unknown } }) => {
          await requireLibraryReader(context);
          return context.pubsub.subscribe(TOPICS.resourcePublished);
        },
        (
          payload: { resourcePublished: ReturnType<typeof libraryResource> },
          args: { siteId?: string; columnId?: string; subject?: string },
        ) => {
          const r = payload.resourcePublished;
          if (args.siteId && !r.placements.some((p) => p.siteId === args.siteId)) return false;
          if (
            args.columnId &&
            !r.placements.some((p) => p.columnId === args.columnId && (!args.siteId || p.siteId === args.siteId))
          )
            return false;
          if (args.subject && r.subject !== args.subject && !r.subject.startsWith(`${args.subject}/`)) return false;
          return true;
        },
      ),
    },
    reviewQueueChanged: siteSubscription(
      TOPICS.reviewQueueChanged,
      async (context, siteId) => requireSiteInsight(await actorOf(context.services.platform, context.viewer), siteId),
      (payload: { reviewQueueChanged: { siteId: string } }, siteId) => payload.reviewQueueChanged.siteId === siteId,
    ),
    pushReceived: siteSubscription(
      TOPICS.pushReceived,
      requireSiteReader,
      (payload: { pushReceived: PushDelivery }, siteId) => payload.pushReceived.siteId === siteId,
    ),
    pushStatusChanged: siteSubscription(
      TOPICS.pushStatusChanged,
      requireSiteReader,
      ({ pushStatusChanged: d }: { pushStatusChanged: PushDelivery }, siteId) =>
        d.originSiteId === siteId || d.siteId === siteId,
    ),
  },
};

/** A subscription to one site's changes: who may follow it is checked once, when it starts. */
function siteSubscription<Payload>(
  topic: string,
  authorise: (context: Context, siteId: string) => Promise<void>,
  concerns: (payload: Payload, siteId: string) => boolean,
) {
  return {
    subscribe: withFilter(
      async (
        _root: unknown,
        args: { siteId: string },
        context: Context & { pubsub: { subscribe(topic: string): unknown } },
      ) => {
        await authorise(context, args.siteId);
        return context.pubsub.subscribe(topic);
      },
      (payload: Payload, args: { siteId: string }) => concerns(payload, args.siteId),
    ),
  };
}

/** Batched per request (mercurius loaders): a page of hits placed on the same sites reads each site once. */
export const loaders = {
  Placement: {
    async site(queries: Array<{ obj: { siteId: string } }>, context: Context) {
      const ids = [...new Set(queries.map((q) => q.obj.siteId))];
      const states = new Map(
        await Promise.all(ids.map(async (id) => [id, await context.services.platform.siteState(id)] as const)),
      );
      return queries.map(({ obj }) => {
        const state = states.get(obj.siteId)!;
        return state.exists ? site(state) : null;
      });
    },
  },
};
