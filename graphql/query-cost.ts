/**
 * A query's cost: every field costs 1, and what is selected under a paginated field costs as many times as the page
 * asks for (`first`, 20 when absent). Depth alone does not stop `search(first: 100)` nested in aliases forty times
 * over; this does. Checked before execution, so a refused query costs the server nothing more.
 */
import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

export const MAX_QUERY_COST = 5_000;
const DEFAULT_PAGE = 20;
/** A page size given in a variable counts as the largest page a connection serves: the rule runs once per query text. */
const LARGEST_PAGE = 100;

function pageSize(value: ValueNode | undefined): number {
  if (!value) return DEFAULT_PAGE;
  if (value.kind === Kind.INT) return Number(value.value);
  return LARGEST_PAGE;
}

function cost(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  if (!set) return 0;
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const first = selection.arguments?.find((a) => a.name.value === 'first');
      const paginated = first !== undefined || selection.name.value === 'search';
      const factor = paginated ? pageSize(first?.value) : 1;
      total += 1 + factor * cost(selection.selectionSet, fragments, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += cost(selection.selectionSet, fragments, visiting);
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // A fragment spreading itself is refused by the standard rules; do not recurse for ever before they run.
      if (!fragment || visiting.has(name)) continue;
      visiting.add(name);
      total += cost(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
  }
  return total;
}

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
        const total = cost(definition.selectionSet, fragments, new Set());
        if (total > MAX_QUERY_COST) {
          context.reportError(
            new GraphQLError(
              `query cost ${total} exceeds the limit of ${MAX_QUERY_COST}; ask for fewer items or fields`,
              { nodes: [definition] },
            ),
          );
        }
      }
    },
  };
}
