import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { artifactVersion, versionIn } from './artifact-versions.js';
import { CONTRACT_APIS, publishedArtifacts, type ContractApi } from './contract-apis.js';
import type { ContractSource } from './contract-sources.js';

/*
 * specs/released/: the contract as last released, the base `pnpm specs:diff` and the version gate
 * of `pnpm test` compare with. CI checks a clean clone of main that has no pull-request base and
 * perhaps no tags, so the baseline is committed: the released bundles and the version each
 * published artifact had. `pnpm specs:release` writes it when a release is cut.
 */

/** The recorded release's directory, relative to the checkout. */
export const RELEASED_DIR = 'specs/released';
const RECORD = `${RELEASED_DIR}/release.yaml`;

/** The version of each published artifact at the recorded release. */
export function releasedVersions(source: ContractSource): Record<string, string> {
  const text = source.read(RECORD);
  if (text === undefined) throw new Error(`${RECORD} is missing: record the last release with pnpm specs:release`);
  const record = parse(text) as { artifacts?: Record<string, string> } | null;
  return { ...(record?.artifacts ?? {}) };
}

/** The version of each published artifact in a version of the contract (a checkout, a git ref). */
export function versionsIn(source: ContractSource, apis: readonly ContractApi[] = CONTRACT_APIS): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const artifact of publishedArtifacts(apis)) {
    const text = source.read(artifact.versionFile);
    if (text === undefined) continue;
    versions[artifact.name] = versionIn(text, artifact);
  }
  return versions;
}

/** Writes specs/released/ from the checkout at `root`: its bundles and its artifacts' versions. */
export function recordRelease(root: string, note: string): void {
  mkdirSync(join(root, RELEASED_DIR), { recursive: true });
  const files = CONTRACT_APIS.flatMap((api) => [api.bundled, api.callbacks]);
  for (const file of files) {
    const bundle = readFileSync(join(root, 'specs/bundled', file), 'utf8');
    // The bundle's own header says "Run: pnpm generate", which would rewrite specs/bundled, not this copy.
    writeFileSync(
      join(root, RELEASED_DIR, file),
      `# The released contract (specs/released/release.yaml), recorded by pnpm specs:release from specs/bundled/${file}. DO NOT EDIT.\n${bundle.replace(/^# Code generated[^\n]*\n/, '')}`,
    );
  }
  const versions = Object.fromEntries(publishedArtifacts().map((artifact) => [artifact.name, artifactVersion(root, artifact)]));
  const header = [
    '# The last release of the published contract: the base of `pnpm specs:diff` and of the version',
    '# gate in `pnpm test`. Written by `pnpm specs:release` (DO NOT EDIT); the bundles beside it are',
    '# the released specs/bundled/ files.',
    '',
  ].join('\n');
  writeFileSync(join(root, RECORD), header + stringify({ note, artifacts: versions, bundles: files }));
}
