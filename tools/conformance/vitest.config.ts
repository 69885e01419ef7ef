import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: { name: 'conformance', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
