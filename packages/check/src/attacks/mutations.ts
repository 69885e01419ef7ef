import fc from 'fast-check';
import { flatten } from './arbitraries-from-schema.js';
import { isExponentialPattern, safeRegExp } from './linear-patterns.js';
import type { Schema, SpecDocument } from './spec-documents.js';

/** The TS 29.500 causes of a 400 for a body its schema rejects. */
export type BadBodyCause = 'MANDATORY_IE_MISSING' | 'MANDATORY_IE_INCORRECT' | 'OPTIONAL_IE_INCORRECT' | 'INVALID_MSG_FORMAT';

/** What the receiving side must answer to a request. */
export interface Expectation {
  /** Acceptable statuses (usually one). */
  statuses: readonly number[];
  /** The ProblemDetails `cause` (one of these), when the spec and TS 29.500 fix it. */
  cause?: string | readonly string[];
  /** A JSON Pointer (RFC 6901) that `invalidParams` must name. */
  param?: string;
}

/** One way of breaking a valid body, with what the answer must be. */
export interface Mutation {
  kind: MutationKind;
  /** JSON Pointer of the attribute at fault. */
  pointer: string;
  /** The whole body after the change. */
  body: unknown;
  /** True when the change keeps the body valid (e.g. an unknown value of an extensible enum). */
  stillValid: boolean;
  /** `param` is left out where the body matches no `anyOf` branch well enough to tell which was meant. */
  expect: Expectation;
}

/** The kinds of change, each invalid by construction except `unknown-extensible-enum`. */
export type MutationKind =
  | 'missing-required'
  | 'wrong-type'
  | 'not-integer'
  | 'below-minimum'
  | 'above-maximum'
  | 'pattern-mismatch'
  | 'bad-date-time'
  | 'too-few-items'
  | 'too-few-properties'
  | 'too-short'
  | 'too-long'
  | 'unknown-closed-enum'
  | 'unknown-extensible-enum';

/** An attribute (or array item) of a body, with the schema it must satisfy. */
export interface Site {
  /** Reference tokens from the body root, unescaped. */
  path: string[];
  /** Its schema, `$ref`s followed and `allOf` merged (`anyOf` kept). */
  schema: Schema;
  value: unknown;
  /** The top-level `anyOf` branches (and the one this site lies in), when the body schema has them. */
  branches?: { all: Schema[]; chosen: Schema };
}

