/**
 * `npm run schema`: writes the schema as the server builds it to `schema.graphql` at the top of the repository (for
 * sub-sites generating clients and for review), and the resolver types made from it. A test fails when either file
 * and the code disagree.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, printSchema } from 'graphql';
import { RESOLVER_TYPES_FILE, resolverTypes } from './codegen.js';
import { typeDefs } from './type-defs.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
export const RESOLVER_TYPES_PATH = fileURLToPath(new URL(`../generated/${RESOLVER_TYPES_FILE}`, import.meta.url));

export function printedSchema(): string {
  return `${printSchema(buildSchema(typeDefs))}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, printedSchema());
  writeFileSync(RESOLVER_TYPES_PATH, await resolverTypes());
  process.stdout.write(`wrote ${SCHEMA_FILE} and ${RESOLVER_TYPES_PATH}\n`);
}
