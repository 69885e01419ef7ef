// Re-exports only: everything here is generated from specs/ by `pnpm generate`.
export type * as CallControl from './callcontrol.gen.js';
export type * as CallEvent from './callevent.gen.js';
export type * as Simulator from './simulator.gen.js';
export { callbacks, type CallbackDefinition, type CallbackName, type CallbackReplies, type CallbackRequestBodies, type CallbackResponseDefinition } from './callbacks.gen.js';
export * from './enums.gen.js';
