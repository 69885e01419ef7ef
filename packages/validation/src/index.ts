// Re-exports only: the one validation core of the reference server and the receiver.
export { ajvFormats, ajvOptions, createAjv } from './ajv-setup.js';
export { MAX_BODY_DEPTH, schemaRejection, unrepresentable, type BodyCause, type BodyRejection } from './body-rejection.js';
export {
  compileBodyValidator,
  requiredOf,
  type BodyAlternative,
  type BodyValidator,
  type BodyVerdict,
  type JsonSchema,
} from './body-validator.js';
export { Cause, problem, type CauseName, type InvalidParam, type ProblemDetails } from './causes.js';
export { causeOfBodyError, causeOfStatus, sendProblem, type BodyProtocolCause } from './fastify-errors.js';
export { toInvalidParams } from './invalid-params.js';
export { unsupportedMediaType } from './media-types.js';
export { reasonOf, type Reason } from './reasons.js';
export { installJsonBodyParser, parseJsonText } from './json-body-parser.js';
export { closeLingeringReads, LINGERING_READ, readRestOfRefusedBody, type LingeringReadBounds } from './refused-body.js';
