import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // DynamoDB Local and the SQS emulator, started once per run for the integration tests.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
