import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: { name: 'check', include: ['test/**/*.test.ts'] },
});
