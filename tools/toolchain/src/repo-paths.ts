import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Where tools kept between runs live: Python virtual environments, the openapi-generator jar.
 * Inside the checkout (ignored by git), so that a clean clone starts clean and two clones do not
 * share half-built state.
 */
export const cacheDir = fileURLToPath(new URL('../../../.cache/', import.meta.url));
