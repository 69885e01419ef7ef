import Fastify, { type FastifyInstance } from 'fastify';
import { ajvFormats, ajvOptions } from '@mmtel/validation';
import { afterEach, describe, expect, it } from 'vitest';
import { LazyValidators } from '../../src/http/lazy-validators.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A Fastify app with the server's Ajv options (lazy validators, or Fastify's own), one validated route, listening on loopback. */
async function serve(validators: LazyValidators | undefined): Promise<string> {
  const app = Fastify({
    logger: false,
    ajv: { customOptions: ajvOptions, plugins: [ajvFormats] },
    ...(validators !== undefined && { schemaController: validators.schemaController() }),
  });
  apps.push(app);
  app.post(
    '/items/:n',
    {
      schema: {
        params: { type: 'object', properties: { n: { type: 'string', pattern: '^[0-9]+$' } }, required: ['n'] },
        querystring: { type: 'object', properties: { limit: { type: 'string', maxLength: 2 } } },
        body: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] },
      },
    },
    async (request) => ({ params: request.params, query: request.query, body: request.body }),
  );
  return app.listen({ host: '127.0.0.1', port: 0 });
}

const post = (origin: string, path: string, body: unknown) =>
  fetch(`${origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('lazy route validators', () => {
  it('leaves every route validator uncompiled when the app is ready', async () => {
    const validators = new LazyValidators();
    await serve(validators);
    expect(validators.uncompiled).toBe(3);
  });

  it('refuses an invalid body at the first request, before any warm-up', async () => {
    const origin = await serve(new LazyValidators());
    const answer = await post(origin, '/items/1', { name: '' });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(/body\/name/);
  });

  it('answers every request as Fastify does with its own compiler and the same options', async () => {
    const lazy = await serve(new LazyValidators());
    const eager = await serve(undefined);
    const cases: Array<[string, unknown]> = [
      ['/items/7?limit=3', { name: 'x' }],
      ['/items/x', { name: 'x' }],
      ['/items/7?limit=300', { name: 'x' }],
      ['/items/7', { name: '', other: 1 }],
      ['/items/7', []],
    ];
    for (const [path, body] of cases) {
      const [a, b] = await Promise.all([post(lazy, path, body), post(eager, path, body)]);
      expect({ path, status: a.status, body: await a.text() }).toEqual({ path, status: b.status, body: await b.text() });
    }
  });

  it('compiles every route validator when warmed up, and validates as before', async () => {
    const validators = new LazyValidators();
    const origin = await serve(validators);
    await validators.warmUp();
    expect(validators.uncompiled).toBe(0);
    expect((await post(origin, '/items/x', { name: 'x' })).status).toBe(400);
    expect((await post(origin, '/items/7', { name: 'x' })).status).toBe(200);
  });

  it('refuses a route with a headers schema, whose names Fastify would not lower-case for it', async () => {
    const app = Fastify({ logger: false, schemaController: new LazyValidators().schemaController() });
    apps.push(app);
    app.get('/h', { schema: { headers: { type: 'object', properties: { 'X-Thing': { type: 'string' } } } } }, async () => 'ok');
    await expect(app.ready()).rejects.toThrow(/header parameters are not supported by the lazy validators/);
  });
});
