/**
 * The arguments of root fields, checked on the values the field actually gets (literals and variables alike, over
 * HTTP and over the subscription socket) before its resolver runs:
 *
 * - every `ID` argument is an id as the domain defines them (at most 100 characters of letters, digits, _ . : -),
 *   so a client's id is refused in its own terms before it becomes part of a stream name or a query;
 * - every page size (`first`) lies between 1 and the field's maximum (PAGE_SIZE_LIMITS), never clamped.
 *
 * query-cost.ts refuses literals before the operation runs; variables can only be judged here.
 */
import { type GraphQLField, GraphQLID, type GraphQLObjectType, type GraphQLSchema, getNamedType } from 'graphql';
import { DomainError, type FieldProblem } from '../domain/shared/domain-error.js';
import { id } from '../domain/shared/schemas.js';
import { PAGE_SIZE_LIMITS, pageSizeMessage } from './query-cost.js';

type Resolver = (
  root: unknown,
  args: Record<string, unknown>,
  context: unknown,
  info: { path: { key: string | number } },
) => unknown;
type ResolverMap = Record<string, Record<string, unknown>>;

// The shape the domain's id schema checks, tested first: only a value that fails it is parsed for the messages.
const ID_SHAPE = /^[\p{L}\p{N}_.:-]{1,100}$/u;

function idProblems(value: unknown, path: string): FieldProblem[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.every((item) => typeof item !== 'string' || (item.length <= 100 && ID_SHAPE.test(item)))) return [];
  return values.flatMap((item, index) => {
    if (typeof item !== 'string') return [];
    const result = id.safeParse(item);
    const where = Array.isArray(value) ? `${path}.${index}` : path;
    return result.success ? [] : result.error.issues.map((issue) => ({ path: where, message: issue.message }));
  });
}

/** The checks a root field's arguments need, or null when it has none. */
function checksFor(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>) {
  const ids = field.args.filter((a) => getNamedType(a.type) === GraphQLID);
  const pageLimit = PAGE_SIZE_LIMITS[`${parent.name}.${field.name}`];
  if (ids.length === 0 && pageLimit === undefined) return null;
  return (args: Record<string, unknown>, responseKey: string) => {
    const idIssues = ids.flatMap((a) => idProblems(args[a.name], `${responseKey}.${a.name}`));
    if (idIssues.length > 0)
      throw new DomainError(
        'BAD_USER_INPUT',
        'BAD_USER_INPUT',
        `参数有误：${idIssues.map((p) => `${p.path} ${p.message}`).join('；')}`,
        `invalid argument: ${idIssues.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        idIssues,
      );
    const first = args.first;
    if (pageLimit !== undefined && typeof first === 'number' && (first < 1 || first > pageLimit)) {
      const problem = { path: `${responseKey}.first`, message: `${pageSizeMessage(pageLimit)} (got ${first})` };
      throw new DomainError(
        'BAD_USER_INPUT',
        'INVALID_PAGE_SIZE',
        `每页条数须在 1 到 ${pageLimit} 之间：${problem.path} 为 ${first}`,
        `page size out of range: ${problem.path} ${problem.message}`,
        [problem],
      );
    }
  };
}

/**
 * The resolver map with every root field's resolver (and every subscription's `subscribe`) preceded by its argument
 * checks; fields without ID or page arguments are left as they are.
 */
export function withArgumentChecks<T extends ResolverMap>(resolvers: T, schema: GraphQLSchema): T {
  const checked: ResolverMap = { ...resolvers };
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!root || !resolvers[root.name]) continue;
    const fields = { ...resolvers[root.name] };
    for (const [name, resolver] of Object.entries(fields)) {
      const field = root.getFields()[name];
      const check = field ? checksFor(root, field) : null;
      if (!check) continue;
      const guard =
        (inner: Resolver): Resolver =>
        (rootValue, args, context, info) => {
          check(args, String(info.path.key));
          return inner(rootValue, args, context, info);
        };
      if (typeof resolver === 'function') fields[name] = guard(resolver as Resolver);
      else if (resolver && typeof (resolver as { subscribe?: unknown }).subscribe === 'function') {
        const subscription = resolver as { subscribe: Resolver };
        fields[name] = { ...subscription, subscribe: guard(subscription.subscribe) };
      }
    }
    checked[root.name] = fields;
  }
  return checked as T;
}
