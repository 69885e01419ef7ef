import type { AddressInfo } from 'node:net';
import { describe, expect, onTestFinished, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSocketHub } from '../../src/notifications/index.js';
import { imsNotification, settled, startEngine, startReceiver, waitFor } from './support.js';

/** A ws server on loopback whose connections attach to `hub` under the session in their path. */
async function startWebSocketServer(hub: WebSocketHub): Promise<{ url(sessionId: string): string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket, request) => hub.attach((request.url ?? '/').slice(1), socket));
  onTestFinished(async () => {
    hub.closeAll();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: (sessionId) => `ws://127.0.0.1:${port}/${sessionId}` };
}

/** A client socket that keeps the messages it receives. */
async function connect(url: string): Promise<{ socket: WebSocket; messages: { text: string; binary: boolean }[] }> {
  const socket = new WebSocket(url);
  const messages: { text: string; binary: boolean }[] = [];
  socket.on('message', (data, isBinary) => messages.push({ text: (data as Buffer).toString('utf8'), binary: isBinary }));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  onTestFinished(() => socket.close());
  return { socket, messages };
}

describe('WebSocket notification delivery (TS 29.122 clause 5.2.5.4)', () => {
  test('sends each notification as one text message on the attached WebSocket, not over HTTP', async () => {
    const hub = new WebSocketHub();
    const wss = await startWebSocketServer(hub);
    const client = await connect(wss.url('s1'));
    await waitFor(() => hub.has('s1'));
    const receiver = await startReceiver();
    const { engine, queue, store } = await startEngine({ websockets: hub });
    const notifications = [imsNotification('s1', receiver.url('/n'), 'n1'), imsNotification('s1', receiver.url('/n'), 'n2')];

    const entries = await queue.enqueue(notifications);
    for (const entry of entries) expect(await settled(store, entry.id, engine)).toMatchObject({ state: 'delivered', attempts: 1 });
    await waitFor(() => client.messages.length === 2);

    expect(client.messages.map((m) => m.binary)).toEqual([false, false]);
    expect(client.messages.map((m) => JSON.parse(m.text) as unknown)).toEqual(notifications.map((n) => n.body));
    expect(receiver.requests).toEqual([]);
  });

  test('falls back to HTTP POST for a session without a WebSocket', async () => {
    const hub = new WebSocketHub();
    const wss = await startWebSocketServer(hub);
    const other = await connect(wss.url('other'));
    const receiver = await startReceiver();
    const { engine, queue, store } = await startEngine({ websockets: hub });
    const notification = imsNotification('s1', receiver.url('/n'));

    const [entry] = await queue.enqueue([notification]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expect(receiver.requests.map((r) => r.body)).toEqual([notification.body]);
    expect(other.messages).toEqual([]);
  });

  test('falls back to HTTP POST once the WebSocket has closed', async () => {
    const hub = new WebSocketHub();
    const wss = await startWebSocketServer(hub);
    const client = await connect(wss.url('s1'));
    await waitFor(() => hub.has('s1'));
    client.socket.close();
    await waitFor(() => !hub.has('s1') && hub.size === 0);
    const receiver = await startReceiver();
    const { engine, queue, store } = await startEngine({ websockets: hub });

    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('WebSocketHub', () => {
  test('keeps one socket per session: attaching another replaces and closes the first', async () => {
    const hub = new WebSocketHub();
    const wss = await startWebSocketServer(hub);
    const first = await connect(wss.url('s1'));
    await waitFor(() => hub.has('s1'));
    const closed = new Promise((resolve) => first.socket.once('close', resolve));
    const second = await connect(wss.url('s1'));
    await closed;

    expect(hub.send('s1', { n: 1 })).toBe(true);
    await waitFor(() => second.messages.length === 1);
    expect(first.messages).toEqual([]);
  });

  test('answers false when the session has no open socket', () => {
    expect(new WebSocketHub().send('nobody', { n: 1 })).toBe(false);
  });
});
