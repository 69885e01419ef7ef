import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { findJavaToolchain } from '@mmtel/toolchain';
import { parseValidateOutput } from '../src/check-openapi-generator.js';
import { checkSpecs, formatDiagnostics, type SpecDiagnostic } from '../src/check-specs.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const FIXTURES = 'tools/codegen/test/fixtures/lint';

/** The API roots that exist today (the simulator spec comes later). */
const API_ROOTS = ['specs/TS29392_MMTel_CallControl.yaml', 'specs/TS29392_MMTel_CallEvent.yaml', 'specs/MMTel_Simulator.yaml'].filter((f) =>
  existsSync(resolve(ROOT, f)),
);

// openapi-generator needs a JDK: CI has one (and must run it); elsewhere it is skipped without one.
const withJvm =
  process.env['CI'] !== undefined ||
  (await findJavaToolchain().then(
    () => true,
    () => false,
  ));

const fromTool = (diagnostics: SpecDiagnostic[], tool: SpecDiagnostic['tool']): SpecDiagnostic[] =>
  diagnostics.filter((d) => d.tool === tool);

describe.skipIf(API_ROOTS.length === 0)('the real specs', () => {
  let diagnostics: SpecDiagnostic[];
  beforeAll(async () => {
    diagnostics = await checkSpecs({ root: ROOT, files: API_ROOTS, spectral: true, openapiGenerator: withJvm });
  }, 120_000);

  it('pass redocly with zero problems', () => {
    expect(formatDiagnostics(fromTool(diagnostics, 'redocly'))).toBe('');
  });

  it('pass swagger-parser', () => {
    expect(formatDiagnostics(fromTool(diagnostics, 'swagger-parser'))).toBe('');
  });

  it('pass spectral:oas with zero errors and zero warnings', () => {
    expect(formatDiagnostics(fromTool(diagnostics, 'spectral'))).toBe('');
  });

  it.skipIf(!withJvm)('pass openapi-generator validate with zero errors, warnings and recommendations', () => {
    expect(formatDiagnostics(fromTool(diagnostics, 'openapi-generator'))).toBe('');
  });
});

describe.skipIf(!withJvm)('openapi-generator validate', () => {
  it('reports an operation without responses at the operation, and an unused schema at the schema', async () => {
    const file = `${FIXTURES}/openapi-generator/Api.yaml`;
    const diagnostics = await checkSpecs({ root: ROOT, files: [file], openapiGenerator: true });
    expect(fromTool(diagnostics, 'openapi-generator').map((d) => [d.severity, d.line, d.message])).toEqual([
      ['error', 8, "attribute paths.'/sessions'(get).responses is missing"],
      ['warning', 13, 'Unused model: Orphan'],
    ]);
  }, 60_000);
});

describe('parseValidateOutput', () => {
  it('reads errors and warnings, joining wrapped lines, also when the heading follows another line', () => {
    const output = [
      'Validating spec (Api.yaml)Errors:',
      '\t- attribute',
      "\t  paths.'/y'(get).responses.200.content.'application/json'.schema.#/components/schemas/Nope",
      '\t  is missing',
      'Warnings: ',
      '\t- Unused model: Bad',
      '',
      '[error] Spec has 1 errors.',
    ].join('\n');
    expect(parseValidateOutput(output)).toEqual([
      {
        severity: 'error',
        message: "attribute paths.'/y'(get).responses.200.content.'application/json'.schema.#/components/schemas/Nope is missing",
      },
      { severity: 'warning', message: 'Unused model: Bad' },
    ]);
  });
});

describe('a conforming 3GPP-style fixture', () => {
  it('passes redocly, swagger-parser and spectral with zero problems', async () => {
    const diagnostics = await checkSpecs({ root: ROOT, files: [`${FIXTURES}/good/Api.yaml`], spectral: true });
    expect(formatDiagnostics(diagnostics)).toBe('');
  });
});

