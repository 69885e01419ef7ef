import { defineProject } from 'vitest/config';

export default defineProject({
  // Workspace packages resolve `@mmtel/client` to its TypeScript sources through this export
  // condition (tsconfig: customConditions), so that nothing needs a build. The rest is Vite's
  // default server conditions.
  ssr: { resolve: { conditions: ['@mmtel/source', 'module', 'node', 'development|production'] } },
  test: {
    name: 'client',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
