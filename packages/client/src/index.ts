// Re-exports only. The typed openapi-fetch entry points are generated from specs/ by `pnpm generate`.
export * from './generated/clients.gen.js';
