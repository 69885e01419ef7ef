import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: {
    name: 'conformance',
    include: ['test/**/*.test.ts'],
    // One PostgreSQL for the run (the server's set-up: DATABASE_URL, or a private cluster), for the
    // suites that run on both store engines; tests read it with inject('databaseUrl').
    globalSetup: ['../../packages/server/test/support/global-postgres.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
