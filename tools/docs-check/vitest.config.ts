import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (the `@mmtel/source` export condition).
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  // The runnable blocks start pnpm and tsx processes: seconds each on a loaded machine.
  test: { name: 'docs-check', include: ['test/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 120_000 },
});
