import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imsSession, SESSIONS, startServer, useServer } from '../support/server.js';

const SPEC_NAMES = [
  'TS29392_MMTel_CallControl',
  'TS29392_MMTel_CallEvent',
  'MMTel_Simulator',
  'TS29392_MMTel_CallControl.callbacks',
  'TS29392_MMTel_CallEvent.callbacks',
];

describe('the server describes itself at /', () => {
  const server = useServer({ MMTEL_AUTH: 'oauth2', MMTEL_CAPIF_TOKEN_ENDPOINT: 'true', MMTEL_CAPIF_CLIENTS: 'af=secret' });

  it('answers / with a JSON index of the APIs, the docs and every spec for a client that does not ask for HTML', async () => {
    const response = await server.request('GET', '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const index = (await response.json()) as {
      apis: Array<{ path: string }>;
      docs: { path: string };
      specs: Array<{ path: string; json: string }>;
    };
    expect(index.apis.map((api) => api.path)).toEqual(['/mmtel-callcontrol/v1', '/mmtel-callevent/v1', '/sim/v1']);
    expect(index.docs.path).toBe('/docs/');
    expect(index.specs.map((spec) => spec.path)).toEqual(SPEC_NAMES.map((name) => `/specs/${name}.yaml`));
  });

  it('answers / with an HTML page linking the docs and the specs for a browser', async () => {
    const response = await server.request('GET', '/', { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('href="/docs/"');
    expect(html).toContain('href="/specs/TS29392_MMTel_CallControl.yaml"');
  });

  it.each(SPEC_NAMES)('serves the bundled spec %s as YAML and as JSON without a token', async (name) => {
    const yaml = await server.request('GET', `/specs/${name}.yaml`);
    const json = await server.request('GET', `/specs/${name}.json`);
    expect([yaml.status, json.status]).toEqual([200, 200]);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parse(await yaml.text())).toEqual(await json.json());
  });

  it('serves the docs page and its script without a token while the API still asks for one', async () => {
    const page = await server.request('GET', '/docs/');
    const script = await server.request('GET', '/docs/js/scalar.js');
    const api = await server.request('POST', SESSIONS, { json: imsSession() });
    expect([page.status, script.status, api.status]).toEqual([200, 200, 401]);
    expect(await page.text()).toContain('"url": "specs/TS29392_MMTel_CallControl.json"');
  });

  it("sets the docs page's {apiRoot} to this server, the bundled spec's default being an example host", async () => {
    const docs = (await (await server.request('GET', '/docs/specs/TS29392_MMTel_CallControl.json')).json()) as {
      servers: Array<{ variables: { apiRoot: { default: string } } }>;
    };
    const bundled = (await (await server.request('GET', '/specs/TS29392_MMTel_CallControl.json')).json()) as typeof docs;
    expect(docs.servers[0]?.variables.apiRoot.default).toBe(server.apiRoot);
    expect(bundled.servers[0]?.variables.apiRoot.default).toBe('https://example.com');
  });

  it('loads nothing for the docs page from another host', async () => {
    const html = await (await server.request('GET', '/docs/')).text();
    expect(html.match(/(?:src|href)="[^"]*"/g)).toEqual(['src="js/scalar.js"']);
    expect(html).toContain('"withDefaultFonts": false');
  });

  it('answers an unknown spec with a 404 ProblemDetails', async () => {
    const response = await server.request('GET', '/specs/TS29392_MMTel_Nothing.yaml');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('the docs page follows MMTEL_DOCS', () => {
  it('does not serve /docs/ in the production profile, and still serves / and the specs', async () => {
    const server = await startServer({ MMTEL_PROFILE: 'production', MMTEL_SIMULATOR: 'false' });
    const [docs, index, spec] = await Promise.all([
      server.request('GET', '/docs/'),
      server.request('GET', '/'),
      server.request('GET', '/specs/TS29392_MMTel_CallEvent.json'),
    ]);
    expect([docs.status, index.status, spec.status]).toEqual([404, 200, 200]);
    const body = (await index.json()) as { docs?: unknown; apis: Array<{ path: string }> };
    expect(body.docs).toBeUndefined();
    expect(body.apis.map((api) => api.path)).not.toContain('/sim/v1');
  });
});
