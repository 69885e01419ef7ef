import { describe, expect, it } from 'vitest';
import { diffContract, formatDiff } from '../src/diff-command.js';
import { REPO_ROOT } from '../src/repo-paths.js';

// The CI gate: a breaking change of the published contract since the recorded release
// (specs/released/) must land with the versions that announce it. oasdiff is installed into
// .cache/go on first use (a minute or two the first time).
describe('the contract in the working tree', { timeout: 600_000 }, () => {
  it('breaks nothing since the recorded release that the published versions do not announce', async () => {
    const report = await diffContract(REPO_ROOT);
    expect(report.failures, formatDiff(report).join('\n')).toEqual([]);
  });
});
