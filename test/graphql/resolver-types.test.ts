/**
 * The resolver types are generated from the areas' SDL and kept in the repository; these tests keep them current,
 * and prove (at typecheck time, through `@ts-expect-error`) that a resolver that does not match the schema does not
 * compile: if the types stopped checking results or arguments, the expected errors would be missing and
 * `npm run typecheck` would fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Resolvers } from '../../graphql/generated/resolvers-types.js';
import { resolverTypes } from '../../graphql/schema/codegen.js';
import { RESOLVER_TYPES_PATH } from '../../graphql/schema/print-schema.js';

describe('generated resolver types', () => {
  it('are the ones the schema gives (npm run schema rewrites them)', async () => {
    expect(readFileSync(RESOLVER_TYPES_PATH, 'utf8')).toBe(await resolverTypes());
  });

  it('refuse a resolver whose result or arguments do not match the SDL', () => {
    const wrong: Resolvers = {
      Query: {
        // @ts-expect-error a search answers a SearchConnection, whose totalCount is an Int
        search: async () => ({ totalCount: 'many', edges: [], pageInfo: { hasNextPage: false }, facets: [] }),
        // @ts-expect-error `site` takes an id, not a name
        site: async (_root, args: { name: string }) => args.name,
      },
      Mutation: {
        // @ts-expect-error a mutation answers its payload type, not a bare list
        addSubject: async () => ['网站集约化'],
      },
    };
    expect(Object.keys(wrong)).toEqual(['Query', 'Mutation']);
  });
});
