import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    // Starts PostgreSQL once per run unless DATABASE_URL is set; tests read it with inject('databaseUrl').
    globalSetup: ['test/support/global-postgres.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
