import fc from 'fast-check';
import { resolvePointer, type Schema, type SpecDocument } from './spec-documents.js';

/** How the generator fills the places a schema leaves open. */
export interface GeneratorOptions {
  /**
   * `omit` (default): readOnly attributes are left out, as a client builds a request;
   * `include`: they may be present, as when a client sends back a representation it got.
   */
  readOnly?: 'omit' | 'include';
  /** Attributes the schema does not name, where `additionalProperties` allows them. Default true. */
  extensionAttributes?: boolean;
  /**
   * Arbitraries that replace those of whole component schemas, by `$ref`
   * (e.g. `#/components/schemas/Uri`): used to keep notification targets on loopback.
   */
  overrides?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
}

/**
 * Object keys the valid generator never produces: Fastify's JSON parser (secure-json-parse,
 * `protoAction`/`constructorAction: 'error'`) rejects `__proto__` anywhere and `constructor`
 * holding a `prototype`, although the specs' maps (mediaComponents, streams, mediaInfoList)
 * allow any key. Recorded as finding F6 in fuzz-seeds.md, not hidden.
 */
export const PARSER_FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/**
 * Turns the OpenAPI 3.0 schemas of one bundled spec into fast-check arbitraries of VALID values:
 * local `$ref`s, `allOf` (merged), `anyOf`/`oneOf`, `enum`, `nullable`, `type`, `pattern`
 * (fc.stringMatching with the same non-Unicode RegExp Ajv uses here), `format: date-time`,
 * `minimum`/`maximum`, `minLength`/`maxLength`, `minItems`/`maxItems`, `minProperties`,
 * `required`, `additionalProperties` (maps, and extension attributes where allowed), `readOnly`.
 */
export class SchemaArbitraries {
  private readonly cache = new Map<Schema, fc.Arbitrary<unknown>>();
  private readonly building = new Set<Schema>();
  private readonly knownNames: ReadonlySet<string>;

  constructor(
    readonly spec: SpecDocument,
    private readonly options: GeneratorOptions = {},
  ) {
    this.knownNames = propertyNamesOf(spec);
  }

  /** Valid values of `schema` (a schema object of this spec, or one inline in it). */
  of(schema: Schema): fc.Arbitrary<unknown> {
    return this.build(schema);
  }

  /** Valid values of the component schema `name`. */
  component(name: string): fc.Arbitrary<unknown> {
    return this.of(resolvePointer(this.spec, `#/components/schemas/${name}`));
  }