describe('failing fixtures', () => {
  let diagnostics: SpecDiagnostic[];
  const bad = (name: string): string => `${FIXTURES}/bad/${name}.yaml`;
  beforeAll(async () => {
    // One run for all of them: each fixture is its own API root and breaks one rule.
    const files = [
      'schema-name-not-upper-camel',
      'property-not-lower-camel',
      'enum-value-not-upper-snake',
      'path-segment-not-kebab-case',
      'path-variable-not-lower-camel',
      'query-parameter-not-kebab-case',
      'schema-without-description',
      'ref-with-sibling',
      'duplicate-operation-id',
      'operation-without-summary',
      'operation-without-4xx-response',
      'unused-component-in-root',
      'tab-character',
      'no-break-space-character',
      'broken-ref',
    ].map(bad);
    files.push(`${FIXTURES}/unused/Api.yaml`, `${FIXTURES}/broken/Api.yaml`);
    diagnostics = await checkSpecs({ root: ROOT, files });
  }, 60_000);

  const inFile = (file: string): SpecDiagnostic[] => diagnostics.filter((d) => d.file === file);

  interface Want {
    rule: string;
    line: number;
    column?: number;
  }
  // Each fixture breaks exactly one rule: redocly reports that rule once, and nothing else.
  const cases: [string, { given: string; want: Want }][] = [
    [
      'a schema name that is not UpperCamel',
      { given: 'schema-name-not-upper-camel', want: { rule: '3gpp/schema-name-upper-camel', line: 57 } },
    ],
    [
      'a property name that is not lowerCamel',
      { given: 'property-not-lower-camel', want: { rule: '3gpp/property-lower-camel', line: 55 } },
    ],
    ['an enum value that is not UPPER_SNAKE', { given: 'enum-value-not-upper-snake', want: { rule: '3gpp/enum-upper-snake', line: 62 } }],
    [
      'a static path segment that is not kebab-case',
      { given: 'path-segment-not-kebab-case', want: { rule: '3gpp/path-segment-kebab-case', line: 19 } },
    ],
    [
      'a path variable that is not lowerCamel',
      { given: 'path-variable-not-lower-camel', want: { rule: '3gpp/path-variable-lower-camel', line: 19 } },
    ],
    [
      'a query parameter that is not kebab-case',
      { given: 'query-parameter-not-kebab-case', want: { rule: '3gpp/query-parameter-kebab-case', line: 33 } },
    ],
    ['a named data type without description', { given: 'schema-without-description', want: { rule: '3gpp/schema-description', line: 51 } }],
    ['a sibling key next to $ref', { given: 'ref-with-sibling', want: { rule: 'spec-ref-siblings', line: 57 } }],
    ['a duplicate operationId', { given: 'duplicate-operation-id', want: { rule: 'operation-operationId-unique', line: 44 } }],
    [
      'an operation under paths without summary',
      { given: 'operation-without-summary', want: { rule: '3gpp/operation-summary', line: 20 } },
    ],
    [
      'an operation without 4XX response',
      { given: 'operation-without-4xx-response', want: { rule: '3gpp/operation-4xx-response', line: 33 } },
    ],
    ['an unused component in the API root', { given: 'unused-component-in-root', want: { rule: '3gpp/no-unused-components', line: 63 } }],
    // The description starts on line 5; the TAB is on line 7.
    ['a TAB character, at its own line and column', { given: 'tab-character', want: { rule: '3gpp/no-tab-or-nbsp', line: 7, column: 22 } }],
    [
      'a NO-BREAK SPACE character, at its own line and column',
      { given: 'no-break-space-character', want: { rule: '3gpp/no-tab-or-nbsp', line: 7, column: 22 } },
    ],
  ];

  it.each(cases)('redocly reports %s', (_name, { given, want }) => {
    const file = bad(given);
    expect(fromTool(inFile(file), 'redocly')).toEqual([
      expect.objectContaining({
        tool: 'redocly',
        rule: want.rule,
        severity: 'error',
        file,
        line: want.line,
        ...(want.column === undefined ? {} : { column: want.column }),
      }),
    ]);
  });

  it('a broken $ref fails redocly and swagger-parser with the file and line of the $ref', () => {
    const file = bad('broken-ref');
    const atRef = { file, line: 39, column: 17, severity: 'error' };
    expect(inFile(file)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...atRef, tool: 'redocly', rule: 'no-unresolved-refs' }),
        expect.objectContaining({
          ...atRef,
          tool: 'swagger-parser',
          rule: 'unresolved-ref',
          message: expect.stringContaining('#/components/schemas/Sesion') as unknown,
        }),
      ]),
    );
  });

  it('unused components in a component file are reported there, also when only an unused one references them', () => {
    const common = `${FIXTURES}/unused/Common.yaml`;
    expect(inFile(common).map((d) => [d.rule, d.line, d.message])).toEqual([
      ['3gpp/no-unused-components', 30, 'Component "schemas/OrphanType" is never referenced from any API root.'],
      ['3gpp/no-unused-components', 36, 'Component "schemas/Helper" is never referenced from any API root.'],
    ]);
    expect(inFile(`${FIXTURES}/unused/Api.yaml`)).toEqual([]);
  });

  it('swagger-parser schema errors point at the file and line behind the $ref', () => {
    const common = `${FIXTURES}/broken/Common.yaml`;
    expect(fromTool(inFile(common), 'swagger-parser').map((d) => [d.rule, d.line, d.column])).toEqual([
      ['schema', 37, 5], // the '404' response that lacks `description`
      ['schema', 38, 7], // its unexpected `summary` key
    ]);
  });

  it('no other fixture file gets a diagnostic', () => {
    const expected = new Set([
      ...cases.map(([, c]) => bad(c.given)),
      bad('broken-ref'),
      `${FIXTURES}/unused/Common.yaml`,
      `${FIXTURES}/broken/Common.yaml`,
    ]);
    expect(diagnostics.filter((d) => !expected.has(d.file))).toEqual([]);
  });
});

describe('the spec set', () => {
  it('counts a component used by only one of two API roots checked together as used', async () => {
    const files = [`${FIXTURES}/cross-root/A.yaml`, `${FIXTURES}/cross-root/B.yaml`];
    expect(formatDiagnostics(await checkSpecs({ root: ROOT, files }))).toBe('');
  });

  it('reports a missing API root', async () => {
    const diagnostics = await checkSpecs({ root: ROOT, files: [`${FIXTURES}/nope/Missing.yaml`] });
    expect(diagnostics).toEqual([
      expect.objectContaining({ rule: 'file-not-found', severity: 'error', file: `${FIXTURES}/nope/Missing.yaml`, line: 1 }),
    ]);
  });
});

describe('formatDiagnostics', () => {
  it('prints file:line:column, severity, tool/rule and message, one diagnostic per line', () => {
    const text = formatDiagnostics([
      {
        tool: 'redocly',
        rule: '3gpp/enum-upper-snake',
        severity: 'error',
        message: 'Bad value.',
        file: 'specs/A.yaml',
        line: 3,
        column: 9,
      },
      {
        tool: 'spectral',
        rule: 'operation-description',
        severity: 'warning',
        message: 'Two\nlines.',
        file: 'specs/B.yaml',
        line: 1,
        column: 1,
      },
    ]);
    expect(text).toBe(
      'specs/A.yaml:3:9  error  redocly/3gpp/enum-upper-snake  Bad value.\n' +
        'specs/B.yaml:1:1  warning  spectral/operation-description  Two lines.',
    );
  });
});
