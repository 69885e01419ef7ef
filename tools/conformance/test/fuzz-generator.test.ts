import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARSER_FORBIDDEN_KEYS, SchemaArbitraries } from '../src/fuzz/arbitraries-from-schema.js';
import { ATTACK_KINDS, bodyAttacks, type Attack } from '../src/fuzz/body-attacks.js';
import { isExponentialPattern, linearEquivalent } from '../src/fuzz/linear-patterns.js';
import { mergePatch } from '../src/fuzz/merge-patch.js';
import { mutationsOf, type Mutation, type MutationKind } from '../src/fuzz/mutations.js';
import { BUNDLED, componentSchema, loadSpec, operationsOf, type Schema, type SpecDocument } from '../src/fuzz/spec-documents.js';
import { SpecValidator, type SchemaError } from '../src/fuzz/spec-validator.js';

// The fuzz tests are only as good as their generator: these prove, against Ajv and the spec's own
// schemas, that "valid" values are valid and "invalid" ones are invalid where the label says.
const SEED = 7;
const specs = Object.values(BUNDLED).map(loadSpec);
const bodies = specs.flatMap((spec) =>
  operationsOf(spec).flatMap((op) =>
    op.body === undefined ? [] : [[`${op.operationId} (${spec.file})`, { spec, schema: op.body.schema }] as const],
  ),
);

/** Does Ajv report an error at `pointer` (the missing attribute of a `required` error counts)? */
function reportsAt(errors: SchemaError[], pointer: string): boolean {
  return errors.some(
    (e) => e.instancePath === pointer || (e.keyword === 'required' && `${e.instancePath}/${String(e.params.missingProperty)}` === pointer),
  );
}

function sampleMutations(spec: SpecDocument, schema: Schema, numRuns: number): Mutation[] {
  const arbitrary = new SchemaArbitraries(spec).of(schema).chain((body) => mutationsOf(spec, schema, body) ?? fc.constant(undefined));
  return fc.sample(arbitrary, { numRuns, seed: SEED }).filter((m): m is Mutation => m !== undefined);
}

describe('valid values from the schemas', () => {
  it.each(bodies)('are valid request bodies of %s, as the spec validates them', (_name, { spec, schema }) => {
    const validator = new SpecValidator(spec);
    for (const readOnly of ['omit', 'include'] as const) {
      fc.assert(
        fc.property(new SchemaArbitraries(spec, { readOnly }).of(schema), (body) => {
          expect(validator.errors(schema, body)).toEqual([]);
        }),
        { numRuns: 40, seed: SEED },
      );
    }
  });

  it('leave out readOnly attributes unless asked for them, and then produce them', () => {
    const spec = loadSpec(BUNDLED.callControl);
    const session = componentSchema(spec, 'ImsSession');
    const omitted = fc.sample(new SchemaArbitraries(spec).of(session), { numRuns: 100, seed: SEED }) as Record<string, unknown>[];
    const included = fc.sample(new SchemaArbitraries(spec, { readOnly: 'include' }).of(session), { numRuns: 100, seed: SEED }) as Record<
      string,
      unknown
    >[];
    const info = (s: Record<string, unknown>) => s.imsSessionInfo as Record<string, unknown>;
    expect(omitted.some((s) => 'sessionState' in info(s) || 'sessionId' in info(s) || 'self' in s)).toBe(false);
    expect(included.some((s) => 'sessionState' in info(s))).toBe(true);
  });

  it('produce unknown values of extensible enumerations and extension attributes, but no key the JSON parser refuses', () => {
    const spec = loadSpec(BUNDLED.callControl);
    const values = fc.sample(new SchemaArbitraries(spec).of(componentSchema(spec, 'ImsSession')), { numRuns: 300, seed: SEED }) as Record<
      string,
      unknown
    >[];
    const json = values.map((v) => JSON.stringify(v)).join('\n');
    const known = new Set(['DC', 'AUDIO', 'VIDEO']);
    const mediaTypes = values.flatMap((v) =>
      Object.values(((v.imsSessionInfo as Record<string, unknown>).mediaComponents ?? {}) as Record<string, { mediaType: string }>).map(
        (m) => m.mediaType,
      ),
    );
    expect(mediaTypes.some((t) => !known.has(t))).toBe(true);
    expect(values.some((v) => Object.keys(v).some((k) => !(k in (componentSchema(spec, 'ImsSession').properties as object))))).toBe(true);
    for (const key of PARSER_FORBIDDEN_KEYS) expect(json).not.toContain(`"${key}":`);
  });
});

