import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  // Building the Python environment the first time takes about half a minute; each pass, up to a minute.
  test: {
    name: 'schemathesis',
    include: ['test/**/*.test.ts'],
    // One PostgreSQL for the run (the server's set-up: DATABASE_URL, or a private cluster) for the
    // pass on the PostgreSQL store; tests read it with inject('databaseUrl').
    globalSetup: ['../../packages/server/test/support/global-postgres.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
