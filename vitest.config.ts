import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The suites open real SQLite files and child processes; two workers match the machines' two cores.
    maxWorkers: 2,
  },
});
