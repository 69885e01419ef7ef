import { fileURLToPath } from 'node:url';
import type { GeneratorConfig } from '../src/layout.js';

/** The generator pointed at the small fixture spec (callbacks, an extensible enum, external refs). */
export function fixtureConfig(root = fileURLToPath(new URL('./fixtures', import.meta.url))): GeneratorConfig {
  return {
    root,
    apis: [{ key: 'fixture', pascal: 'Fixture', spec: 'api/Fixture_Api.yaml' }],
    out: {
      bundled: 'out/bundled',
      types: 'out/types',
      typesModule: (key) => `../types/${key}.gen.js`,
      serverGenerated: 'out/server',
      handlers: 'out/handlers',
      clientGenerated: 'out/client',
    },
  };
}
