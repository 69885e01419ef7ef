import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: { name: 'sdkgen', include: ['test/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 900_000 },
});
