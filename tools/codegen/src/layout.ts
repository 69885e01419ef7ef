/**
 * Where the generator reads specs and writes code. One place, so that the fixture
 * tests can point the same pipeline at a small spec and a scratch directory.
 */

/** One API root spec and the names its generated code uses. */
export interface ApiSource {
  /** Short key used in file names and the callback table, e.g. `callcontrol`. */
  key: string;
  /** PascalCase name used in generated identifiers, e.g. `CallControl`. */
  pascal: string;
  /** Repo-relative path of the hand-authored root spec. */
  spec: string;
}

/** Output locations, repo-relative. A missing entry skips that output. */
export interface OutputLayout {
  /** Bundled single-file specs (`*.bundled.yaml`, `*.callbacks.bundled.yaml`). */
  bundled: string;
  /** The contract package's generated sources (types, callback table, enums). */
  types: string;
  /** Module specifier under which the server and client import one API's generated types. */
  typesModule: (apiKey: string) => string;
  /** The server's generated handler contract and operation table. */
  serverGenerated?: string;
  /** The module of the server's bundled specs, parsed (a file path: `…/bundled-specs.gen.ts`). */
  parsedSpecs?: string;
  /** Hand-written handler modules; a missing one is scaffolded, an existing one never touched. */
  handlers?: string;
  /** The client's generated openapi-fetch entry points. */
  clientGenerated?: string;
}

/** Everything one generator run needs. */
export interface GeneratorConfig {
  root: string;
  apis: ApiSource[];
  out: OutputLayout;
}

/** The project's own configuration: the two TS 29.392 APIs and the simulator's control API. */
export function projectConfig(root: string): GeneratorConfig {
  return {
    root,
    apis: [
      { key: 'callcontrol', pascal: 'CallControl', spec: 'specs/TS29392_MMTel_CallControl.yaml' },
      { key: 'callevent', pascal: 'CallEvent', spec: 'specs/TS29392_MMTel_CallEvent.yaml' },
      { key: 'simulator', pascal: 'Simulator', spec: 'specs/MMTel_Simulator.yaml' },
    ],
    out: {
      bundled: 'specs/bundled',
      types: 'packages/types/src',
      typesModule: (apiKey) => `@mmtel/types/${apiKey}`,
      serverGenerated: 'packages/server/src/generated',
      parsedSpecs: 'packages/server/src/generated/bundled-specs.gen.ts',
      handlers: 'packages/server/src/handlers',
      clientGenerated: 'packages/client/src/generated',
    },
  };
}
