import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the CLI and kubectl tests start processes; two cores are plenty for the rest
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the JSON report is what .ci/run counts passed and failed tests from
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
