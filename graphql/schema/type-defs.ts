/**
 * The served schema: the base (scalars, roots, paging) and each area's part, merged. `schema.graphql` at the top of
 * the repository is this schema as graphql-js prints it, and `generated/resolvers-types.ts` the resolver types made
 * from it; a test keeps both in step (`npm run schema` rewrites them).
 */
import { readFileSync } from 'node:fs';

/** Each area is a folder of its own with its SDL and its resolvers. */
export const AREAS = [
  'library',
  'sites',
  'workflow',
  'push',
  'people',
  'settings',
  'audit',
  'supervision',
  'migration',
  'export',
  'feed',
] as const;

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

export const typeDefs = [read('./base.graphql'), ...AREAS.map((area) => read(`../${area}/schema.graphql`))].join('\n');
