import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config.js';
import { registerApiReference } from './api-reference.js';
import { publishedSpecs, SpecFiles } from './published-specs.js';
import { registerSiteIndex } from './site-index.js';
import { type SiteMap, siteMap } from './site-map.js';
import { registerSpecRoutes } from './spec-routes.js';

export { DOCS_PREFIX } from './api-reference.js';
export { SPECS_PREFIX } from './spec-routes.js';
export { apiLinks, siteMap, type SiteLink, type SiteMap } from './site-map.js';
export { publishedSpecs, type PublishedSpec } from './published-specs.js';

/**
 * What the server tells about itself, outside the API scopes and so without authentication:
 * `/` (the index), `/specs/*` (the bundled specs) and, when MMTEL_DOCS is on, `/docs/` (the
 * interactive reference). Returns the site map, for the start banner.
 */
export async function registerDocsSite(app: FastifyInstance, config: ServerConfig): Promise<SiteMap> {
  const specs = publishedSpecs({ simulator: config.simulator.enabled });
  const site = siteMap(config, specs);
  const files = new SpecFiles(specs);
  registerSpecRoutes(app, files);
  registerSiteIndex(app, site);
  if (config.docs) await registerApiReference(app, { specs, files, apiRoot: config.apiRoot });
  return site;
}
