/*
 * How one environment variable is declared: its JSON Schema (what schema-check.ts checks), its default, its
 * description, and the words that both the start-up error and the documentation table use for
 * what it accepts, so that the two never say different things.
 */

/** The tables of the documentation; each variable is listed in exactly one. */
export type VariableGroup = 'server' | 'store' | 'notifications' | 'simulator' | 'network' | 'security' | 'limits';

/** The server's two profiles; some defaults differ between them. */
export type Profile = 'development' | 'production';

/** What a number counts, for the documentation (`90000` → `90000` (90 s)). */
export type Unit = 'ms' | 's' | 'bytes';

/** The JSON Schema subset the variables use (schema-check.ts checks values against it, as Ajv would). */
export interface JsonSchema {
  type?: 'integer' | 'boolean' | 'string' | 'array' | 'object';
  minimum?: number;
  maximum?: number;
  minLength?: number;
  enum?: readonly string[];
  format?: string;
  pattern?: string;
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  propertyNames?: JsonSchema;
  description?: string;
  default?: unknown;
}

/** A default computed from the other values (the profile, HOST and PORT, …), documented by `text`. */
export interface DerivedDefault<T> {
  /** `values` holds every variable given or with a constant default, and derived ones declared earlier. */
  derive(values: Readonly<Record<string, unknown>>): T;
  /** How the documentation states it (Markdown). */
  text: string;
}

/**
 * One environment variable of the server. `Present` says whether a value always results (given
 * or defaulted): `loadConfig` then reads `T`, otherwise `T | undefined`.
 */
export interface Variable<T = unknown, Present extends boolean = boolean> {
  readonly group: VariableGroup;
  /** What it does (Markdown, one sentence or two). */
  readonly description: string;
  /** The schema of the value once read from its text (see `read`). */
  readonly schema: JsonSchema;
  /** A constant, or derived from other values; none when the variable is optional. */
  readonly default: { value: T } | DerivedDefault<T> | undefined;
  readonly unit?: Unit;
  /** What a bad value is told it should be: "an integer from 1 to 600000". */
  readonly expected: string;
  /** What one bad entry of a list or map is told it should be. */
  readonly expectedEntry?: string;
  /** The documentation's "allowed" column (Markdown). */
  readonly allowed: string;
  /**
   * The value of the variable's text (trimmed, not empty), for the schema to check; text that
   * cannot be read as the type stays text, and the schema's `type` refuses it.
   */
  read(text: string): unknown;
  /** Type-level only: the value `loadConfig` reads. */
  readonly __value?: Present extends true ? T : T | undefined;
}

/** The value type of a declared variable. */
export type ValueOf<V> = V extends Variable<infer T, infer Present> ? (Present extends true ? T : T | undefined) : never;

interface Common {
  group: VariableGroup;
  description: string;
}

/** A default that differs by profile, e.g. response validation on in development, off in production. */
export function byProfile<T extends boolean | number | string>(defaults: Record<Profile, T>): DerivedDefault<T> {
  return {
    derive: (values) => defaults[values['MMTEL_PROFILE'] === 'production' ? 'production' : 'development'],
    text: `${code(defaults.development)}; ${code(defaults.production)} in production`,
  };
}

