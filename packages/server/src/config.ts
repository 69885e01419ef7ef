// The configuration of the server: one schema of environment variables (config/variables.ts),
// read by loadConfig. Re-exports only.
export { ConfigError } from './config/config-error.js';
export { NOTIFICATION_DEFAULTS } from './config/defaults.js';
export { loadConfig } from './config/load-config.js';
export type { NotificationSettings, SecurityConfig, ServerConfig } from './config/server-config.js';
