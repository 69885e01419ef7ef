import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BUNDLED_SPECS, deriveProxySpec, unicodePattern, type OpenApiDocument } from '../src/prism-spec.js';

/** Prism's own Ajv (prism-http's dependency), set up as prism-http's validator sets it up. */
function prismAjv(document: OpenApiDocument) {
  const prismCli = createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json');
  const prismHttp = createRequire(createRequire(prismCli).resolve('@stoplight/prism-http/package.json'));
  type Ajv = { addSchema(schema: object, key: string): void; compile(schema: object): unknown };
  const Ajv = (prismHttp('ajv') as { default: new (options: object) => Ajv }).default;
  const addFormats = (prismHttp('ajv-formats') as { default: (ajv: Ajv) => void }).default;
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, allowMatchingProperties: true, strict: false, logger: false });
  addFormats(ajv);
  ajv.addSchema({ components: document.components }, 'doc');
  return ajv;
}

/** The schemas Prism's Ajv cannot compile: Prism catches the error and validates nothing against them. */
function uncompilable(document: OpenApiDocument): string[] {
  const ajv = prismAjv(document);
  return Object.keys(document.components?.schemas ?? {}).filter((name) => {
    try {
      ajv.compile({ $ref: `doc#/components/schemas/${name}` });
      return false;
    } catch {
      return true;
    }
  });
}

describe('deriveProxySpec', () => {
  it.each([
    ['the APIs', [BUNDLED_SPECS.callControl, BUNDLED_SPECS.callEvent]],
    ['the callbacks', [BUNDLED_SPECS.callControlCallbacks, BUNDLED_SPECS.callEventCallbacks]],
  ])('gives Prism only schemas its Ajv compiles, for %s', async (_name, files) => {
    expect(uncompilable(await deriveProxySpec(files))).toEqual([]);
  });

  it('is needed: Prism cannot compile the bundled ImsPublicId pattern as it stands', async () => {
    const document = await deriveProxySpec([BUNDLED_SPECS.callControl]);
    const bundled = String.raw`^(sip\:([a-zA-Z0-9_\-.!~*()&=+$,;?\/]+)\@([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+[a-z]{2,}|tel\:\+[0-9]{5,15})$`;
    (document.components!.schemas!.ImsPublicId as { pattern: string }).pattern = bundled;
    expect(uncompilable(document)).toContain('ImsPublicId');
  });

  it('serves each API under the path of its server URL and each callback at its receiver path', async () => {
    const api = await deriveProxySpec([BUNDLED_SPECS.callControl, BUNDLED_SPECS.callEvent]);
    expect(Object.keys(api.paths)).toEqual([
      '/mmtel-callcontrol/v1/ims-sessions',
      '/mmtel-callcontrol/v1/ims-sessions/{sessionId}',
      '/mmtel-callevent/v1/session-event-subscriptions',
    ]);
    const callbacks = await deriveProxySpec([BUNDLED_SPECS.callControlCallbacks, BUNDLED_SPECS.callEventCallbacks]);
    expect(Object.keys(callbacks.paths)).toEqual(['/ims-session-notification', '/session-event-notification']);
  });

  it("keeps each API's security requirement on its own operations", async () => {
    const api = await deriveProxySpec([BUNDLED_SPECS.callControl, BUNDLED_SPECS.callEvent]);
    expect(api.security).toBeUndefined();
    expect(api.paths['/mmtel-callcontrol/v1/ims-sessions']?.post).toMatchObject({ security: [{}, { oAuth2ClientCredentials: [] }] });
  });

  it('keeps the TS 29.122 and the TS 29.571 ProblemDetails apart when both are named ProblemDetails', async () => {
    const api = await deriveProxySpec([BUNDLED_SPECS.callControl, BUNDLED_SPECS.callEvent]);
    const schemas = api.components!.schemas!;
    expect(schemas.ProblemDetails).not.toEqual(schemas.ProblemDetails_1);
    // CallEvent's responses/400 reads like CallControl's, but its ProblemDetails is the other one.
    expect(api.components!.responses!['400_1']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails_1' } } },
    });
    expect(api.components!.responses!['400']).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
    });
  });
});

describe('unicodePattern', () => {
  it.each([
    ['drops identity escapes of non-syntax characters', String.raw`^sip\:[a-z]+\@x$`, '^sip:[a-z]+@x$'],
    ['keeps a pattern that already compiles', String.raw`^[A-Fa-f0-9\-]*\.$`, String.raw`^[A-Fa-f0-9\-]*\.$`],
    ['keeps character-class and syntax escapes', String.raw`\d\s\/\:`, String.raw`\d\s\/:`],
  ])('%s', (_name, given, want) => {
    expect(unicodePattern(given)).toBe(want);
  });

  it('matches what the original pattern matches', () => {
    const original = String.raw`^(sip\:([a-zA-Z0-9_\-.!~*()&=+$,;?\/]+)\@([A-Za-z0-9]+([-A-Za-z0-9]+)\.)+[a-z]{2,}|tel\:\+[0-9]{5,15})$`;
    const rewritten = new RegExp(unicodePattern(original), 'u');
    for (const id of ['sip:bob@example.com', 'tel:+4930123456', 'sip:a.b@x-y.example.org', 'bob', 'tel:4930123456', 'sip:bob@example']) {
      expect(rewritten.test(id), id).toBe(new RegExp(original).test(id));
    }
  });
});
