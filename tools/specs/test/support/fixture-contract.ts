import { join } from 'node:path';
import type { ContractApi } from '../../src/contract-apis.js';
import { workingTree } from '../../src/contract-sources.js';

/** The small API of test/fixtures/contract/<version>/: one operation and one notification. */
export const FIXTURE_API: ContractApi = {
  name: 'Fixture',
  key: 'fixture',
  bundled: 'Fixture.bundled.yaml',
  callbacks: 'Fixture.callbacks.bundled.yaml',
};

const FIXTURES = join(import.meta.dirname, '../fixtures/contract');

/** One version of the fixture contract, as contractChanges reads it. */
export function fixtureVersion(version: string) {
  return { source: workingTree(join(FIXTURES, version), version), dir: '.' };
}
