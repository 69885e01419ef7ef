// Public entry of the reference server package: build an app, read the configuration.
export { buildApp, type BuildOptions, type MmtelServer } from './app.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
