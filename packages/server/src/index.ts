// Public entry of the reference server package: build an app, read the configuration, or start
// one on loopback for tests.
export { buildApp, type BuildOptions, type MmtelServer } from './app.js';
export { ConfigError, loadConfig, type ServerConfig } from './config.js';
export { freePort, startReferenceServer, type ReferenceServer } from './reference-server.js';
