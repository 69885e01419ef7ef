import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCallControlClient } from '@mmtel/client';
import { freePort } from '@mmtel/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { referenceServer, startCli } from './support/cli.js';

/** Starts `mmtel listen` on a free port; its origin, once it says where it listens. */
async function listen(args: string[] = []) {
  const cli = startCli(['listen', '--port', '0', ...args]);
  const [, origin] = await cli.waitFor(/(?:receiving on |forwarding |"origin":")(http:\/\/127\.0\.0\.1:\d+)/);
  return { cli, origin: origin! };
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local AS that records every request and answers what `answer` says. */
async function localAs(answer: (request: Received) => { status: number; headers?: Record<string, string>; body?: string }) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const got = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      received.push(got);
      const { status, headers = {}, body: replyBody } = answer(got);
      response.writeHead(status, headers).end(replyBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const SESSION_EVENT = JSON.stringify({
  notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST' },
  sessionId: 'a1',
  sessionInfo: { callingIdentity: 'tel:+4930123456', calledIdentity: 'sip:bob@example.com', sessionCase: 'TERMINATING_IMS_SESSION' },
});

describe('mmtel listen', () => {
  it("prints each notification of a call whose notifUri is the listener's, readably", async () => {
    const apiRoot = await referenceServer();
    const { cli, origin } = await listen();
    const mmtel = createCallControlClient({ baseUrl: apiRoot, throwOnError: true });
    const { sessionId } = (
      await mmtel.createImsSession({
        afId: 'as1',
        imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
        notifUri: `${origin}/ims-session-notification`,
      })
    ).data;
    await cli.waitFor(/SESSION_ESTABLISHMENT_SUCCESS/);
    expect(cli.stdout).toContain(`IMS Session Notification  session ${sessionId}`);
    expect(cli.stdout).toMatch(/SESSION_ESTABLISHMENT_PROGRESS[\s\S]*SESSION_ESTABLISHMENT_ALERTING[\s\S]*SESSION_ESTABLISHMENT_SUCCESS/);
  });

  it('answers an invalid notification 400 with its attributes, and prints why it refused it', async () => {
    const { cli, origin } = await listen();
    const response = await fetch(`${origin}/session-event-notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"sessionId":"a1"}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ cause: 'MANDATORY_IE_MISSING', invalidParams: [{ param: '/notificationEvent' }] });
    await cli.waitFor(/refused \(INVALID_NOTIFICATION\)[\s\S]*\/notificationEvent/);
  });

  it("forwards a notification unchanged to the AS and passes the AS's answer back: status, Location and body", async () => {
    const as = await localAs(() => ({
      status: 308,
      headers: { location: 'http://127.0.0.1:1/moved', 'content-type': 'application/json' },
      body: '{"cause":"moved"}',
    }));
    const { cli, origin } = await listen(['--forward-to', `${as.url}/as`]);
    const response = await fetch(`${origin}/session-event-notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-correlation': 'c1' },
      body: SESSION_EVENT,
      redirect: 'manual',
    });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/moved');
    expect(await response.text()).toBe('{"cause":"moved"}');
    expect(as.received).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/as/session-event-notification',
        body: SESSION_EVENT,
        headers: expect.objectContaining({ 'content-type': 'application/json', 'x-correlation': 'c1' }),
      }),
    ]);
    await cli.waitFor(
      /SESSION_ESTABLISHMENT_REQUEST[\s\S]*→ \S+\/as\/session-event-notification: 308 Location http:\/\/127\.0\.0\.1:1\/moved/,
    );
  });

  it("delivers a reference server's notifications to the AS through --forward-to", async () => {
    const apiRoot = await referenceServer();
    const as = await localAs(() => ({ status: 204 }));
    const { cli, origin } = await listen(['--forward-to', as.url]);
    const mmtel = createCallControlClient({ baseUrl: apiRoot, throwOnError: true });
    await mmtel.createImsSession({
      afId: 'as1',
      imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
      notifUri: `${origin}/ims-session-notification`,
    });
    await cli.waitFor(/SESSION_ESTABLISHMENT_SUCCESS[\s\S]*: 204/);
    expect(as.received.map((request) => request.url)).toEqual(Array(3).fill('/ims-session-notification'));
    expect(
      as.received.map((request) => (JSON.parse(request.body) as { eventReports: Array<{ event: string }> }).eventReports[0]?.event),
    ).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
  });

  it('answers 503 ProblemDetails when the AS cannot be reached, so that the server tries again', async () => {
    // A port nothing listens on any more.
    const { cli, origin } = await listen(['--forward-to', `http://127.0.0.1:${await freePort()}`]);
    const response = await fetch(`${origin}/session-event-notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: SESSION_EVENT,
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 503, detail: expect.stringContaining('ECONNREFUSED') });
    await cli.waitFor(/no answer \(.*ECONNREFUSED.*\); answered 503/);
  });

  it('prints one JSON object per notification with --json, with the body and the answer', async () => {
    const as = await localAs(() => ({ status: 204 }));
    const { cli, origin } = await listen(['--forward-to', as.url, '--json']);
    await fetch(`${origin}/session-event-notification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: SESSION_EVENT,
    });
    await cli.waitFor(/"kind":"notification".*\n/);
    const record = JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(record).toMatchObject({
      kind: 'notification',
      path: '/session-event-notification',
      callback: 'sessionEventNotification',
      notification: 'sessionEvent',
      body: JSON.parse(SESSION_EVENT),
      answer: { status: 204 },
    });
  });

  it('stops on Ctrl-C and exits 0', async () => {
    const { cli } = await listen();
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });
});
