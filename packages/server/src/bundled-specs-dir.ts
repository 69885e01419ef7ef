/**
 * The directory of the bundled specs (`*.bundled.yaml`) the server reads at run time. The compiled
 * server (dist/*.js, as `pnpm start` runs it and as the published package holds it) reads the
 * copy its build places in dist/specs/, so that an installed package carries its own; from the
 * TypeScript sources (tests, tsx) it reads the repository's specs/bundled/, which `pnpm generate`
 * writes. A source module's URL ends in `.ts`, a compiled one's in `.js`.
 */
export const bundledSpecsDir: URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../specs/bundled/', import.meta.url)
  : new URL('./specs/', import.meta.url);
