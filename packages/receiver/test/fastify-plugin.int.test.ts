import { fastify } from 'fastify';
import { describe, expect, it } from 'vitest';
import { notificationReceiver, type ImsSessionEventNotification, type SessionEventNotification } from '../src/index.js';
import { CALL_EVENT_PATH, IMS_PATH, imsSessionEvent, sessionEvent } from './support/notifications.js';
import { listenOnLoopback, postNotification } from './support/receiver.js';

describe('the notificationReceiver Fastify plugin', () => {
  it('serves each callback at the path the AS chooses, under the prefix of the plugin it is registered in', async () => {
    const ims: ImsSessionEventNotification[] = [];
    const events: SessionEventNotification[] = [];
    const app = fastify();
    await app.register(
      async (as) => {
        await as.register(notificationReceiver, {
          handlers: { onImsSessionEvent: (n) => void ims.push(n), onSessionEvent: (n) => void events.push(n) },
          paths: { imsSessionNotification: '/calls/:callId/events', sessionEventNotification: '/incoming' },
        });
      },
      { prefix: '/as' },
    );
    const origin = await listenOnLoopback(app);
    expect((await postNotification(`${origin}/as/calls/c-7/events`, imsSessionEvent())).status).toBe(204);
    expect((await postNotification(`${origin}/as/incoming`, sessionEvent())).status).toBe(204);
    expect((await postNotification(origin + IMS_PATH, imsSessionEvent())).status).toBe(404);
    expect(ims).toEqual([imsSessionEvent()]);
    expect(events).toEqual([sessionEvent()]);
  });

  it('honours the prefix given when registering it', async () => {
    const app = fastify();
    await app.register(notificationReceiver, { prefix: '/hooks', handlers: { onSessionEvent: () => undefined } });
    const origin = await listenOnLoopback(app);
    expect((await postNotification(`${origin}/hooks${CALL_EVENT_PATH}`, sessionEvent())).status).toBe(204);
    expect((await postNotification(origin + CALL_EVENT_PATH, sessionEvent())).status).toBe(404);
  });

  it('serves the table receiverPaths by default', async () => {
    const app = fastify();
    await app.register(notificationReceiver, { handlers: { onImsSessionEvent: () => undefined, onSessionEvent: () => undefined } });
    const origin = await listenOnLoopback(app);
    expect((await postNotification(origin + IMS_PATH, imsSessionEvent())).status).toBe(204);
    expect((await postNotification(origin + CALL_EVENT_PATH, sessionEvent())).status).toBe(204);
  });

  it("leaves the application's own content-type parsers and error handler alone", async () => {
    const app = fastify();
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.setErrorHandler((_error, _request, reply) => reply.code(418).send('teapot'));
    app.post('/echo', async (request) => ({ echoed: request.body }));
    app.post('/fails', async () => {
      throw new Error('app failure');
    });
    await app.register(notificationReceiver, { handlers: { onImsSessionEvent: () => undefined } });
    const origin = await listenOnLoopback(app);
    const echoed = await postNotification(`${origin}/echo`, 'hello', 'text/plain');
    expect(await echoed.json()).toEqual({ echoed: 'hello' });
    expect((await postNotification(`${origin}/fails`, {})).status).toBe(418);
    expect((await postNotification(origin + IMS_PATH, 'hello', 'text/plain')).status).toBe(415);
  });

  it("keeps the status of a client error from the application's own hook, as ProblemDetails", async () => {
    const app = fastify();
    app.addHook('onRequest', async (request) => {
      if (request.headers.authorization === undefined) throw Object.assign(new Error('no token'), { statusCode: 401 });
    });
    await app.register(notificationReceiver, { handlers: { onImsSessionEvent: () => undefined } });
    const origin = await listenOnLoopback(app);
    const response = await postNotification(origin + IMS_PATH, imsSessionEvent());
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 401, title: 'no token' });
  });

  it('refuses to start without a handler', async () => {
    const app = fastify();
    app.register(notificationReceiver, { handlers: {} });
    await expect(app.ready()).rejects.toThrow(/no notification handler/);
  });

  it('refuses onTestNotification without onImsSessionEvent', async () => {
    const app = fastify();
    app.register(notificationReceiver, { handlers: { onTestNotification: () => undefined } });
    await expect(app.ready()).rejects.toThrow(/onTestNotification needs onImsSessionEvent/);
  });
});
