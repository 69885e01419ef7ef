import { callbacks, linearRegExp } from '@mmtel/types';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { CallbackName, InvalidParam, NotificationBodies, NotificationKind } from './notifications.js';
import type { ReceiverCauseName } from './problems.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, typed as the
// module; the plugin is its `default` (at run time `module.exports` is the plugin too).
const addFormats = addFormatsModule.default;

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
  /** The TS 29.500 cause: a mandatory attribute missing or incorrect, an optional one incorrect. */
  cause: Extract<ReceiverCauseName, 'INVALID_MSG_FORMAT' | 'MANDATORY_IE_MISSING' | 'MANDATORY_IE_INCORRECT' | 'OPTIONAL_IE_INCORRECT'>;
  /** Each offending attribute once, as a JSON Pointer into the body (`""` is the body itself). */
  invalidParams: InvalidParam[];
}

interface Alternative {
  kind: NotificationKind;
  validate: ValidateFunction;
  /** The top-level required attributes: they tell which alternative a broken body meant to be. */
  required: readonly string[];
}

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  // The 3GPP ImsPublicId pattern (TS 29.562) escapes `\:`, `\@`, `\/`, which the `u` flag rejects.
  unicodeRegExp: false,
  // ... and backtracks exponentially on a near miss: a notification of 100 bytes must not hang the AS.
  code: { regExp: linearRegExp },
});
addFormats(ajv);

const compiled = new Map<CallbackName, Alternative[]>();

/**
 * The alternatives of a callback's request body schema: `allOf: [{anyOf: [$ref, …]}]` (the IMS
 * Session Notification: ImsSessionEventNotification or TestNotification) or `allOf: [$ref]`.
 */
function alternativesOf(callback: CallbackName): Alternative[] {
  let alternatives = compiled.get(callback);
  if (alternatives !== undefined) return alternatives;
  const schema: { readonly allOf?: readonly unknown[]; readonly definitions?: Readonly<Record<string, { readonly required?: readonly string[]; readonly [keyword: string]: unknown }>> } =
    callbacks[callback].requestBodySchema;
  const [only] = schema.allOf ?? [];
  const refs = ((only as { anyOf?: unknown[] } | undefined)?.anyOf ?? [only]).map((branch) => (branch as { $ref?: unknown } | undefined)?.$ref);
  alternatives = refs.map((ref) => {
    const name = typeof ref === 'string' ? ref.replace('#/definitions/', '') : '';
    const kind = KIND_OF_DEFINITION[name];
    if (kind === undefined || schema.definitions?.[name] === undefined) {
      throw new Error(`@mmtel/receiver does not know the request body "${String(ref)}" of callback ${callback}: update @mmtel/receiver`);
    }
    const validate = ajv.compile({ allOf: [{ $ref: `#/definitions/${name}` }], definitions: schema.definitions });
    return { kind, validate, required: schema.definitions[name].required ?? [] };
  });
  compiled.set(callback, alternatives);
  return alternatives;
}

/** Compiles the schemas of `names` now, so that the first notification does not pay for it. */
export function compileNotificationValidators(names: readonly CallbackName[] = Object.keys(callbacks) as CallbackName[]): void {
  for (const name of names) alternativesOf(name);
}

/**
 * Checks a notification body against the request body schema of `callback` (from the generated
 * callback table) and tells which kind of notification it is. Where a body fits several kinds
 * (they all allow extra attributes), the first in the table wins: an ImsSessionEventNotification
 * before a TestNotification.
 */
export function validateNotification(callback: CallbackName, body: unknown): ValidNotification | InvalidNotification {
  const alternatives = alternativesOf(callback);
  const overflowed = nonFinitePointers(body);
  if (overflowed.length > 0) {
    const invalidParams = overflowed.map((param) => ({ param, reason: 'must be a number a double can hold (the literal overflows to Infinity)' }));
    return { valid: false, cause: causeOf([], invalidParams, closestAlternative(alternatives, body).required, body), invalidParams };
  }
  for (const { kind, validate } of alternatives) {
    if (validate(body)) return { valid: true, kind, notification: body } as ValidNotification;
  }
  const closest = closestAlternative(alternatives, body);
  const errors = closest.validate.errors ?? [];
  const invalidParams = toInvalidParams(errors);
  return { valid: false, cause: causeOf(errors, invalidParams, closest.required, body), invalidParams };
}

/**
 * The alternative a rejected body most likely meant: the one with most of its required top-level
 * attributes present, else the first (the real notification rather than the test one).
 */
function closestAlternative(alternatives: Alternative[], body: unknown): Alternative {
  const present = (alternative: Alternative) =>
    typeof body === 'object' && body !== null ? alternative.required.filter((name) => Object.hasOwn(body, name)).length : 0;
  let best = alternatives[0]!;
  for (const alternative of alternatives.slice(1)) if (present(alternative) > present(best)) best = alternative;
  return best;
}

/**
 * JSON Pointers of the numbers JSON.parse made ±Infinity (a literal such as `1e400`): Ajv's
 * `integer` and `minimum` let them through, and no JSON can carry them on. Walks without recursion.
 */
function nonFinitePointers(body: unknown): string[] {
  const found: string[] = [];
  const pending: Array<[unknown, string]> = [[body, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, pointer] = next;
    if (typeof value === 'number' && !Number.isFinite(value)) found.push(pointer);
    else if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) pending.push([child, `${pointer}/${escapeToken(key)}`]);
  }
  return found.sort();
}

/** Escapes one reference token of a JSON Pointer (RFC 6901). */
function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Ajv errors as TS 29.122 invalidParams: one per attribute, with its first (most specific) reason. */
function toInvalidParams(errors: readonly ErrorObject[]): InvalidParam[] {
  const byParam = new Map<string, string>();
  for (const error of errors) {
    const missing = error.keyword === 'required' ? (error.params as { missingProperty?: unknown }).missingProperty : undefined;
    const param = typeof missing === 'string' ? `${error.instancePath}/${escapeToken(missing)}` : error.instancePath;
    if (!byParam.has(param)) byParam.set(param, error.message ?? `fails ${error.keyword}`);
  }
  return [...byParam].map(([param, reason]) => ({ param, reason }));
}

function causeOf(errors: readonly ErrorObject[], invalidParams: InvalidParam[], required: readonly string[], body: unknown): InvalidNotification['cause'] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'INVALID_MSG_FORMAT';
  if (errors.some((error) => error.keyword === 'required')) return 'MANDATORY_IE_MISSING';
  const topLevel = (pointer: string) => (pointer.split('/')[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
  return invalidParams.some((param) => required.includes(topLevel(param.param))) ? 'MANDATORY_IE_INCORRECT' : 'OPTIONAL_IE_INCORRECT';
}
