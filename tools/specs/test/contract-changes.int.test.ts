import { describe, expect, it } from 'vitest';
import { contractChanges } from '../src/contract-changes.js';
import { FIXTURE_API, fixtureVersion } from './support/fixture-contract.js';

/** The breaking changes from v1 to `version`, as `consumer id` lines. */
async function breakingFrom(version: string): Promise<string[]> {
  const changes = await contractChanges(fixtureVersion('v1'), fixtureVersion(version), { apis: [FIXTURE_API] });
  return changes.filter((change) => change.breaking).map((change) => `${change.consumer} ${change.id}`);
}

// Runs oasdiff (installed into .cache/go on first use: a minute or two the first time).
describe('specs:diff classifies each change for each consumer', { timeout: 600_000 }, () => {
  it.each([
    [
      'a new required request attribute breaks SDK users, not receivers',
      'request-attribute-required',
      ['sdk-user request-property-became-required'],
    ],
    [
      'a removed notification attribute breaks receivers, not SDK users',
      'notification-attribute-removed',
      ['receiver response-optional-property-removed'],
    ],
    ['an answer the AS may no longer give breaks receivers', 'redirect-answer-removed', ['receiver api-path-removed-without-deprecation']],
    ['optional attributes added to a request and a notification break nobody', 'optional-attributes-added', []],
    ['the same contract has no breaking change', 'v1', []],
  ])('%s', async (_name, version, want) => {
    expect(await breakingFrom(version)).toEqual(want);
  });

  it('reports the compatible changes too', async () => {
    const changes = await contractChanges(fixtureVersion('v1'), fixtureVersion('optional-attributes-added'), { apis: [FIXTURE_API] });
    expect(changes.map((change) => `${change.consumer} ${change.breaking ? 'breaking' : 'compatible'}`).sort()).toEqual(
      ['receiver compatible', 'sdk-user compatible', 'sdk-user compatible'].sort(),
    );
  });
});