  /** Names no schema of the spec uses for a property: extension attributes that hit nothing. */
  unknownAttributeName(): fc.Arbitrary<string> {
    return fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !this.knownNames.has(name) && !PARSER_FORBIDDEN_KEYS.has(name));
  }

  private build(schema: Schema): fc.Arbitrary<unknown> {
    const cached = this.cache.get(schema);
    if (cached !== undefined) return cached;
    // The specs' schemas are not recursive; one that is would otherwise recurse here for ever.
    if (this.building.has(schema)) throw new Error(`${this.spec.file}: the generator does not support recursive schemas`);
    this.building.add(schema);
    try {
      const ref = schema.$ref;
      const arbitrary =
        typeof ref === 'string'
          ? (this.options.overrides?.[ref] ?? this.build(resolvePointer(this.spec, ref)))
          : this.withNull(schema, this.core(schema));
      this.cache.set(schema, arbitrary);
      return arbitrary;
    } finally {
      this.building.delete(schema);
    }
  }

  private withNull(schema: Schema, arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
    return schema.nullable === true ? fc.option(arbitrary, { nil: null, freq: 5 }) : arbitrary;
  }

  private core(schema: Schema): fc.Arbitrary<unknown> {
    if (Array.isArray(schema.allOf)) {
      // `allOf: [$ref]` beside a description or readOnly is how the specs describe a referenced
      // type in place (ImsSession.notifUri): the override of that type applies there too.
      const parts = schema.allOf as Schema[];
      const ref = parts.length === 1 ? parts[0]?.$ref : undefined;
      const override = typeof ref === 'string' ? this.options.overrides?.[ref] : undefined;
      return override ?? this.build(mergeAllOf(this.spec, schema));
    }
    const branches = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
    if (Array.isArray(branches)) return fc.oneof(...branches.map((branch) => this.build(branch)));
    if (Array.isArray(schema.enum))
      return fc.constantFrom(...(schema.enum as unknown[]).filter((v) => v !== null || schema.nullable === true));
    switch (schema.type) {
      case 'string':
        return stringArbitrary(schema);
      case 'integer':
        return integerArbitrary(schema);
      case 'number':
        return fc.double({ noNaN: true, noDefaultInfinity: true, ...bounds(schema) });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return this.arrayArbitrary(schema);
      case 'object':
        return this.objectArbitrary(schema);
      case undefined:
        return schema.properties !== undefined || schema.additionalProperties !== undefined
          ? this.objectArbitrary(schema)
          : fc.jsonValue({ maxDepth: 2 });
      default:
        throw new Error(`${this.spec.file}: the generator does not know type ${String(schema.type)}`);
    }
  }

  private arrayArbitrary(schema: Schema): fc.Arbitrary<unknown[]> {
    const items = this.build((schema.items ?? {}) as Schema);
    const minLength = (schema.minItems as number | undefined) ?? 0;
    const maxLength = (schema.maxItems as number | undefined) ?? minLength + 3;
    return schema.uniqueItems === true
      ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
      : fc.array(items, { minLength, maxLength });
  }

  private objectArbitrary(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>).filter(
      ([, property]) => this.options.readOnly === 'include' || !isReadOnly(this.spec, property),
    );
    const required = ((schema.required ?? []) as string[]).filter((name) => properties.some(([n]) => n === name));
    const named = fc.record(Object.fromEntries(properties.map(([name, property]) => [name, this.build(property)])), {
      requiredKeys: required,
      noNullPrototype: true,
    });
    const minKeys = Math.max(0, ((schema.minProperties as number | undefined) ?? 0) - required.length);
    const additional = schema.additionalProperties;
    let others: fc.Arbitrary<Record<string, unknown>>;
    if (typeof additional === 'object' && additional !== null) {
      // A map (mediaComponents, streams, mediaInfoList): any key, each value of the given schema.
      const maxKeys = Math.max(minKeys, (schema.maxProperties as number | undefined) ?? minKeys + 2);
      others = fc.dictionary(mapKey(), this.build(additional as Schema), { minKeys, maxKeys, noNullPrototype: true });
    } else if (additional !== false && this.options.extensionAttributes !== false) {
      others = fc.oneof(
        { arbitrary: fc.constant({}), weight: 4 },
        {
          arbitrary: fc.dictionary(this.unknownAttributeName(), fc.jsonValue({ maxDepth: 2 }), {
            minKeys,
            maxKeys: minKeys + 2,
            noNullPrototype: true,
          }),
          weight: 1,
        },
      );
    } else {
      others = fc.constant({});
    }
    const names = new Set(properties.map(([name]) => name));
    return fc.tuple(named, others).map(([known, extra]) => {
      const object: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(extra)) if (!names.has(key)) object[key] = value;
      return Object.assign(object, known);
    });
  }
}

/** Map keys: any string, including empty and non-ASCII ones, but none the parser refuses. */
function mapKey(): fc.Arbitrary<string> {
  return fc
    .oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }))
    .filter((key) => !PARSER_FORBIDDEN_KEYS.has(key));
}

