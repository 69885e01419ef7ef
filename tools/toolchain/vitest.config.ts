import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'toolchain', include: ['test/**/*.test.ts'], testTimeout: 120_000 },
});
