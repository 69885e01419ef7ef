// The spec-driven parts the kit shares with tools/conformance's fuzz tests: the bundled spec
// documents, an Ajv judge over them, valid values from their schemas, mutations and body attacks,
// and requests sent byte for byte. Re-exports only.
export * from './answer-check.js';
export * from './arbitraries-from-schema.js';
export * from './body-attacks.js';
export * from './linear-patterns.js';
export * from './mutations.js';
export * from './spec-documents.js';
export * from './spec-validator.js';
export * from './wire.js';