/** RFC 6901: the JSON Pointer of a path of reference tokens. */
export function pointerOf(path: readonly string[]): string {
  return path.map((token) => `/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * Every place of `value` a schema speaks for: the body, each named attribute, each map entry and
 * each array item, recursively. A body schema that is an `anyOf` of object schemas (the IMS
 * Session Notification) is descended into through the one branch whose required attributes the
 * value has; values inside other `anyOf`s (the extensible enums) are leaves.
 */
export function sitesOf(spec: SpecDocument, schema: Schema, value: unknown): Site[] {
  const root = flatten(spec, schema);
  const branches = ((root.anyOf ?? root.oneOf) as Schema[] | undefined)?.map((b) => flatten(spec, b));
  if (branches !== undefined && branches.every((b) => b.type === 'object')) {
    const matching = branches.filter((b) => requiredOf(b).every((name) => hasOwn(value, name)));
    if (matching.length !== 1) return [{ path: [], schema: root, value }];
    const chosen = matching[0]!;
    return walk(spec, chosen, value, []).map((site) => ({ ...site, branches: { all: branches, chosen } }));
  }
  return walk(spec, root, value, []);
}

function walk(spec: SpecDocument, schema: Schema, value: unknown, path: string[]): Site[] {
  const flat = flatten(spec, schema);
  const sites: Site[] = [{ path, schema: flat, value }];
  if (isPlainObject(value)) {
    const properties = (flat.properties ?? {}) as Record<string, Schema>;
    const additional = typeof flat.additionalProperties === 'object' ? (flat.additionalProperties as Schema) : undefined;
    for (const [key, child] of Object.entries(value)) {
      const childSchema = Object.hasOwn(properties, key) ? properties[key] : additional;
      if (childSchema !== undefined) sites.push(...walk(spec, childSchema, child, [...path, key]));
    }
  } else if (Array.isArray(value) && typeof flat.items === 'object') {
    value.forEach((item, index) => sites.push(...walk(spec, flat.items as Schema, item, [...path, String(index)])));
  }
  return sites;
}

/** Limits of the mutations, for a target with known open findings. */
export interface MutationOptions {
  /**
   * Near misses of a pattern that backtracks exponentially (see linear-patterns.ts) stay at
   * most this long: a longer one hangs a target that still compiles the spec's pattern as is.
   */
  exponentialPatternMaxLength?: number;
}

interface Candidate {
  kind: MutationKind;
  site: Site;
  /** The path changed: the site, or the required attribute removed from it. */
  path: string[];
  /** The replacement value; absent for a removal. */
  replacement?: fc.Arbitrary<unknown>;
  stillValid?: boolean;
}

/**
 * The mutations of a valid `body` of `schema`: one change each, by construction invalid (or,
 * for `unknown-extensible-enum`, valid), labelled with the status, cause and invalidParams
 * pointer TS 29.122 clause 5.2.6 and TS 29.500 table 5.2.7.2-1 call for. Undefined when the
 * body offers no place to break (then the caller has nothing to test for this body).
 */
export function mutationsOf(
  spec: SpecDocument,
  schema: Schema,
  body: unknown,
  options: MutationOptions = {},
): fc.Arbitrary<Mutation> | undefined {
  const sites = sitesOf(spec, schema, body);
  const rootRequired = requiredOf(sites[0]?.branches?.chosen ?? flatten(spec, schema));
  const candidates = sites.flatMap((site) => candidatesAt(spec, site, options));
  if (candidates.length === 0) return undefined;
  return fc.constantFrom(...candidates).chain((candidate) => {
    const replacement = candidate.replacement ?? fc.constant(REMOVE);
    return replacement.map((value): Mutation => {
      const mutated = setAt(body, candidate.path, value);
      const pointer = pointerOf(candidate.path);
      if (candidate.stillValid === true)
        return { kind: candidate.kind, pointer, body: mutated, stillValid: true, expect: { statuses: [] } };
      const topLevel = candidate.path[0];
      const cause: BadBodyCause =
        candidate.kind === 'missing-required'
          ? 'MANDATORY_IE_MISSING'
          : topLevel !== undefined && rootRequired.includes(topLevel)
            ? 'MANDATORY_IE_INCORRECT'
            : 'OPTIONAL_IE_INCORRECT';
      const expect: Expectation = { statuses: [400], ...(clearBranch(candidate.site, mutated) && { cause, param: pointer }) };
      return { kind: candidate.kind, pointer, body: mutated, stillValid: false, expect };
    });
  });
}

/**
 * Where the body schema is an `anyOf`, the receiver reports the errors of the branch the body
 * most resembles (most required attributes present): the pointer is only certain when the
 * mutated body still resembles its own branch more than any other.
 */
function clearBranch(site: Site, mutated: unknown): boolean {
  if (site.branches === undefined) return true;
  const score = (branch: Schema) => requiredOf(branch).filter((name) => hasOwn(mutated, name)).length;
  const own = score(site.branches.chosen);
  return site.branches.all.every((branch) => branch === site.branches!.chosen || score(branch) < own);
}

function candidatesAt(spec: SpecDocument, site: Site, options: MutationOptions): Candidate[] {
  const { schema, value, path } = site;
  const candidates: Candidate[] = [];
  if (isPlainObject(value)) {
    for (const name of requiredOf(schema))
      if (Object.hasOwn(value, name)) candidates.push({ kind: 'missing-required', site, path: [...path, name] });
    const minProperties = schema.minProperties as number | undefined;
    if (minProperties !== undefined && minProperties > 0 && requiredOf(schema).length === 0) {
      candidates.push({ kind: 'too-few-properties', site, path, replacement: fc.constant({}) });
    }
  }
  if (path.length === 0) return candidates;
  const wrongTyped = wrongTypedValue(spec, schema);
  if (wrongTyped !== undefined) candidates.push({ kind: 'wrong-type', site, path, replacement: wrongTyped });
  if (typeof value === 'number') {
    // Beyond 2^52 adding a half rounds back to an integer.
    if (schema.type === 'integer')
      candidates.push({ kind: 'not-integer', site, path, replacement: fc.constant(Math.abs(value) < 2 ** 52 ? value + 0.5 : 0.5) });
    if (typeof schema.minimum === 'number')
      candidates.push({
        kind: 'below-minimum',
        site,
        path,
        replacement: fc.integer({ min: -1000, max: -1 }).map((d) => (schema.minimum as number) + d),
      });
    if (typeof schema.maximum === 'number')
      candidates.push({
        kind: 'above-maximum',
        site,
        path,
        replacement: fc.integer({ min: 1, max: 1000 }).map((d) => (schema.maximum as number) + d),
      });
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string') {
      const pattern = safeRegExp(schema.pattern);
      const limit = isExponentialPattern(schema.pattern) ? options.exponentialPatternMaxLength : undefined;
      const nearMisses = [
        `${value}\n`,
        ` ${value}`,
        `${value} `,
        value.slice(1),
        value.slice(0, -1),
        `${value}${value}`,
        `x${value}`,
      ].filter((s) => !pattern.test(s) && (limit === undefined || s.length <= limit));
      const random = fc.string({ maxLength: 30 }).filter((s) => !pattern.test(s));
      candidates.push({
        kind: 'pattern-mismatch',
        site,
        path,
        replacement: nearMisses.length > 0 ? fc.oneof(fc.constantFrom(...nearMisses), random) : random,
      });
    }
    if (schema.format === 'date-time')
      candidates.push({ kind: 'bad-date-time', site, path, replacement: fc.constantFrom(...BAD_DATE_TIMES) });
    // Lengths in code points, as JSON Schema counts them.
    const chars = [...value];
    if (typeof schema.minLength === 'number' && schema.minLength > 0)
      candidates.push({ kind: 'too-short', site, path, replacement: fc.constant(chars.slice(0, schema.minLength - 1).join('')) });
    if (typeof schema.maxLength === 'number')
      candidates.push({
        kind: 'too-long',
        site,
        path,
        replacement: fc.constant(value + 'x'.repeat(Math.max(1, schema.maxLength + 1 - chars.length))),
      });
  }
  if (Array.isArray(value) && typeof schema.minItems === 'number' && schema.minItems > 0) {
    candidates.push({ kind: 'too-few-items', site, path, replacement: fc.constant(value.slice(0, schema.minItems - 1)) });
  }
  const closed = closedEnum(schema);
  if (closed !== undefined)
    candidates.push({ kind: 'unknown-closed-enum', site, path, replacement: fc.string().filter((s) => !closed.includes(s)) });
  const extensible = extensibleEnum(spec, schema);
  if (extensible !== undefined)
    candidates.push({
      kind: 'unknown-extensible-enum',
      site,
      path,
      replacement: fc.string().filter((s) => !extensible.includes(s)),
      stillValid: true,
    });
  return candidates;
}

/** Date-times RFC 3339 (and so ajv-formats' `date-time`) rejects. */
export const BAD_DATE_TIMES = [
  'yesterday',
  '2025-01-01',
  '2025-01-01T00:00:00',
  '2025-13-01T00:00:00Z',
  '2025-02-30T12:00:00Z',
  '2025-01-01T24:00:01Z',
  '2025-01-01T12:60:00Z',
  '2025-01-01 12:00Z',
  '01/02/2025 12:00:00',
  '',
] as const;

/** A JSON type as `type` names it (`integer` apart from `number`). */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const ALL_TYPES: readonly JsonType[] = ['string', 'integer', 'number', 'boolean', 'null', 'array', 'object'];

/** Values of a JSON type `schema` does not accept; undefined when it accepts any JSON value. */
export function wrongTypedValue(spec: SpecDocument, schema: Schema): fc.Arbitrary<unknown> | undefined {
  const accepted = acceptedTypes(spec, schema);
  if (accepted === undefined) return undefined;
  const wrong = ALL_TYPES.filter((type) => !accepted.has(type) && !(type === 'integer' && accepted.has('number')));
  return wrong.length === 0 ? undefined : fc.constantFrom(...wrong).chain(valueOfType);
}

/** A value of a JSON type; `number` means one with a fraction (an integer is also a number). */
function valueOfType(type: JsonType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return fc.string({ maxLength: 10 });
    case 'integer':
      return fc.integer();
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }).filter((n) => !Number.isInteger(n));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 });
    case 'object':
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 5 }).filter((k) => k !== '__proto__'),
        fc.jsonValue({ maxDepth: 1 }),
        { maxKeys: 3, noNullPrototype: true },
      );
  }
}

/** The JSON types a schema accepts, or undefined when it accepts any. */
export function acceptedTypes(spec: SpecDocument, schema: Schema): Set<JsonType> | undefined {
  const flat = flatten(spec, schema);
  const types = new Set<JsonType>();
  const branches = (flat.anyOf ?? flat.oneOf) as Schema[] | undefined;
  if (branches !== undefined) {
    for (const branch of branches) {
      const inner = acceptedTypes(spec, branch);
      if (inner === undefined) return undefined;
      inner.forEach((t) => types.add(t));
    }
  } else if (typeof flat.type === 'string') {
    types.add(flat.type as JsonType);
  } else if (Array.isArray(flat.enum)) {
    for (const v of flat.enum as unknown[]) types.add(v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));
  } else {
    return undefined;
  }
  if (flat.nullable === true) types.add('null');
  return types;
}

function closedEnum(schema: Schema): string[] | undefined {
  return Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string') ? schema.enum : undefined;
}

/** The known values of a 3GPP extensible enumeration: `anyOf: [{enum}, {type: string}]`. */
function extensibleEnum(spec: SpecDocument, schema: Schema): string[] | undefined {
  const branches = (schema.anyOf as Schema[] | undefined)?.map((b) => flatten(spec, b));
  if (branches === undefined) return undefined;
  const known = branches.flatMap((b) => (Array.isArray(b.enum) ? (b.enum as string[]) : []));
  const open = branches.some((b) => b.type === 'string' && b.enum === undefined && b.pattern === undefined);
  return open && known.length > 0 ? known : undefined;
}

function requiredOf(schema: Schema): string[] {
  return (schema.required as string[] | undefined) ?? [];
}

const REMOVE = Symbol('remove');

/** A copy of `body` with the value at `path` replaced (or removed, for REMOVE). */
function setAt(body: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(body)) {
    const copy: unknown[] = [...(body as unknown[])];
    copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  if (rest.length === 0 && value === REMOVE) delete copy[head];
  else copy[head] = setAt(copy[head], rest, value);
  return copy;
}

function hasOwn(value: unknown, name: string): boolean {
  return isPlainObject(value) && Object.hasOwn(value, name);
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
