import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_FORMATS, environmentSchema } from '../../src/config/read-environment.js';
import { schemaErrors } from '../../src/config/schema-check.js';
import { variables, type VariableName } from '../../src/config/variables.js';

/** Texts that hit each keyword of the variables' schemas on both sides of its limit. */
const TEXTS = [
  'abc',
  '0',
  '1',
  '-1',
  '5060',
  '65536',
  '99999999999',
  '1.5',
  'true',
  'false',
  'yes',
  'http://127.0.0.1:8080/x',
  'https://as.example/cb',
  'ftp://as.example',
  'postgres://u@db/mmtel',
  'postgresql://db',
  'not a url',
  '10.0.0.0/8',
  '::1/128',
  '192.168.1.1',
  '10.0.0.0/33',
  'a,b',
  '10.0.0.0/8,nope,::1',
  'a=b',
  'a=b,c=',
  'as1=s3cret,as2=x',
  'a~b/c=1',
  'x=default',
  'x=busy-callee',
  'x=nope',
  'sip:as@ims.example',
  'sip: x',
  'pcscf.example:5060',
  'pcscf.example',
  'host:123456',
  'A1b2C3',
  'abcg',
  'ü',
  'development',
  'production',
];

const ajv = new Ajv({ strict: true, allErrors: true });
for (const [format, check] of Object.entries(ENVIRONMENT_FORMATS)) ajv.addFormat(format, check);
const validate = ajv.compile(environmentSchema());

/** Ajv's failing instance paths for the same values: what the environment was checked with before. */
function ajvPaths(values: Record<string, unknown>): string[] {
  return validate(values) ? [] : [...new Set((validate.errors ?? []).map((error) => error.instancePath))].sort();
}

describe('the environment schema check', () => {
  it('refuses the same values at the same paths as Ajv does, for every variable and every sample text', () => {
    const names = Object.keys(variables) as VariableName[];
    for (const text of TEXTS) {
      const values = Object.fromEntries(names.map((name) => [name, variables[name].read(text)]));
      const ours = [
        ...new Set(
          names
            .flatMap((name) => schemaErrors(variables[name].schema, values[name], ENVIRONMENT_FORMATS, `/${name}`))
            .map((error) => error.instancePath),
        ),
      ].sort();
      expect(ours, `text ${JSON.stringify(text)}`).toEqual(ajvPaths(values));
    }
  });

  it('reports a bad entry of a map at its key, escaped as a JSON Pointer segment', () => {
    const errors = schemaErrors({ type: 'object', additionalProperties: { type: 'string', minLength: 2 } }, { 'a~b/c': 'x' }, {});
    expect(errors).toEqual([{ instancePath: '/a~0b~1c' }]);
  });

  it('refuses a schema that names a format nobody defined', () => {
    expect(() => schemaErrors({ type: 'string', format: 'nope' }, 'x', {})).toThrow(/unknown format "nope"/);
  });
});
