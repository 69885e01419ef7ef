import { defineConfig } from 'vitest/config';
// Vitest 4 ignores vitest.workspace.ts; the project list lives there and is passed on here.
import projects from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
  },
});
