import fc from 'fast-check';
import { flatten } from './arbitraries-from-schema.js';
import { acceptedTypes, type Expectation, pointerOf, sitesOf, wrongTypedValue } from './mutations.js';
import type { Schema, SpecDocument } from './spec-documents.js';

/** Attacks on the bytes, headers and shape of a request body rather than on one attribute. */
export type AttackKind =
  | 'truncated'
  | 'empty-body'
  | 'no-body'
  | 'not-an-object'
  | 'non-utf8-structural'
  | 'non-utf8-in-string'
  | 'utf8-bom'
  | 'duplicate-key-last-invalid'
  | 'duplicate-key-last-valid'
  | 'prototype-key'
  | 'deep-nesting'
  | 'huge-string'
  | 'too-large'
  | 'non-finite-number'
  | 'wrong-content-type'
  | 'no-content-type'
  | 'equivalent-content-type';

/** Every attack kind, for a caller that wants to list or exclude some. */
export const ATTACK_KINDS: readonly AttackKind[] = [
  'truncated',
  'empty-body',
  'no-body',
  'not-an-object',
  'non-utf8-structural',
  'non-utf8-in-string',
  'utf8-bom',
  'duplicate-key-last-invalid',
  'duplicate-key-last-valid',
  'prototype-key',
  'deep-nesting',
  'huge-string',
  'too-large',
  'non-finite-number',
  'wrong-content-type',
  'no-content-type',
  'equivalent-content-type',
];

/** One attack: the bytes and Content-Type sent, and what the answer must be. */
export interface Attack {
  kind: AttackKind;
  contentType: string | undefined;
  body: string | Uint8Array | undefined;
  /**
   * `valid`: the operation's success; `invalid`: `expect` only; `either`: success or `expect`
   * (both defensible, e.g. last-wins versus rejected duplicate keys, RFC 8259 clause 4).
   */
  verdict: 'valid' | 'invalid' | 'either';
  expect: Expectation;
}

/** The operation (or callback) an attack is aimed at. */
export interface AttackTarget {
  spec: SpecDocument;
  /** Its request body schema. */
  schema: Schema;
  /** Its declared request media types. */
  contentTypes: readonly string[];
  /** The target's body limit in bytes (413 above). */
  bodyLimit: number;
  /** Kinds left out (open findings that would otherwise fail every run; see known-findings.ts). */
  exclude?: readonly AttackKind[];
}

const MALFORMED_JSON: Expectation = { statuses: [400], cause: 'INVALID_MSG_FORMAT' };
const UNSUPPORTED: Expectation = { statuses: [415], cause: 'UNSUPPORTED_MEDIA_TYPE' };
/** Media types no operation of these APIs declares, and near misses of the declared ones. */
const FOREIGN_TYPES = [
  'text/plain',
  'text/json',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/problem+json',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/json',
  'application/jsonx',
  'application/json+fuzz',
  'json',
];
/** Byte sequences that are not UTF-8: a stray continuation byte, 0xFF, an overlong NUL, a UTF-16 surrogate (CESU-8). */
const NOT_UTF8 = [[0x80], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]] as const;

