/**
 * The limits every GraphQL operation is held to before anything of it runs, over HTTP and over the subscription
 * socket alike (the server runs this rule with the standard validation on both): its cost, its depth, its aliases,
 * its root fields and the page sizes it asks for.
 *
 * Cost: every field costs 1; what is selected under a paginated field costs as many times as the page asks for; a
 * search costs what it makes the engine do besides (a full-text match, counting every hit, ranking, facets over the
 * whole result), far more than a field. Page sizes are validated per field (at least 1, at most the field's maximum):
 * a negative or zero page is refused, never clamped, so it can neither hide the cost of the rest nor surprise the
 * client. A page size given in a variable counts as the field's largest page, because the rule runs once per query
 * text; its value is checked when the field runs (argument-checks.ts), against the same maxima.
 *
 * Fragments count as what they expand to, each computed once; nesting is followed no deeper than the depth limit, so
 * a hostile document costs this rule little more than reading it. Each operation's cost is recorded for the
 * client's budget per minute (cost-budget.ts).
 */
import {
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValidationContext,
} from 'graphql';
import type { FieldProblem } from '../domain/shared/domain-error.js';
import { recordCost } from './cost-budget.js';

export const QUERY_LIMITS = {
  /** Fields × page sizes + engine work; ten pages of a hundred items with a few fields each. */
  maxCost: 5_000,
  /** The schema's deepest query is eight levels of fields, GraphiQL's introspection query thirteen. */
  maxDepth: 15,
  /** Aliased fields in one operation, fragments expanded: enough to ask for a few variants side by side. */
  maxAliases: 50,
  /** Root fields in one operation, fragments expanded: one screen's worth of independent questions. */
  maxRootFields: 20,
} as const;

/** The largest page each paginated field serves (its default page is the schema's default for `first`). */
export const PAGE_SIZE_LIMITS: Readonly<Record<string, number>> = {
  'Query.search': 100,
  'Query.pushInbox': 500,
  'Query.pushOutbox': 500,
  'Query.pushDeliveries': 500,
};

/**
 * What a search makes the engine do beyond resolving a field, in the same units. Measured on the sample corpus (683
 * regulations), a search with one hit asked for takes 3–6 ms, as long as serving some hundred fields of a page; the
 * library in production is a hundred times larger, and a search's cost grows with the hits it counts and ranks, so it
 * is priced at five hundred: at most nine searches fit in one operation. Facets count over every hit besides.
 */
export const SEARCH_COST = 500;
export const FACET_COST = 100;
const FACETS = 4;

export const QUERY_LIMIT_CODES = [
  'QUERY_TOO_COSTLY',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'TOO_MANY_ROOT_FIELDS',
  'INVALID_PAGE_SIZE',
] as const;
type LimitCode = (typeof QUERY_LIMIT_CODES)[number];

/** The message a page size outside its field's range gets, here and when a variable's value is checked. */
export const pageSizeMessage = (limit: number) => `must be between 1 and ${limit}`;

interface Tally {
  cost: number;
  depth: number;
  aliases: number;
  searches: number;
}

const NOTHING: Tally = { cost: 0, depth: 0, aliases: 0, searches: 0 };

function fieldDefinition(
  parent: GraphQLCompositeType | undefined,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
}

