import { defineConfig } from 'vitest/config';

export default defineConfig({
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
