import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // every test run in a temporary directory of its own, removed at the end (TMPDIR)
    globalSetup: ['test/helpers/global-setup.ts'],
    // the CLI and kubectl tests start processes; two cores are plenty for the rest
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // both cores (vitest's default leaves one idle: cores - 1 workers), and the modules a worker
    // has loaded kept for its next test file (importing cdk8s and the compiler again per file was
    // a fifth of the suite's time): tests keep no state in modules, and each makes its own project
    maxWorkers: 2,
    isolate: false,
    // the JSON report is what .ci/run counts passed and failed tests from
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
