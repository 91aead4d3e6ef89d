import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql as CommonJS (its package has no exports map), as mercurius does; the test runner would pick its
  // ES module build instead, and graphql refuses schema objects of one copy in the functions of the other.
  resolve: {
    alias: [
      { find: /^graphql$/, replacement: fileURLToPath(new URL('node_modules/graphql/index.js', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // ENGINES=local starts a local Kafka and OpenSearch for the run (the production adapters' suites need them).
    globalSetup: ['test/support/engines-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The suites open real SQLite files and child processes; two workers match the machines' two cores.
    maxWorkers: 2,
  },
});
