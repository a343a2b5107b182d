import { defineConfig } from 'vitest/config';
import floor from './coverage-floor.json' with { type: 'json' };

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // DynamoDB Local and the SQS emulator, started once per run for the integration tests.
    globalSetup: ['test/support/global-setup.ts'],
    // Measured only when asked (`vitest run --coverage`, as `npm test` does): a run of a few files
    // would fall below the floor, which is set for the whole suite.
    coverage: {
      provider: 'v8',
      include: ['functions/**/*.ts', 'lib/**/*.ts'],
      // The outbox page's script runs in the browser, where this process cannot measure it.
      // Type-only files compile to nothing; listed so the report holds only code that runs.
      exclude: ['functions/**/static/**', 'functions/core/ports.ts', 'functions/core/feedback/ports.ts', 'functions/core/events/ports.ts', 'functions/core/templates.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      // Whole percents that only rise: `npm run coverage:raise` rewrites the file. Not
      // `autoUpdate`, which would rewrite this config in any full run that beats it, CI's included.
      thresholds: { ...floor },
    },
  },
});
