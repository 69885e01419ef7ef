import { expect, it } from 'vitest';
import * as sources from '../src/index.js';

it('resolves @mmtel/client to its TypeScript sources inside the workspace, with no build', async () => {
  const byName = await import('@mmtel/client');
  expect(byName.createCallControlClient).toBe(sources.createCallControlClient);
});
