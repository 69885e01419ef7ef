import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PublishedArtifact } from './contract-apis.js';

/** The version an artifact has in the checkout at `root`. */
export function artifactVersion(root: string, artifact: PublishedArtifact): string {
  return versionIn(readFileSync(join(root, artifact.versionFile), 'utf8'), artifact);
}

/**
 * The version in the text of an artifact's version file: package.json's `version`, the Maven
 * module's own `<version>` (after its artifactId, not the parent's), pyproject.toml's `version`.
 */
export function versionIn(text: string, artifact: PublishedArtifact): string {
  const found = artifact.versionFile.endsWith('package.json')
    ? (JSON.parse(text) as { version?: string }).version
    : artifact.versionFile.endsWith('pom.xml')
      ? /<artifactId>[^<]*<\/artifactId>\s*(?:<packaging>[^<]*<\/packaging>\s*)?<version>([^<]+)<\/version>/.exec(
          text.replace(/<parent>[\s\S]*?<\/parent>/, ''),
        )?.[1]
      : /^version\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  if (found === undefined) throw new Error(`no version of ${artifact.name} in ${artifact.versionFile}`);
  return found;
}

/** A semantic version's numbers (pre-release and build ignored). */
export function parseVersion(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`"${version}" is not a semantic version`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/**
 * Whether `current` announces a breaking change after `released`: a new major version, or under
 * 0.x a new minor one. Semantic versioning gives 0.x no compatibility promise, and npm's caret
 * range ^0.1.0 stops before 0.2.0, so 0.1.x → 0.2.0 is how a 0.x package announces a break.
 */
export function isBreakingBump(released: string, current: string): boolean {
  const [rMajor, rMinor] = parseVersion(released);
  const [cMajor, cMinor] = parseVersion(current);
  if (cMajor !== rMajor) return cMajor > rMajor;
  return rMajor === 0 && cMinor > rMinor;
}
