import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  test: { name: 'bench', include: ['test/**/*.test.ts'] },
});
