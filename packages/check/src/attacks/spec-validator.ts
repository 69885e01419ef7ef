import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { linearEquivalent } from './linear-patterns.js';
import type { Schema, SpecDocument } from './spec-documents.js';

/** One Ajv error, as far as the fuzz oracles read it. */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled schema: true when `value` is valid; `errors` from the last call. */
export type Validate = ((value: unknown) => boolean) & { errors?: SchemaError[] | null };

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, the plugin its `default`.
const addFormats: (ajv: Ajv) => Ajv = addFormatsModule.default;

/** Ajv's `code.regExp`: the spec's pattern as written, rewritten where it would backtrack exponentially. */
const linearRegExpEngine = Object.assign((pattern: string, flags: string) => new RegExp(linearEquivalent(pattern), flags), {
  code: 'linearRegExpEngine',
});

/**
 * Validates values against the schemas of the bundled specs with Ajv, the judge the generator
 * is checked by: `unicodeRegExp: false` because the TS 29.562 ImsPublicId pattern escapes `\:`,
 * which Unicode-mode regular expressions reject; patterns made linear (a judge of another
 * vendor's answers must not hang on a near miss of ImsPublicId, fuzz finding F1); no coercion,
 * no defaults.
 */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<Schema, Validate>();

  constructor(private readonly spec: SpecDocument) {
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      coerceTypes: false,
      useDefaults: false,
      unicodeRegExp: false,
      code: { regExp: linearRegExpEngine },
    });
    addFormats(this.ajv);
    this.ajv.addSchema(spec.doc, spec.file);
  }

  /** The compiled validator of `schema`, a schema object of (or inside) this spec. */
  compile(schema: Schema): Validate {
    let validate = this.cache.get(schema);
    if (validate === undefined) {
      validate = this.ajv.compile(anchorRefs(schema, this.spec.file) as object) as Validate;
      this.cache.set(schema, validate);
    }
    return validate;
  }

  /** The errors of `value` against `schema`, or `[]` when it is valid. */
  errors(schema: Schema, value: unknown): SchemaError[] {
    const validate = this.compile(schema);
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }
}

/** Rewrites the local `#/…` refs of an inline schema to point into the document added as `file`. */
function anchorRefs(value: unknown, file: string): unknown {
  if (Array.isArray(value)) return value.map((item) => anchorRefs(item, file));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${file}${v}` : anchorRefs(v, file),
    ]),
  );
}