class OperationAnalysis {
  readonly pageProblems: FieldProblem[] = [];
  private readonly fragmentTallies = new Map<string, Tally>();
  private readonly fragmentRootFields = new Map<string, number>();
  private readonly visiting = new Set<string>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  selections(set: SelectionSetNode, parent: GraphQLCompositeType | undefined, level: number, path: string): Tally {
    let total = NOTHING;
    for (const selection of set.selections) {
      let tally: Tally;
      if (selection.kind === Kind.FIELD) {
        tally = this.field(selection, parent, level, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        tally = this.selections(selection.selectionSet, isCompositeType(type) ? type : undefined, level, path);
      } else {
        tally = this.fragment(selection.name.value, level, path);
      }
      total = {
        cost: total.cost + tally.cost,
        depth: Math.max(total.depth, tally.depth),
        aliases: total.aliases + tally.aliases,
        searches: total.searches + tally.searches,
      };
    }
    return total;
  }

  /** A fragment's tally, computed once however often it is spread; its depth counts from where it is spread. */
  private fragment(name: string, level: number, path: string): Tally {
    let tally = this.fragmentTallies.get(name);
    if (!tally) {
      const fragment = this.fragments.get(name);
      // A fragment spreading itself is refused by the standard rules; do not recurse for ever before they report it.
      if (!fragment || this.visiting.has(name)) return NOTHING;
      this.visiting.add(name);
      const type = this.schema.getType(fragment.typeCondition.name.value);
      tally = this.selections(fragment.selectionSet, isCompositeType(type) ? type : undefined, 0, path);
      this.visiting.delete(name);
      this.fragmentTallies.set(name, tally);
    }
    return { ...tally, depth: tally.depth === 0 ? 0 : level + tally.depth };
  }

  private field(node: FieldNode, parent: GraphQLCompositeType | undefined, level: number, path: string): Tally {
    const name = node.name.value;
    const definition = fieldDefinition(parent, name);
    const key = parent ? `${parent.name}.${name}` : name;
    const responseKey = node.alias?.value ?? name;
    const fieldPath = `${path}${responseKey}`;
    const alias = node.alias ? 1 : 0;
    // Deeper than the limit: refused anyway, so stop descending.
    if (level >= QUERY_LIMITS.maxDepth || !node.selectionSet)
      return { cost: 1, depth: node.selectionSet ? level + 2 : level + 1, aliases: alias, searches: 0 };
    const limit = PAGE_SIZE_LIMITS[key];
    const factor = limit !== undefined ? this.pageSize(node, definition, limit, `${fieldPath}.first`) : 1;
    const search = key === 'Query.search' ? 1 : 0;
    const engine = search * (SEARCH_COST + FACET_COST * this.facetCount(node));
    const childType = definition ? getNamedType(definition.type) : undefined;
    const child = this.selections(
      node.selectionSet,
      isCompositeType(childType) ? childType : undefined,
      level + 1,
      `${fieldPath}.`,
    );
    return {
      cost: 1 + engine + factor * child.cost,
      depth: Math.max(level + 1, child.depth),
      aliases: alias + child.aliases,
      searches: search + factor * child.searches,
    };
  }

  /** The page a paginated field asks for, as the cost counts it; a literal outside its range is a problem. */
  private pageSize(
    node: FieldNode,
    definition: GraphQLField<unknown, unknown> | undefined,
    limit: number,
    path: string,
  ): number {
    const argument = node.arguments?.find((a) => a.name.value === 'first');
    const fallback = definition?.args.find((a) => a.name === 'first')?.defaultValue;
    const byDefault = typeof fallback === 'number' ? fallback : limit;
    if (!argument || argument.value.kind === Kind.NULL) return byDefault;
    if (argument.value.kind === Kind.VARIABLE) return limit;
    if (argument.value.kind !== Kind.INT) return limit; // a wrong type: the standard rules report it
    const size = Number(argument.value.value);
    if (size < 1 || size > limit) {
      this.pageProblems.push({ path, message: `${pageSizeMessage(limit)} (got ${argument.value.value})` });
      return limit;
    }
    return size;
  }

  private facetCount(node: FieldNode): number {
    const facets = node.arguments?.find((a) => a.name.value === 'facets')?.value;
    if (!facets || facets.kind === Kind.NULL) return 0;
    if (facets.kind === Kind.LIST) return Math.min(facets.values.length, FACETS);
    return facets.kind === Kind.ENUM ? 1 : FACETS;
  }

  /** Fields at the root, fragments expanded. */
  rootFields(set: SelectionSetNode): number {
    let count = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) count += 1;
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += this.rootFields(selection.selectionSet);
      else {
        const name = selection.name.value;
        const known = this.fragmentRootFields.get(name);
        const fragment = this.fragments.get(name);
        if (known !== undefined) count += known;
        else if (fragment && !this.visiting.has(name)) {
          this.visiting.add(name);
          const fields = this.rootFields(fragment.selectionSet);
          this.visiting.delete(name);
          this.fragmentRootFields.set(name, fields);
          count += fields;
        }
      }
    }
    return count;
  }
}

function limitError(
  code: LimitCode,
  message: string,
  node: OperationDefinitionNode,
  details?: FieldProblem[],
): GraphQLError {
  return new GraphQLError(message, {
    nodes: [node],
    extensions: { code, category: 'BAD_USER_INPUT', ...(details ? { details } : {}) },
  });
}

/** The limits' problems with one operation of a document. */
export function operationProblems(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
): GraphQLError[] {
  const analysis = new OperationAnalysis(schema, fragments);
  const root = schema.getRootType(operation.operation) ?? undefined;
  const tally = analysis.selections(operation.selectionSet, root, 0, '');
  const rootFields = analysis.rootFields(operation.selectionSet);
  recordCost(operation, tally.cost);
  const problems: GraphQLError[] = [];
  if (analysis.pageProblems.length > 0)
    problems.push(
      limitError(
        'INVALID_PAGE_SIZE',
        `page sizes out of range: ${analysis.pageProblems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        operation,
        analysis.pageProblems,
      ),
    );
  if (tally.depth > QUERY_LIMITS.maxDepth)
    problems.push(
      limitError(
        'QUERY_TOO_DEEP',
        `query depth exceeds the limit of ${QUERY_LIMITS.maxDepth} nested fields; ask for less nested data`,
        operation,
      ),
    );
  if (tally.aliases > QUERY_LIMITS.maxAliases)
    problems.push(
      limitError(
        'TOO_MANY_ALIASES',
        `the operation has ${tally.aliases} aliased fields; at most ${QUERY_LIMITS.maxAliases} are served in one operation`,
        operation,
      ),
    );
  if (rootFields > QUERY_LIMITS.maxRootFields)
    problems.push(
      limitError(
        'TOO_MANY_ROOT_FIELDS',
        `the operation asks ${rootFields} root fields; at most ${QUERY_LIMITS.maxRootFields} are served in one operation`,
        operation,
      ),
    );
  if (tally.cost > QUERY_LIMITS.maxCost) {
    const searches =
      tally.searches > 0 ? ` (${tally.searches} searches at ${SEARCH_COST} each, plus ${FACET_COST} per facet)` : '';
    problems.push(
      limitError(
        'QUERY_TOO_COSTLY',
        `query cost ${tally.cost} exceeds the limit of ${QUERY_LIMITS.maxCost}${searches}; ask for fewer items, fields or searches`,
        operation,
      ),
    );
  }
  return problems;
}

/** The validation rule: every operation of the document within every limit. */
export function queryCostRule(context: ValidationContext): ASTVisitor {
  return {
    Document(document) {
      const fragments = new Map(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        for (const problem of operationProblems(context.getSchema(), definition, fragments))
          context.reportError(problem);
      }
      // The rule needs nothing more of the document.
      return false;
    },
  };
}
