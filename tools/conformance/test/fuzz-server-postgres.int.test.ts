import { describeServerFuzz } from './support/server-fuzz-suite.js';

// The same attacks, same seed and runs, on the PostgreSQL store (DATABASE_URL: a database of its
// own on the run's PostgreSQL, started by the globalSetup of vitest.config.ts).
describeServerFuzz('postgres');
