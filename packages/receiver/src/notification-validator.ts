import { callbacks } from '@mmtel/types';
import { compileBodyValidator, createAjv, type BodyCause, type BodyValidator } from '@mmtel/validation';
import type { CallbackName, InvalidParam, NotificationBodies, NotificationKind } from './notifications.js';

/** The schema definition behind each kind of notification in the callback table. */
const KIND_OF_DEFINITION: Readonly<Record<string, NotificationKind>> = {
  ImsSessionEventNotification: 'imsSessionEvent',
  TestNotification: 'testNotification',
  SessionEventNotification: 'sessionEvent',
};

/** A notification body that matches its callback's schema, with the kind it was told to be. */
export type ValidNotification = {
  [K in NotificationKind]: { valid: true; kind: K; notification: NotificationBodies[K] };
}[NotificationKind];

/** A notification body that its callback's schema rejects, as a 400 ProblemDetails would tell it. */
export interface InvalidNotification {
  valid: false;
  /** The TS 29.500 cause: a mandatory attribute missing or incorrect, an optional one incorrect, or not a JSON object at all. */
  cause: BodyCause;
  /** What the cause means, as the 400's `detail` says it. */
  detail: string;
  /** Each offending attribute once, as a JSON Pointer into the body (`""` is the body itself). */
  invalidParams: InvalidParam[];
}

interface CompiledCallback {
  validate: BodyValidator;
  /** The kind of each alternative, in the validator's order. */
  kinds: NotificationKind[];
}

// The validation core's Ajv set-up, as the reference server validates the same bodies with.
const ajv = createAjv();
const compiled = new Map<CallbackName, CompiledCallback>();

/**
 * The validator of a callback's request body schema: `allOf: [{anyOf: [$ref, …]}]` (the IMS
 * Session Notification: ImsSessionEventNotification or TestNotification) or `allOf: [$ref]`, and
 * the kind of notification each alternative is.
 */
function compiledFor(callback: CallbackName): CompiledCallback {
  let found = compiled.get(callback);
  if (found !== undefined) return found;
  const validate = compileBodyValidator(ajv, callbacks[callback].requestBodySchema);
  const kinds = validate.alternatives.map(({ name }) => {
    const kind = name === undefined ? undefined : KIND_OF_DEFINITION[name];
    if (kind === undefined)
      throw new Error(`@mmtel/receiver does not know the request body "${String(name)}" of callback ${callback}: update @mmtel/receiver`);
    return kind;
  });
  found = { validate, kinds };
  compiled.set(callback, found);
  return found;
}

/** Compiles the schemas of `names` now, so that the first notification does not pay for it. */
export function compileNotificationValidators(names: readonly CallbackName[] = Object.keys(callbacks) as CallbackName[]): void {
  for (const name of names) compiledFor(name);
}

/**
 * Checks a notification body against the request body schema of `callback` (from the generated
 * callback table) and tells which kind of notification it is. Where a body fits several kinds
 * (they all allow extra attributes), the first in the table wins: an ImsSessionEventNotification
 * before a TestNotification. A body is answered exactly as the reference server's own check of
 * the notification would answer it (one validation core).
 */
export function validateNotification(callback: CallbackName, body: unknown): ValidNotification | InvalidNotification {
  const { validate, kinds } = compiledFor(callback);
  const verdict = validate(body);
  if (!verdict.valid) return { valid: false, cause: verdict.cause, detail: verdict.detail, invalidParams: verdict.invalidParams };
  return { valid: true, kind: kinds[validate.alternatives.indexOf(verdict.alternative)]!, notification: body } as ValidNotification;
}
