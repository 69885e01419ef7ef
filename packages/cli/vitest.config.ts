import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (the `@mmtel/source` export condition).
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  // Every test spawns the command and a server starts beside it: slow on a loaded 2-core machine.
  test: { name: 'cli', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
