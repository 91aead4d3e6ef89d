/**
 * The shared library: search, look-up by id, index number or document number, and publications as they happen. The
 * published library is read by any signed-in person, any API key, and anonymous clients where allowed (R-SEC-2).
 */
import type { Facet, SearchQuery, Sort } from '../../projections/library/search-index.js';
import { requireLibraryReader } from '../auth/authorise.js';
import { withoutNulls } from '../commands.js';
import type { Context } from '../context.js';
import type { QuerySearchArgs, Resolvers, SubscriptionResourcePublishedArgs } from '../generated/resolvers-types.js';
import { liveSubscription } from '../live-updates/site-subscription.js';
import { TOPICS } from '../live-updates/topics.js';
import { type LibraryResourceModel, libraryResource } from './library-resource.js';

const SORT: Record<string, Sort> = { RELEVANCE: 'relevance', NEWEST: 'newest', OLDEST: 'oldest' };

function searchQuery(args: QuerySearchArgs): SearchQuery {
  const { includeArchived, ...filters } = args.filters ?? {};
  return withoutNulls({
    text: args.text,
    sort: SORT[args.sort ?? 'RELEVANCE'],
    first: args.first,
    after: args.after,
    facets: args.facets?.map((f) => f.toLowerCase() as Facet),
    filters: {
      ...withoutNulls(filters),
      ...(filters.publishedAt ? { publishedAt: withoutNulls(filters.publishedAt) } : {}),
      ...(filters.writtenAt ? { writtenAt: withoutNulls(filters.writtenAt) } : {}),
      ...(includeArchived ? { statuses: ['published', 'archived'] as const } : {}),
    },
  }) as SearchQuery;
}

function publishedConcerns(resource: LibraryResourceModel, args: SubscriptionResourcePublishedArgs): boolean {
  if (args.siteId && !resource.placements.some((p) => p.siteId === args.siteId)) return false;
  if (
    args.columnId &&
    !resource.placements.some((p) => p.columnId === args.columnId && (!args.siteId || p.siteId === args.siteId))
  )
    return false;
  if (args.subject && resource.subject !== args.subject && !resource.subject.startsWith(`${args.subject}/`))
    return false;
  return true;
}

export const libraryResolvers: Resolvers = {
  Query: {
    search: async (_root, args, context) => {
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
        facets: Object.entries(page.facets).map(([facet, values]) => ({
          facet: facet.toUpperCase() as Uppercase<Facet>,
          values,
        })),
        expansions: page.expansions,
      };
    },
    resource: async (_root, args, context) => {
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
  },
  Subscription: {
    resourcePublished: liveSubscription({
      topic: TOPICS.resourcePublished,
      authorise: (context: Context) => requireLibraryReader(context),
      concerns: (payload: { resourcePublished: LibraryResourceModel }, args: SubscriptionResourcePublishedArgs) =>
        publishedConcerns(payload.resourcePublished, args),
    }),
  },
};
