import { readFileSync } from 'node:fs';
import { callbacks } from '@mmtel/types';
import { describe, expect, it } from 'vitest';

// A notifUri in an example that the receiver does not serve sends every notification to a 404:
// the examples of the published packages must use the receiver's paths.

const READMES = ['../../client/README.md', '../README.md'];
const served = Object.values(callbacks).map((callback) => callback.receiverPath);

describe('the README examples', () => {
  it.each(READMES)('%s: every notifUri ends with a path the receiver serves', (readme) => {
    const text = readFileSync(new URL(readme, import.meta.url), 'utf8');
    const uris = [...text.matchAll(/notifUri["']?\s*:\s*["'`]([^"'`]+)["'`]/g)].map((match) => match[1]!);
    for (const uri of uris) expect(served, `${readme}: notifUri ${uri}`).toContain(new URL(uri).pathname);
  });
});
