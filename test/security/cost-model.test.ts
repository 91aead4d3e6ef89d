/**
 * The cost model on its own, against the served schema: what it charges, and that a hostile document costs it little
 * to judge. The transports' use of it is tested in query-cost.test.ts.
 */
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { costOf } from '../../graphql/cost-budget.js';
import { FACET_COST, QUERY_LIMITS, queryCostRule, SEARCH_COST } from '../../graphql/query-cost.js';
import { typeDefs } from '../../graphql/schema/type-defs.js';

const schema = buildSchema(typeDefs);

function judge(source: string) {
  const document = parse(source);
  const errors = validate(schema, document, [...specifiedRules, queryCostRule]);
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  return {
    codes: errors.map((e) => e.extensions.code ?? 'standard'),
    cost: operation?.kind === 'OperationDefinition' ? costOf(operation) : undefined,
  };
}

describe('the cost model', () => {
  it('charges a field 1, a page its size times what is under it, a search its engine work and its facets', () => {
    expect(judge('{ viewer { __typename } }')).toEqual({ codes: [], cost: 2 });
    // 1 (search) + engine + 10 × (edges 1 + node 1 + id 1 + title 1)
    expect(judge('{ search(text: "条例", first: 10) { edges { node { id title } } } }')).toEqual({
      codes: [],
      cost: 1 + SEARCH_COST + 10 * 4,
    });
    expect(judge('{ search(first: 1, facets: [GENRE, YEAR]) { totalCount } }').cost).toBe(
      1 + SEARCH_COST + 2 * FACET_COST + 1,
    );
    // The schema's default page (20 for search, 50 for the push lists) when none is asked for.
    expect(judge('{ pushInbox(siteId: "jinan") { edges { node { pushId } } } }').cost).toBe(1 + 50 * 3);
    // A variable counts as the largest page the field serves.
    expect(judge('query($n: Int) { pushInbox(siteId: "jinan", first: $n) { edges { node { pushId } } } }').cost).toBe(
      1 + 500 * 3,
    );
  });

  it('refuses page sizes outside each field’s range before anything runs, whatever else the query holds', () => {
    expect(judge('{ pushInbox(siteId: "jinan", first: 0) { totalCount } }').codes).toEqual(['INVALID_PAGE_SIZE']);
    expect(judge('{ search(first: 101) { totalCount } }').codes).toEqual(['INVALID_PAGE_SIZE']);
    expect(judge('{ pushDeliveries(first: 500) { totalCount } }').codes).toEqual([]);
  });

  it('the introspection query GraphiQL sends fits every limit', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    expect(judge(getIntrospectionQuery()).codes).toEqual([]);
  });

  it('fragments spread twice at every level are judged once each: 2^40 expansions are refused at once', () => {
    const levels = 40;
    const fragments = Array.from(
      { length: levels },
      (_, i) =>
        `fragment f${i} on Query { ${i === levels - 1 ? 'viewer { __typename }' : `...f${i + 1} ...f${i + 1}`} }`,
    ).join('\n');
    const started = performance.now();
    const { codes } = judge(`query { ...f0 }\n${fragments}`);
    expect(codes).toContain('TOO_MANY_ROOT_FIELDS');
    expect(codes).toContain('QUERY_TOO_COSTLY');
    // Not a timing target: a check that the expansion was not walked (2^40 fields would never finish).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops following nesting beyond the depth limit: a document nested a thousand levels is refused as too deep', () => {
    const ofTypes = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofTypes(n - 1)} }`);
    const tooDeep = `{ __schema { types { fields { type { ${ofTypes(1000)} } } } } }`;
    expect(judge(tooDeep).codes).toContain('QUERY_TOO_DEEP');
    expect(QUERY_LIMITS.maxDepth).toBe(15);
  });
});
