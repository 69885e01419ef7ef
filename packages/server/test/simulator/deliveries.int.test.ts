import { createServer } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SESSIONS, imsSession, startServer, type RunningServer } from '../support/server.js';

interface Delivery {
  id: string;
  sessionId?: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  target: string;
  attempts: number;
  lastError?: string;
  createdAt: string;
}

/** An AS whose answer can be changed: `status` is what it answers each notification. */
async function startAs(): Promise<{ url: string; status: number; received: number }> {
  const as = { url: '', status: 500, received: 0 };
  const server = createServer((request, response) =>
    request.resume().on('end', () => {
      as.received += 1;
      response.writeHead(as.status, as.status >= 400 ? { 'content-type': 'application/problem+json' } : {});
      response.end(as.status >= 400 ? JSON.stringify({ status: as.status }) : undefined);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  as.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ims-session-notification`;
  return as;
}

async function deliveries(server: RunningServer, query = ''): Promise<Delivery[]> {
  const response = await server.request('GET', `/sim/v1/deliveries${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Delivery[];
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createSession(server: RunningServer, notifUri: string): Promise<string> {
  const created = await server.request('POST', SESSIONS, { json: imsSession({ notifUri }) });
  expect(created.status).toBe(201);
  const session = (await created.json()) as { sessionId?: string; imsSessionInfo?: { sessionId?: string } };
  return String(session.imsSessionInfo?.sessionId ?? session.sessionId);
}

describe('the delivery record of the simulator API', () => {
  it('lists the notifications newest first, filtered by session and state', async () => {
    const server = await startServer({ MMTEL_SIM_SCENARIO: 'answer', MMTEL_NOTIFY_MAX_ATTEMPTS: '1' });
    const as = await startAs();
    as.status = 204;
    const first = await createSession(server, as.url);
    const second = await createSession(server, as.url);
    const settled = (list: Delivery[]) => list.length === 3 && list.every((delivery) => delivery.state === 'DELIVERED');
    const ofFirst = await until(() => deliveries(server, `?session-id=${first}&state=DELIVERED`), settled);
    await until(() => deliveries(server, `?session-id=${second}`), settled);
    // The answer scenario reports progress, alerting, then success: the newest is the success.
    expect(
      ofFirst.map((delivery) => (delivery as Delivery & { body: { eventReports: Array<{ event: string }> } }).body.eventReports[0]?.event),
    ).toEqual(['SESSION_ESTABLISHMENT_SUCCESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_PROGRESS']);
    expect(ofFirst.every((delivery) => delivery.sessionId === first)).toBe(true);
    const all = await deliveries(server);
    const created = all.map((delivery) => Date.parse(delivery.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(await deliveries(server, '?state=FAILED')).toEqual([]);
  });

  it('answers an unknown query parameter with 400 instead of listing everything', async () => {
    const server = await startServer();
    const response = await server.request('GET', '/sim/v1/deliveries?session=abc');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      cause: 'INVALID_QUERY_PARAM',
      invalidParams: [{ param: 'session', reason: 'not a query parameter of this operation (takes only session-id, state)' }],
    });
  });

  it('sends a given-up notification again as a new one once the AS is fixed', async () => {
    const server = await startServer({ MMTEL_SIM_SCENARIO: 'silent', MMTEL_NOTIFY_MAX_ATTEMPTS: '1' });
    const as = await startAs();
    const sessionId = await createSession(server, as.url);
    // The silent scenario sends nothing; an injected remote hang-up sends one notification.
    expect((await server.request('POST', `/sim/v1/sessions/${sessionId}/remote-release`)).status).toBe(202);
    const [failed] = await until(
      () => deliveries(server, `?session-id=${sessionId}&state=FAILED`),
      (list) => list.length === 1,
    );
    as.status = 204;
    const retried = await server.request('POST', `/sim/v1/deliveries/${failed!.id}/retry`);
    expect(retried.status).toBe(201);
    const again = (await retried.json()) as Delivery;
    expect(again).toMatchObject({ state: 'PENDING', attempts: 0, target: as.url, sessionId });
    expect(again.id).not.toBe(failed!.id);
    await until(
      () => deliveries(server, `?session-id=${sessionId}&state=DELIVERED`),
      (list) => list.length === 1,
    );
    expect((await server.request('POST', `/sim/v1/deliveries/${again.id}/retry`)).status).toBe(409);
    expect((await server.request('POST', '/sim/v1/deliveries/no-such-id/retry')).status).toBe(404);
  });

  it('clears the outbox: pending notifications given up, the record emptied', async () => {
    const server = await startServer({
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_NOTIFY_MAX_ATTEMPTS: '100',
      MMTEL_NOTIFY_BACKOFF_MS: '60000',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '60000',
    });
    const as = await startAs();
    const sessionId = await createSession(server, as.url);
    expect((await server.request('POST', `/sim/v1/sessions/${sessionId}/remote-release`)).status).toBe(202);
    // Answered 500, the notification waits for its next attempt (up to a minute away).
    await until(
      () => deliveries(server),
      (list) => list.length === 1 && list[0]!.state === 'PENDING' && list[0]!.attempts >= 1,
    );
    const cleared = await server.request('DELETE', '/sim/v1/deliveries');
    expect(cleared.status).toBe(200);
    expect(await cleared.json()).toEqual({ givenUp: 1, removed: 1 });
    expect(await deliveries(server)).toEqual([]);
  });

  it('answers a query parameter on DELETE with 400 and clears nothing', async () => {
    const server = await startServer();
    const response = await server.request('DELETE', '/sim/v1/deliveries?state=FAILED');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ cause: 'INVALID_QUERY_PARAM' });
  });
});
