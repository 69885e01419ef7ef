import { fileURLToPath } from 'node:url';

/** This checkout's root directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The manifest's path, relative to a checkout's root. */
export const MANIFEST_PATH = 'specs/provenance.yaml';
