import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  connectNotificationWebSocket,
  notFound,
  type ImsSessionEventNotification,
  type NotificationError,
  type TestNotification,
} from '../src/index.js';
import { imsSessionEvent, testNotification } from './support/notifications.js';
import { eventually } from './support/receiver.js';

/** A loopback WebSocket server playing the MMTel server's notification socket; resolves the accepted socket. */
async function startSocketServer(): Promise<{ uri: string; accepted: Promise<WebSocket> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  onTestFinished(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  const accepted = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  return { uri: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/mmtel-callcontrol/v1/notification-websockets/s-1`, accepted };
}

describe('connectNotificationWebSocket', () => {
  it('dispatches each text message to the handlers in arrival order', async () => {
    const { uri, accepted } = await startSocketServer();
    const received: (ImsSessionEventNotification | TestNotification)[] = [];
    const socket = await connectNotificationWebSocket(uri, {
      onImsSessionEvent: async (n) => {
        // A slow first handler must not let the second message overtake it.
        if (received.length === 0) await new Promise((resolve) => setTimeout(resolve, 30));
        received.push(n);
      },
      onTestNotification: (n) => void received.push(n),
    });
    onTestFinished(() => socket.close().then(() => undefined));
    const server = await accepted;
    const first = imsSessionEvent({ notifCorreId: 'first' });
    const second = imsSessionEvent({ notifCorreId: 'second' });
    server.send(JSON.stringify(first));
    server.send(JSON.stringify(second));
    server.send(JSON.stringify(testNotification()));
    await eventually(() => received.length === 3);
    expect(received).toEqual([first, second, testNotification()]);
  });

  it('gives the handler the websocket transport and uri as context', async () => {
    const { uri, accepted } = await startSocketServer();
    const contexts: unknown[] = [];
    const socket = await connectNotificationWebSocket(uri, { onImsSessionEvent: (_n, context) => void contexts.push(context) });
    onTestFinished(() => socket.close().then(() => undefined));
    (await accepted).send(JSON.stringify(imsSessionEvent()));
    await eventually(() => contexts.length === 1);
    expect(contexts[0]).toEqual({ callback: 'imsSessionNotification', transport: 'websocket', websocketUri: uri });
  });

  it('reports an invalid notification to onError with its invalidParams, and goes on with the next message', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    const received: ImsSessionEventNotification[] = [];
    const socket = await connectNotificationWebSocket(
      uri,
      { onImsSessionEvent: (n) => void received.push(n) },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    const server = await accepted;
    server.send(JSON.stringify({ ...imsSessionEvent(), session: 42 }));
    server.send(JSON.stringify(imsSessionEvent()));
    await eventually(() => received.length === 1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_NOTIFICATION', transport: 'websocket', invalidParams: [{ param: '/session' }] });
  });

  it('reports a message that is not JSON as INVALID_JSON', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    const socket = await connectNotificationWebSocket(
      uri,
      { onImsSessionEvent: () => undefined },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    (await accepted).send('{not json');
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_JSON', transport: 'websocket' });
  });

  it('refuses a message with a __proto__ key as INVALID_JSON, as the HTTP path does, and hands nothing to the handler', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    const received: ImsSessionEventNotification[] = [];
    const socket = await connectNotificationWebSocket(
      uri,
      { onImsSessionEvent: (n) => void received.push(n) },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    const json = JSON.stringify(imsSessionEvent());
    (await accepted).send(`${json.slice(0, -1)},"__proto__":{"polluted":true}}`);
    await eventually(() => errors.length === 1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_JSON', transport: 'websocket' });
    expect(received).toEqual([]);
  });

  it('reports a binary message as UNSUPPORTED_MEDIA_TYPE', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    const socket = await connectNotificationWebSocket(
      uri,
      { onImsSessionEvent: () => undefined },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    (await accepted).send(Buffer.from(JSON.stringify(imsSessionEvent())), { binary: true });
    await eventually(() => errors.length === 1);
    expect(errors[0]!.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('reports a handler exception as HANDLER_FAILED without closing the socket', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    let calls = 0;
    const socket = await connectNotificationWebSocket(
      uri,
      {
        onImsSessionEvent: () => {
          calls += 1;
          if (calls === 1) throw new Error('boom');
        },
      },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    const server = await accepted;
    server.send(JSON.stringify(imsSessionEvent()));
    server.send(JSON.stringify(imsSessionEvent()));
    await eventually(() => calls === 2);
    await socket.idle();
    expect(errors.map((e) => [e.code, (e.cause as Error).message])).toEqual([['HANDLER_FAILED', 'boom']]);
  });

  it('reports an outcome, which a WebSocket cannot carry back, as OUTCOME_NOT_DELIVERABLE', async () => {
    const { uri, accepted } = await startSocketServer();
    const errors: NotificationError[] = [];
    const socket = await connectNotificationWebSocket(
      uri,
      { onImsSessionEvent: () => notFound('SESSION_NOT_FOUND') },
      { onError: (error) => errors.push(error) },
    );
    onTestFinished(() => socket.close().then(() => undefined));
    (await accepted).send(JSON.stringify(imsSessionEvent()));
    await eventually(() => errors.length === 1);
    expect(errors[0]!.code).toBe('OUTCOME_NOT_DELIVERABLE');
  });

  it('settles closed with the code and reason the server closed with', async () => {
    const { uri, accepted } = await startSocketServer();
    const socket = await connectNotificationWebSocket(uri, { onImsSessionEvent: () => undefined });
    (await accepted).close(4404, 'no websocket notification channel for this IMS session');
    expect(await socket.closed).toEqual({ code: 4404, reason: 'no websocket notification channel for this IMS session' });
  });

  it('rejects when the socket cannot be opened', async () => {
    const { uri } = await startSocketServer();
    const refused = uri.replace(/:\d+\//, ':1/');
    await expect(connectNotificationWebSocket(refused, { onImsSessionEvent: () => undefined })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses handlers without one for the callback the socket carries', async () => {
    await expect(connectNotificationWebSocket('ws://127.0.0.1:1/', { onSessionEvent: () => undefined })).rejects.toThrow(
      /no handler for the imsSessionNotification/,
    );
  });
});
