import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@mmtel/source'] } },
  // Building the Python environment the first time takes about half a minute; each pass, up to a minute.
  test: { name: 'schemathesis', include: ['test/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
});