/** The length JSON Schema means: code points, not UTF-16 units. */
export function codePoints(s: string): number {
  return [...s].length;
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = schema.maxLength as number | undefined;
  const fits = (s: string) => codePoints(s) >= minLength && (maxLength === undefined || codePoints(s) <= maxLength);
  if (typeof schema.pattern === 'string') {
    // No `u` flag: the pattern is compiled exactly as Ajv compiles it with unicodeRegExp: false.
    const pattern = new RegExp(schema.pattern);
    return fc.stringMatching(pattern, maxLength === undefined ? {} : { maxLength }).filter(fits);
  }
  if (schema.format === 'date-time') return dateTime();
  if (schema.format === 'uri') return fc.webUrl();
  const lengths = { minLength, ...(maxLength !== undefined && { maxLength }) };
  // ASCII mostly; full Unicode (lone surrogates included: JSON escapes them) now and then. A
  // `binary` unit is one code point, as JSON Schema counts lengths; a grapheme may be several.
  if (minLength > 0 || maxLength !== undefined)
    return fc.oneof({ arbitrary: fc.string(lengths), weight: 3 }, { arbitrary: fc.string({ ...lengths, unit: 'binary' }), weight: 1 });
  return fc.oneof(
    { arbitrary: fc.string(lengths), weight: 3 },
    { arbitrary: fc.string({ ...lengths, unit: 'grapheme' }), weight: 1 },
    { arbitrary: fc.string({ ...lengths, unit: 'binary' }), weight: 1 },
  );
}

/** RFC 3339 date-times (`format: date-time`): UTC or with an offset, with or without fractions. */
export function dateTime(): fc.Arbitrary<string> {
  const instant = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true });
  const offset = fc.oneof(
    fc.constant('Z'),
    fc
      .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
      .map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
  );
  return fc.tuple(instant, offset, fc.boolean()).map(([date, zone, fraction]) => {
    const iso = date.toISOString();
    return `${fraction ? iso.slice(0, 23) : iso.slice(0, 19)}${zone}`;
  });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function bounds(schema: Schema): { min?: number; max?: number } {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  return { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

function integerArbitrary(schema: Schema): fc.Arbitrary<number> {
  let { min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds(schema);
  // OpenAPI 3.0 spells exclusive bounds as booleans beside minimum/maximum.
  if (schema.exclusiveMinimum === true) min += 1;
  if (schema.exclusiveMaximum === true) max -= 1;
  const small = fc.integer({ min: Math.max(min, INT32.min), max: Math.min(max, INT32.max) });
  if (min >= INT32.min && max <= INT32.max) return small;
  return fc.oneof({ arbitrary: small, weight: 4 }, { arbitrary: fc.maxSafeInteger().filter((n) => n >= min && n <= max), weight: 1 });
}

/** The schema an `allOf` stands for: its parts (refs followed) merged, its own keywords last. */
export function mergeAllOf(spec: SpecDocument, schema: Schema): Schema {
  const parts = (schema.allOf as Schema[]).map((part) => flatten(spec, part));
  const { allOf: _allOf, ...own } = schema;
  const merged: Record<string, unknown> = {};
  for (const part of [...parts, own]) {
    for (const [keyword, value] of Object.entries(part)) {
      if (keyword === 'properties') merged.properties = { ...(merged.properties as object | undefined), ...(value as object) };
      else if (keyword === 'required')
        merged.required = [...new Set([...((merged.required as string[] | undefined) ?? []), ...(value as string[])])];
      else merged[keyword] = value;
    }
  }
  return merged;
}

/** A schema with its `$ref` chain followed and its `allOf` merged. */
export function flatten(spec: SpecDocument, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`${spec.file}: $ref cycle at ${current.$ref}`);
    current = resolvePointer(spec, current.$ref);
  }
  return Array.isArray(current.allOf) ? mergeAllOf(spec, current) : current;
}

/** True when a property schema is readOnly, on itself or on what it refers to. */
export function isReadOnly(spec: SpecDocument, schema: Schema): boolean {
  return schema.readOnly === true || flatten(spec, schema).readOnly === true;
}

function propertyNamesOf(spec: SpecDocument): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const properties = (node as { properties?: unknown }).properties;
    if (typeof properties === 'object' && properties !== null) for (const name of Object.keys(properties)) names.add(name);
    Object.values(node).forEach(visit);
  };
  visit((spec.doc.components as { schemas?: unknown } | undefined)?.schemas);
  return names;
}
