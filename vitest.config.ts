import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/redis-server.global.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration files share one Redis; each uses its own key prefix, so files may run in parallel.
    pool: 'forks',
  },
});