/** The attacks on one valid `body` of `target`, as an arbitrary. */
export function bodyAttacks(target: AttackTarget, body: unknown): fc.Arbitrary<Attack> {
  const declared = target.contentTypes[0]!;
  const json = JSON.stringify(body);
  const roomy = target.bodyLimit - Buffer.byteLength(json) - 1024;
  const anyJson = acceptedTypes(target.spec, target.schema) === undefined;
  const object = typeof body === 'object' && body !== null && !Array.isArray(body);
  const extensible = anyJson || (object && allowsExtensions(target.spec, target.schema));
  /** The body with one more top-level attribute, written as raw JSON text. */
  const withRaw = (name: string, raw: string) =>
    object ? `${json.slice(0, -1)}${json.length > 2 ? ',' : ''}${JSON.stringify(name)}:${raw}}` : `{${JSON.stringify(name)}:${raw}}`;
  const invalidOrAny = (expect: Expectation): Pick<Attack, 'verdict' | 'expect'> =>
    anyJson ? { verdict: 'valid', expect: { statuses: [] } } : { verdict: 'invalid', expect };

  const attacks: Partial<Record<AttackKind, fc.Arbitrary<Attack>>> = {
    // Cut anywhere short of the end; a cut number (`-8.25` → `-8.2`) can still be JSON and is not a truncation then.
    truncated: fc
      .integer({ min: 1, max: Math.max(1, json.length - 1) })
      .map((cut) => json.slice(0, cut))
      .filter((text) => text !== json && !isJson(text))
      .map((text) => ({ kind: 'truncated', contentType: declared, body: text, verdict: 'invalid', expect: MALFORMED_JSON })),
    'empty-body': fc.constantFrom('', ' ', '\r\n').map((text) => ({
      kind: 'empty-body',
      contentType: declared,
      body: text,
      verdict: 'invalid',
      expect: { statuses: [400], cause: ['INVALID_MSG_FORMAT', 'MANDATORY_IE_MISSING'] },
    })),
    'no-body': fc.constant({
      kind: 'no-body',
      contentType: undefined,
      body: undefined,
      verdict: 'invalid',
      expect: { statuses: [400], cause: ['MANDATORY_IE_MISSING', 'INVALID_MSG_FORMAT'] },
    }),
    'not-an-object': fc.constantFrom('[]', `[${json}]`, '"text"', '42', 'true', 'null').map((text) => ({
      kind: 'not-an-object',
      contentType: declared,
      body: text,
      ...invalidOrAny({ statuses: [400], cause: 'INVALID_MSG_FORMAT' }),
    })),
    'non-utf8-structural': fc.constantFrom(...NOT_UTF8).map((bytes) => ({
      kind: 'non-utf8-structural',
      contentType: declared,
      // Before the first token, so that the bytes can never land inside a string.
      body: Buffer.concat([Buffer.from(bytes), Buffer.from(json)]),
      verdict: 'invalid',
      expect: MALFORMED_JSON,
    })),
    'utf8-bom': fc.constant({ kind: 'utf8-bom', contentType: declared, body: `\uFEFF${json}`, verdict: 'either', expect: MALFORMED_JSON }),
    'prototype-key': fc.constantFrom('__proto__', 'constructor').map((name) => ({
      kind: 'prototype-key',
      contentType: declared,
      body: withRaw(name, name === '__proto__' ? '{"fuzzPolluted":true}' : '{"prototype":{"fuzzPolluted":true}}'),
      verdict: extensible ? 'either' : 'invalid',
      expect: { statuses: [400] },
    })),
    'too-large': fc.integer({ min: 1, max: 4096 }).map((extra) => ({
      kind: 'too-large',
      contentType: declared,
      body: withRaw('fuzzPadding', JSON.stringify('x'.repeat(target.bodyLimit + extra))),
      verdict: 'invalid',
      expect: { statuses: [413], cause: 'PAYLOAD_TOO_LARGE' },
    })),
    'wrong-content-type': fc.constantFrom(...FOREIGN_TYPES.filter((t) => !target.contentTypes.includes(t))).map((type) => ({
      kind: 'wrong-content-type',
      contentType: type,
      body: json,
      verdict: 'invalid',
      expect: UNSUPPORTED,
    })),
    'no-content-type': fc.constant({
      kind: 'no-content-type',
      contentType: undefined,
      body: json,
      verdict: 'invalid',
      expect: UNSUPPORTED,
    }),
    'equivalent-content-type': fc
      .constantFrom(
        `${declared}; charset=utf-8`,
        `${declared};charset=UTF-8`,
        declared.toUpperCase(),
        `${declared[0]!.toUpperCase()}${declared.slice(1)}`,
      )
      .map((type) => ({
        kind: 'equivalent-content-type',
        contentType: type,
        body: json,
        verdict: 'valid',
        expect: { statuses: [] },
      })),
  };

  if (extensible) {
    attacks['non-utf8-in-string'] = fc.constantFrom(...NOT_UTF8).map((bytes) => {
      const text = withRaw('fuzzText', '"ab@@cd"');
      const at = text.lastIndexOf('@@');
      return {
        kind: 'non-utf8-in-string',
        contentType: declared,
        body: Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at + 2))]),
        // RFC 8259 clause 8.1: JSON exchanged between systems MUST be UTF-8.
        verdict: 'invalid',
        expect: MALFORMED_JSON,
      } satisfies Attack;
    });
    if (roomy > 200) {
      attacks['deep-nesting'] = fc.tuple(fc.integer({ min: 64, max: Math.floor(roomy / 6) }), fc.boolean()).map(([depth, arrays]) => ({
        kind: 'deep-nesting',
        contentType: declared,
        body: withRaw('fuzzNested', arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
        // A server may refuse nesting that deep (400) but must not fail on it.
        verdict: 'either',
        expect: { statuses: [400] },
      }));
      attacks['huge-string'] = fc.integer({ min: 1, max: roomy }).map((size) => ({
        kind: 'huge-string',
        contentType: declared,
        body: withRaw('fuzzLong', JSON.stringify('x'.repeat(size))),
        verdict: 'valid',
        expect: { statuses: [] },
      }));
    }
  }

  const topLevel = sitesOf(target.spec, target.schema, body).filter((site) => site.path.length === 1);
  const duplicable = topLevel.flatMap((site) => {
    const wrong = wrongTypedValue(target.spec, site.schema);
    return wrong === undefined ? [] : [{ name: site.path[0]!, wrong }];
  });
  if (duplicable.length > 0) {
    const pick = fc.constantFrom(...duplicable).chain(({ name, wrong }) => wrong.map((bad) => ({ name, raw: JSON.stringify(bad) })));
    attacks['duplicate-key-last-invalid'] = pick.map(({ name, raw }) => ({
      kind: 'duplicate-key-last-invalid',
      contentType: declared,
      body: withRaw(name, raw),
      verdict: 'invalid',
      expect: { statuses: [400] },
    }));
    // ECMAScript's JSON.parse keeps the last of duplicate names; a stricter parser may refuse them.
    attacks['duplicate-key-last-valid'] = pick.map(({ name, raw }) => ({
      kind: 'duplicate-key-last-valid',
      contentType: declared,
      body: `{${JSON.stringify(name)}:${raw},${json.slice(1)}`,
      verdict: 'either',
      expect: { statuses: [400] },
    }));
  }

  const numeric = sitesOf(target.spec, target.schema, body).filter((site) => site.path.length > 0 && typeof site.value === 'number');
  if (numeric.length > 0) {
    attacks['non-finite-number'] = fc
      .tuple(fc.constantFrom(...numeric), fc.constantFrom('1e400', '-1e400', '1E+999'))
      .map(([site, literal]) => {
        const marker = '"@@fuzz-non-finite@@"';
        const text = JSON.stringify(replaceAt(body, site.path, JSON.parse(marker))).replace(marker, literal);
        // JSON.parse turns the literal into ±Infinity, which no integer or number schema means and JSON cannot echo.
        return {
          kind: 'non-finite-number',
          contentType: declared,
          body: text,
          verdict: 'invalid',
          expect: { statuses: [400], param: pointerOf(site.path) },
        } satisfies Attack;
      });
  }

  if (json.length < 2 || [...Array(json.length - 1).keys()].every((i) => isJson(json.slice(0, i + 1)))) delete attacks.truncated;
  for (const kind of target.exclude ?? []) delete attacks[kind];
  return fc.oneof(...Object.values(attacks));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** True when the body schema lets a body carry attributes it does not name. */
function allowsExtensions(spec: SpecDocument, schema: Schema): boolean {
  const flat = flatten(spec, schema);
  const branches = (flat.anyOf ?? flat.oneOf) as Schema[] | undefined;
  if (branches !== undefined) return branches.every((b) => allowsExtensions(spec, b));
  return flat.additionalProperties !== false;
}

function replaceAt(body: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(body)) return (body as unknown[]).map((item, i) => (i === Number(head) ? replaceAt(item, rest, value) : item));
  return { ...(body as Record<string, unknown>), [head]: replaceAt((body as Record<string, unknown>)[head], rest, value) };
}
