import { defineConfig } from 'vitest/config';
// Vitest 4 ignores vitest.workspace.ts; the project list lives there and is passed on here,
// so that `vitest --project <name>` works.
import projects from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // CI also gets a JSON report, from which .ci/run prints one "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
