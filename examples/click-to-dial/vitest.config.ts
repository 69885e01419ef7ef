import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve to their TypeScript sources (the `@mmtel/source` export condition).
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: { name: 'click-to-dial', include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
