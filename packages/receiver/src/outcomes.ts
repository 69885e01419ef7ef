import { callbacks } from '@mmtel/types';
import type { CallbackName, InvalidParam, ProblemDetails, RedirectResponse } from './notifications.js';

// Symbol.for: an outcome built by the ESM copy of this package is still one for the CommonJS copy.
const OUTCOME: unique symbol = Symbol.for('@mmtel/receiver.outcome');

/**
 * A handler's answer to a notification, other than the plain acknowledgement. Built by
 * `notFound`, `redirect` and `problem`; the receiver turns it into the HTTP answer the
 * callback's `responses` define.
 */
export interface NotificationOutcome<S extends number = number> {
  readonly [OUTCOME]: true;
  readonly status: S;
  /** Response headers (`Location` of a redirect, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The ProblemDetails of a 4xx/5xx answer. */
  readonly problem?: ProblemDetails & { status: S };
  /** The RedirectResponse of a 307/308, sent where the callback defines one (MMTel_CallEvent). */
  readonly redirect?: RedirectResponse;
}

/** Whether `value` is an outcome built by this package. */
export function isNotificationOutcome(value: unknown): value is NotificationOutcome {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OUTCOME] === true;
}

/**
 * The documented 404 causes of a notification receiver: USER_NOT_FOUND and
 * NOTIFICATION_URI_NOT_FOUND (MMTel_CallEvent, after TS 29.175), SESSION_NOT_FOUND (provisional
 * for MMTel_CallControl); any other string is sent as is.
 */
export type NotFoundCause = 'USER_NOT_FOUND' | 'NOTIFICATION_URI_NOT_FOUND' | 'SESSION_NOT_FOUND' | (string & {});

const NOT_FOUND_TITLES: Record<string, string> = {
  USER_NOT_FOUND: 'User not found',
  NOTIFICATION_URI_NOT_FOUND: 'Notification URI not found',
  SESSION_NOT_FOUND: 'IMS session not found',
};

/**
 * Answers 404 with a ProblemDetails carrying `cause`; the server gives up on the notification.
 * @see 3GPP TS 29.392 (CallEvent callback responses), TS 29.122 clause 5.2.6
 */
export function notFound(cause: NotFoundCause, detail?: string): NotificationOutcome<404> {
  return problem(404, { cause, title: NOT_FOUND_TITLES[cause] ?? 'Not found', ...(detail !== undefined && { detail }) });
}

/** Options of `redirect`; `cause`, `targetScp` and `targetSepp` form the RedirectResponse body. */
export interface RedirectOptions extends RedirectResponse {
  /** 308 Permanent Redirect: the server stores `location` for later notifications. Default: 307. */
  permanent?: boolean;
}

/**
 * Answers 307 (or 308 with `permanent: true`) with `Location`: the server re-sends this
 * notification there, and after a 308 sends the later ones there too. The RedirectResponse body
 * (`cause`, `targetScp`, `targetSepp`) is sent where the callback defines it (MMTel_CallEvent).
 * @see 3GPP TS 29.122 clause 5.2.10
 */
export function redirect(location: string | URL, options: RedirectOptions & { permanent: true }): NotificationOutcome<308>;
export function redirect(location: string | URL, options?: RedirectOptions & { permanent?: false }): NotificationOutcome<307>;
export function redirect(location: string | URL, options?: RedirectOptions): NotificationOutcome<307 | 308>;
export function redirect(location: string | URL, options: RedirectOptions = {}): NotificationOutcome<307 | 308> {
  let href: string;
  try {
    href = new URL(location).href;
  } catch {
    throw new TypeError(`redirect() needs an absolute URI, got "${String(location)}"`);
  }
  const { permanent, cause, targetScp, targetSepp } = options;
  const body: RedirectResponse = {
    ...(cause !== undefined && { cause }),
    ...(targetScp !== undefined && { targetScp }),
    ...(targetSepp !== undefined && { targetSepp }),
  };
  return { [OUTCOME]: true, status: permanent === true ? 308 : 307, headers: { location: href }, redirect: body };
}

/** The 4xx/5xx statuses a handler may answer with `problem` (those of either callback). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 411 | 413 | 415 | 429 | 500 | 502 | 503;

const STATUS_TITLES: Record<ProblemStatus, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  411: 'Length required',
  413: 'Content too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

/** Options of `problem`. */
export interface ProblemOptions {
  /** The application error cause, e.g. `SERVICE_NOT_AUTHORIZED`. */
  cause?: string;
  title?: string;
  detail?: string;
  invalidParams?: InvalidParam[];
  /** Seconds, or a date: the `Retry-After` of a 429 or 503. */
  retryAfter?: number | Date;
}

/**
 * Answers a 4xx/5xx ProblemDetails. The status must be one the callback defines; a handler's
 * return type enforces it (e.g. 502 is defined for the Session Event Notification only).
 * @see 3GPP TS 29.122 clause 5.2.6
 */
export function problem<S extends ProblemStatus>(status: S, options: ProblemOptions = {}): NotificationOutcome<S> {
  const { cause, title, detail, invalidParams, retryAfter } = options;
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) {
    headers['retry-after'] = typeof retryAfter === 'number' ? String(Math.max(0, Math.ceil(retryAfter))) : retryAfter.toUTCString();
  }
  const body: ProblemDetails & { status: S } = {
    status,
    title: title ?? STATUS_TITLES[status],
    ...(cause !== undefined && { cause }),
    ...(detail !== undefined && { detail }),
    ...(invalidParams !== undefined && invalidParams.length > 0 && { invalidParams }),
  };
  return { [OUTCOME]: true, status, headers, problem: body };
}

/**
 * Whether callback `callback` defines `status` among its `responses` (the `default` response
 * aside), and the content type of that response's body (null: no body).
 */
export function responseOf(callback: CallbackName, status: number): { contentType: string | null } | undefined {
  const responses: Readonly<Record<string, { contentType: string | null }>> = callbacks[callback].responses;
  return Object.hasOwn(responses, String(status)) ? responses[String(status)] : undefined;
}
