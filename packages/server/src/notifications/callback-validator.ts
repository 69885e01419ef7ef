import { callbacks, type CallbackName } from '@mmtel/types';
import { compileBodyValidator, createAjv, type BodyValidator, type InvalidParam } from '@mmtel/validation';

export type { InvalidParam } from '@mmtel/validation';

/** The result of checking a notification body against its callback's request schema. */
export type CallbackValidation = { valid: true } | { valid: false; invalidParams: InvalidParam[] };

// One Ajv for every callback schema, set up as for requests and as the receiver's.
const ajv = createAjv();
const validators = new Map<string, BodyValidator>();

function validatorFor(callback: string): BodyValidator {
  let validator = validators.get(callback);
  if (validator === undefined) {
    const definition = (callbacks as Record<string, (typeof callbacks)[CallbackName] | undefined>)[callback];
    if (definition === undefined) throw new TypeError(`unknown callback "${callback}"`);
    validator = compileBodyValidator(ajv, definition.requestBodySchema);
    validators.set(callback, validator);
  }
  return validator;
}

/**
 * Checks a notification body against the request body schema of its callback, as generated
 * from the OpenAPI callbacks, with the validation core the receiver uses: a body gets the same
 * invalidParams here, before it is sent, as from the receiver. Throws a TypeError for an
 * unknown callback name.
 */
export function validateCallbackBody(callback: CallbackName | (string & {}), body: unknown): CallbackValidation {
  const verdict = validatorFor(callback)(body);
  return verdict.valid ? { valid: true } : { valid: false, invalidParams: verdict.invalidParams };
}

/** Compiles every callback schema now, so that the first notification does not pay for it. */
export function compileCallbackValidators(): void {
  for (const name of Object.keys(callbacks)) validatorFor(name);
}

/**
 * Compiles every callback schema in the background, one per turn of the event loop, so that
 * requests served meanwhile wait for one compilation at most (each takes tens of ms): what the
 * server does once it is ready, instead of making the start wait for all of them.
 */
export async function compileCallbackValidatorsInTurns(): Promise<void> {
  for (const name of Object.keys(callbacks)) {
    await new Promise((resolve) => setImmediate(resolve));
    validatorFor(name);
  }
}