describe('mutations of valid values', () => {
  it.each(bodies)('are invalid for %s with an Ajv error at the labelled pointer, or valid when labelled so', (_name, { spec, schema }) => {
    const validator = new SpecValidator(spec);
    for (const mutation of sampleMutations(spec, schema, 80)) {
      const errors = validator.errors(schema, mutation.body);
      if (mutation.stillValid) expect(errors, `${mutation.kind} at ${mutation.pointer}`).toEqual([]);
      else
        expect(
          mutation.expect.param === undefined || reportsAt(errors, mutation.expect.param),
          `${mutation.kind} at ${mutation.pointer}: ${JSON.stringify(errors)}`,
        ).toBe(true);
      if (!mutation.stillValid) expect(errors.length, `${mutation.kind} at ${mutation.pointer}`).toBeGreaterThan(0);
    }
  });

  it('cover every kind of constraint the CallControl and notification schemas have', () => {
    const kinds = new Set<MutationKind>();
    for (const [, { spec, schema }] of bodies) for (const m of sampleMutations(spec, schema, 600)) kinds.add(m.kind);
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'above-maximum',
        'bad-date-time',
        'below-minimum',
        'missing-required',
        'not-integer',
        'pattern-mismatch',
        'too-few-items',
        'too-few-properties',
        'unknown-extensible-enum',
        'wrong-type',
      ]),
    );
  });

  // The bundled specs have no closed enumeration and no length bounds: a small spec of its own shows those work too.
  const tiny: SpecDocument = {
    file: 'tiny.yaml',
    doc: {
      openapi: '3.0.0',
      components: {
        schemas: {
          Body: {
            type: 'object',
            required: ['closed', 'open', 'name'],
            properties: {
              closed: { type: 'string', enum: ['A', 'B'] },
              open: { anyOf: [{ type: 'string', enum: ['X'] }, { type: 'string' }] },
              name: { type: 'string', minLength: 2, maxLength: 4 },
            },
            additionalProperties: false,
          },
        },
      },
    },
  };

  it.each([
    ['an unknown value of a closed enumeration is invalid', 'unknown-closed-enum', false],
    ['an unknown value of an extensible enumeration is valid', 'unknown-extensible-enum', true],
    ['a string shorter than minLength is invalid', 'too-short', false],
    ['a string longer than maxLength is invalid', 'too-long', false],
  ] as const)('%s', (_name, kind, valid) => {
    const schema = componentSchema(tiny, 'Body');
    const validator = new SpecValidator(tiny);
    const found = sampleMutations(tiny, schema, 200).filter((m) => m.kind === kind);
    expect(found.length).toBeGreaterThan(0);
    for (const m of found) expect(validator.errors(schema, m.body).length === 0, JSON.stringify(m.body)).toBe(valid);
    expect(
      fc.sample(new SchemaArbitraries(tiny).of(schema), { numRuns: 50, seed: SEED }).every((v) => Object.keys(v as object).length === 3),
    ).toBe(true);
  });
});

