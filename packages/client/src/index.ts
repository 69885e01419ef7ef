// Re-exports only. The typed openapi-fetch entry points are generated from specs/ by `pnpm generate`.
export * from './generated/clients.gen.js';
export {
  createCallControlClient,
  type CallControlClient,
  type CallControlOperations,
  type CreatedImsSession,
  type ImsSession,
  type ImsSessionInfo,
  type ImsSessionPatch,
} from './call-control-client.js';
export { createCallEventClient, type CallEventClient, type CallEventOperations } from './call-event-client.js';
export type { CallOptions, MmtelClientOptions, MmtelFailure, MmtelResult, MmtelSuccess, Outcome } from './client-options.js';
export { MmtelProblemError, problemOf, throwOnProblem, type InvalidParam, type ProblemDetails } from './problem.js';
export { MmtelConnectionError } from './connection-error.js';
export { composeFetch, type FetchLike, type FetchWrapper } from './fetch.js';
export {
  AccessTokenError,
  clientCredentials,
  withBearerToken,
  type AccessTokenRsp,
  type AccessTokenSource,
  type ClientCredentialsOptions,
} from './middleware/oauth2.js';
export { withRedirects, type PermanentRedirect, type RedirectOptions, type RedirectWrapper } from './middleware/redirect.js';
export { retryAfterMs, withRetry, type RetryOptions, type RetryWrapper } from './middleware/retry.js';
export { withTimeout } from './middleware/timeout.js';
export type { Middleware } from 'openapi-fetch';
// The contract, bundled into the published package: types, extensible-enum constants, supportedFeatures helpers.
export type { CallControl, CallEvent } from '@mmtel/types';
export * from '@mmtel/types/enums';
export { formatFeatures, hasFeature, isSupportedFeatures, negotiateFeatures, parseFeatures } from '@mmtel/types';
