import type { ServerConfig } from '../config.js';
import { DOCS_PREFIX } from './api-reference.js';
import type { PublishedSpec } from './published-specs.js';
import { specUrls } from './spec-routes.js';

/** A link of the index and of the start banner: what it is, and where (a path on this server). */
export interface SiteLink {
  title: string;
  path: string;
}

/** Everything the server serves, grouped as the index shows it. */
export interface SiteMap {
  name: string;
  /** The public {apiRoot} (MMTEL_API_ROOT), which prefixes every path. */
  apiRoot: string;
  apis: SiteLink[];
  /** The interactive reference, absent when MMTEL_DOCS is off. */
  docs?: SiteLink;
  specs: Array<SiteLink & { json: string; role: PublishedSpec['role'] }>;
  operations: SiteLink[];
}

/** The API roots this configuration serves: both TS 29.392 APIs, and the simulator's when it is on. */
export function apiLinks(config: Pick<ServerConfig, 'simulator'>): SiteLink[] {
  return [
    { title: 'MMTel_CallControl', path: '/mmtel-callcontrol/v1' },
    { title: 'MMTel_CallEvent', path: '/mmtel-callevent/v1' },
    ...(config.simulator.enabled ? [{ title: 'Simulator (not 3GPP)', path: '/sim/v1' }] : []),
  ];
}

/** The site map of a configuration: what `/` lists and the start banner prints. */
export function siteMap(config: ServerConfig, specs: readonly PublishedSpec[]): SiteMap {
  return {
    name: 'MMTel Enabler Server (3GPP TS 29.392 reference server)',
    apiRoot: config.apiRoot,
    apis: apiLinks(config),
    ...(config.docs && { docs: { title: 'Interactive API reference', path: `${DOCS_PREFIX}/` } }),
    specs: specs.map((spec) => ({ title: spec.title, path: specUrls(spec).yaml, json: specUrls(spec).json, role: spec.role })),
    operations: [
      { title: 'Liveness', path: '/healthz' },
      { title: 'Readiness (the store answers)', path: '/readyz' },
      { title: 'Prometheus metrics', path: '/metrics' },
      ...(config.security.tokenEndpoint.enabled
        ? [{ title: 'CAPIF token endpoint (POST)', path: '/capif-security/v1/securities/{securityId}/token' }]
        : []),
    ],
  };
}
