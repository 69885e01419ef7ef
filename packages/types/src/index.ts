// Re-exports only: the generated contract (`pnpm generate`) and the helpers written over it.
export type * as CallControl from './callcontrol.gen.js';
export type * as CallEvent from './callevent.gen.js';
export type * as Simulator from './simulator.gen.js';
export {
  callbacks,
  type CallbackDefinition,
  type CallbackName,
  type CallbackReplies,
  type CallbackRequestBodies,
  type CallbackResponseDefinition,
} from './callbacks.gen.js';
export * from './enums.gen.js';
export { formatFeatures, hasFeature, isSupportedFeatures, negotiateFeatures, parseFeatures } from './supported-features.js';
export { linearPattern, linearRegExp, type RegExpEngine } from './linear-patterns.js';