describe('attacks on the wire', () => {
  const spec = loadSpec(BUNDLED.callControl);
  const create = operationsOf(spec).find((op) => op.operationId === 'CreateImsSession')!;
  const target = { spec, schema: create.body!.schema, contentTypes: create.body!.contentTypes, bodyLimit: 65_536 };
  const validator = new SpecValidator(spec);
  const attacks = fc.sample(
    new SchemaArbitraries(spec).of(target.schema).chain((body) => bodyAttacks(target, body)),
    { numRuns: 300, seed: SEED },
  );
  const bytes = (attack: Attack) => (attack.body === undefined ? Buffer.alloc(0) : Buffer.from(attack.body));
  const text = (attack: Attack) => bytes(attack).toString('utf8');
  /** Parsed strictly: UTF-8 first (RFC 8259 clause 8.1), then JSON. */
  const parses = (attack: Attack) => {
    try {
      return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes(attack))) as unknown };
    } catch {
      return { ok: false, value: undefined };
    }
  };

  it('include every kind', () => {
    expect(new Set(attacks.map((a) => a.kind))).toEqual(new Set(ATTACK_KINDS));
  });

  it.each([
    ['truncated', (a: Attack) => !parses(a).ok],
    ['non-utf8-structural', (a: Attack) => !parses(a).ok],
    ['non-utf8-in-string', (a: Attack) => !parses(a).ok && JSON.parse(text(a)) !== undefined],
    ['too-large', (a: Attack) => bytes(a).length > target.bodyLimit],
    ['huge-string', (a: Attack) => bytes(a).length <= target.bodyLimit && validator.errors(target.schema, parses(a).value).length === 0],
    ['deep-nesting', (a: Attack) => bytes(a).length <= target.bodyLimit && parses(a).ok],
    ['duplicate-key-last-invalid', (a: Attack) => validator.errors(target.schema, parses(a).value).length > 0],
    ['duplicate-key-last-valid', (a: Attack) => validator.errors(target.schema, parses(a).value).length === 0],
    ['non-finite-number', (a: Attack) => JSON.stringify(parses(a).value).includes('null')],
    ['wrong-content-type', (a: Attack) => !target.contentTypes.includes(String(a.contentType))],
    [
      'equivalent-content-type',
      (a: Attack) =>
        a.contentType!.toLowerCase().startsWith('application/json') && validator.errors(target.schema, parses(a).value).length === 0,
    ],
  ] as const)('make %s requests what their label says', (kind, holds) => {
    const ofKind = attacks.filter((a) => a.kind === kind);
    expect(ofKind.length).toBeGreaterThan(0);
    for (const attack of ofKind) expect(holds(attack), text(attack).slice(0, 300)).toBe(true);
  });
});

describe('the linear rewrite of exponential patterns', () => {
  const spec = loadSpec(BUNDLED.callControl);
  const imsPublicId = String(componentSchema(spec, 'ImsPublicId').pattern);

  it('applies to the TS 29.562 ImsPublicId pattern, and to no other pattern of the specs', () => {
    const patterns = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(visit);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) if (key === 'pattern' && typeof value === 'string') patterns.add(value);
      Object.values(node).forEach(visit);
    };
    specs.forEach((s) => visit(s.doc));
    expect([...patterns].filter(isExponentialPattern)).toEqual([imsPublicId]);
  });

  it('accepts exactly the strings the original pattern accepts', () => {
    const original = new RegExp(imsPublicId);
    const linear = new RegExp(linearEquivalent(imsPublicId));
    // Short strings from the pattern's own alphabet, so that the original stays fast, and near misses of valid ids.
    const alphabet = fc.constantFrom(...'sipte:+@.-_aZ09!$ '.split(''));
    const candidates = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 24 }),
      fc
        .tuple(fc.constantFrom('sip:', 'tel:+', 'sip:a@', ''), fc.string({ unit: alphabet, maxLength: 20 }))
        .map(([prefix, rest]) => prefix + rest),
      fc
        .stringMatching(original, { maxLength: 30 })
        .chain((id) => fc.constantFrom(id, `${id} `, `${id}.`, `-${id}`, id.replace('.', '-.'), id.replace('.', '..'))),
    );
    fc.assert(
      fc.property(candidates, (s) => {
        expect(linear.test(s)).toBe(original.test(s));
      }),
      { numRuns: 1500, seed: SEED },
    );
  });
});

describe('the RFC 7396 oracle', () => {
  // RFC 7396 Appendix A, "Example Test Cases".
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('merges %j with %j into %j', (target, patch, want) => {
    expect(mergePatch(target, patch)).toEqual(want);
  });
});