/** A whole number within [min, max]. */
export function integer(options: Common & { min: number; max: number; default: number; unit?: Unit }): Variable<number, true> {
  const { min, max, unit } = options;
  return {
    group: options.group,
    description: options.description,
    schema: { type: 'integer', minimum: min, maximum: max, description: options.description, default: options.default },
    default: { value: options.default },
    ...(unit !== undefined && { unit }),
    expected: `an integer from ${min} to ${max}`,
    allowed: max >= Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`,
    // Digits only: Number() would also take "1e3", "0x10" or " 5".
    read: (text) => (/^\d+$/.test(text) ? Number(text) : text),
  };
}

const TRUE = ['1', 'true', 'on', 'yes'];
const FALSE = ['0', 'false', 'off', 'no'];

/** On or off: `true`/`false`, and `1`/`0`, `on`/`off`, `yes`/`no`, in any case. */
export function flag(options: Common & { default: boolean | DerivedDefault<boolean> }): Variable<boolean, true> {
  return {
    group: options.group,
    description: options.description,
    schema: {
      type: 'boolean',
      description: options.description,
      ...(typeof options.default === 'boolean' && { default: options.default }),
    },
    default: typeof options.default === 'boolean' ? { value: options.default } : options.default,
    expected: 'true or false',
    allowed: '`true`, `false`',
    read(text) {
      const word = text.toLowerCase();
      return TRUE.includes(word) ? true : FALSE.includes(word) ? false : text;
    },
  };
}

/** One value of an enumeration; the message of a bad value lists them all. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options: Common & { default: T | DerivedDefault<T> },
): Variable<T, true> {
  return {
    group: options.group,
    description: options.description,
    schema: {
      type: 'string',
      enum: values,
      description: options.description,
      ...(typeof options.default === 'string' && { default: options.default }),
    },
    default: typeof options.default === 'string' ? { value: options.default } : options.default,
    expected: `one of ${values.join(', ')}`,
    allowed: values.map(code).join(', '),
    read: (text) => text,
  };
}

type TextOptions = Common & { allowed?: string; expected?: string; pattern?: string };

/** Free text (a host name, a file, an issuer); optional unless it has a default. */
export function text(options: TextOptions & { default: string | DerivedDefault<string> }): Variable<string, true>;
export function text(options: TextOptions): Variable<string, false>;
export function text(options: TextOptions & { default?: string | DerivedDefault<string> }): Variable<string> {
  return {
    group: options.group,
    description: options.description,
    schema: {
      type: 'string',
      minLength: 1,
      ...(options.pattern !== undefined && { pattern: options.pattern }),
      description: options.description,
      ...(typeof options.default === 'string' && { default: options.default }),
    },
    default: options.default === undefined ? undefined : typeof options.default === 'string' ? { value: options.default } : options.default,
    expected: options.expected ?? 'a non-empty text',
    allowed: options.allowed ?? 'text',
    read: (value) => value,
  };
}

/** The formats of URLs, by the protocols they allow. */
export const URL_FORMATS = { 'http-url': ['http:', 'https:'], 'postgres-url': ['postgres:', 'postgresql:'] } as const;

type UrlOptions = Common & { format: keyof typeof URL_FORMATS };

/** An absolute URL of the format's protocols; optional unless it has a default. */
export function url(options: UrlOptions & { default: DerivedDefault<string> }): Variable<string, true>;
export function url(options: UrlOptions): Variable<string, false>;
export function url(options: UrlOptions & { default?: DerivedDefault<string> }): Variable<string> {
  const protocols = URL_FORMATS[options.format];
  return {
    group: options.group,
    description: options.description,
    schema: { type: 'string', format: options.format, description: options.description },
    default: options.default,
    expected: `an absolute URL (${protocols.join(' or ')})`,
    allowed: `absolute ${protocols.map((p) => p.slice(0, -1)).join(' or ')} URL`,
    read: (value) => value,
  };
}

/** A comma-separated list; each entry is checked against `entry` (an empty list by default). */
export function list(options: Common & { entry: JsonSchema; expectedEntry: string; allowed: string }): Variable<string[], true> {
  return {
    group: options.group,
    description: options.description,
    schema: { type: 'array', items: options.entry, description: options.description, default: [] },
    default: { value: [] },
    expected: `a comma-separated list of ${options.expectedEntry}`,
    expectedEntry: options.expectedEntry,
    allowed: options.allowed,
    read: (value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
  };
}

/**
 * Comma-separated `<key>=<value>` pairs (an empty map by default); each value is checked against
 * `value`. A pair splits at its last `=`.
 */
export function pairs(
  options: Common & { form: string; value: JsonSchema; expectedEntry: string; allowed: string },
): Variable<Record<string, string>, true> {
  return {
    group: options.group,
    description: options.description,
    schema: { type: 'object', additionalProperties: options.value, description: options.description, default: {} },
    default: { value: {} },
    expected: `comma-separated ${options.form} pairs`,
    expectedEntry: options.expectedEntry,
    allowed: options.allowed,
    read(value) {
      const entries: Array<[string, string]> = [];
      for (const pair of value.split(',')) {
        const at = pair.lastIndexOf('=');
        if (at <= 0 || at === pair.length - 1) return value;
        entries.push([pair.slice(0, at).trim(), pair.slice(at + 1).trim()]);
      }
      // fromEntries defines own properties: a key such as __proto__ stays a key.
      return Object.fromEntries(entries);
    },
  };
}

/** Markdown code of a value. */
export function code(value: unknown): string {
  return `\`${String(value)}\``;
}
