import { linearRegExp } from '@mmtel/types';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * The Ajv options of every validator of the specs' schemas, in the server (requests, responses,
 * notifications) and in the receiver: the specs' own keywords (`nullable`, `readOnly`, `x-…`)
 * allowed; nothing coerced, defaulted or removed, so that what is validated is exactly what was
 * sent; every error reported, so that invalidParams name every offending attribute; no `u` flag
 * on patterns, because the 3GPP ImsPublicId pattern (TS 29.562) escapes characters such as `\:`
 * that Unicode-mode regular expressions reject; and patterns through `linearRegExp`: as written,
 * ImsPublicId backtracks exponentially, and a 90-byte near miss would block the event loop for
 * seconds (fuzz finding F1).
 */
export const ajvOptions = {
  strict: false,
  allErrors: true,
  coerceTypes: false,
  useDefaults: false,
  removeAdditional: false,
  unicodeRegExp: false,
  code: { regExp: linearRegExp },
} as const satisfies Options;

/**
 * Adds the `format` keywords (uri, date-time, …) to an Ajv instance: ajv-formats' plugin itself,
 * which Fastify's compilers recognise by its name (they would add it a second time otherwise).
 * ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, typed as the
 * module; the plugin is its `default` (at run time `module.exports` is the plugin too).
 */
export const ajvFormats: (ajv: Ajv) => Ajv = addFormatsModule.default;

/** A new Ajv with the options and formats every validator of the specs uses. */
export function createAjv(): Ajv {
  return ajvFormats(new Ajv(ajvOptions));
}
