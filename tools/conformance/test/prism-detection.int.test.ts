import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PrismViolation } from '../src/prism-proxy.js';
import { BUNDLED_SPECS } from '../src/prism-spec.js';
import { usePrismProxy } from '../src/prism-vitest.js';

// Proof that the harness catches both kinds of violation, with a tiny upstream whose answers each
// test chooses: a harness that only ever sees a conforming server could be blind and still pass.

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const upstream = { answer: { status: 204 } as Answer, received: [] as string[] };

const prism = usePrismProxy({
  specs: [BUNDLED_SPECS.callControl],
  upstream: async () => {
    const server = createServer((req: IncomingMessage, res) => {
      req.resume().once('end', () => {
        upstream.received.push(`${req.method} ${req.url}`);
        const { status, headers = {}, body } = upstream.answer;
        res
          .writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers })
          .end(body === undefined ? undefined : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
  },
});

beforeEach(() => {
  upstream.received = [];
});

const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
const parties = { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' };
const valid = { afId: 'default', imsSessionInfo: parties, notifUri: 'http://127.0.0.1:9/notify' };
const created = {
  ...valid,
  imsSessionInfo: { ...parties, sessionId: 's-1', sessionState: 'INITIATING' },
  self: `http://127.0.0.1:1${SESSIONS}/s-1`,
};

const post = (body: unknown) =>
  fetch(`${prism.origin}${SESSIONS}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the Prism harness', () => {
  it('passes a conforming exchange and records nothing', async () => {
    upstream.answer = { status: 201, headers: { location: created.self }, body: created };
    const response = await post(valid);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(created);
    expect(prism.takeViolations()).toEqual([]);
  });

  it('records a request that breaks the spec, which Prism refuses with 422 before the upstream sees it', async () => {
    const response = await post({ ...valid, imsSessionInfo: { ...parties, callingParty: 'bob' } });
    expect(response.status).toBe(422);
    expect(upstream.received).toEqual([]);
    expect(prism.takeViolations()).toEqual([
      {
        request: `POST ${SESSIONS}`,
        status: 422,
        findings: [
          expect.objectContaining({ location: ['request', 'body', 'imsSessionInfo', 'callingParty'], severity: 'Error', code: 'pattern' }),
        ],
      },
    ]);
  });

  it('records a response body that breaks the schema, which Prism turns into a 500', async () => {
    upstream.answer = {
      status: 201,
      headers: { location: created.self },
      body: { ...created, imsSessionInfo: { callingParty: parties.callingParty, sessionId: 's-1', sessionState: 42 } },
    };
    const response = await post(valid);
    expect(response.status).toBe(500);
    expect(upstream.received).toEqual([`POST ${SESSIONS}`]);
    const [violation] = prism.takeViolations();
    expect(violation?.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          location: ['response', 'body', 'imsSessionInfo'],
          code: 'required',
          message: expect.stringContaining('calledParty'),
        }),
        expect.objectContaining({ location: ['response', 'body', 'imsSessionInfo', 'sessionState'], code: 'type' }),
      ]),
    );
  });

  it('records a response without the Location header the 201 requires', async () => {
    upstream.answer = { status: 201, body: created };
    await post(valid);
    expect(prism.takeViolations()).toEqual([
      expect.objectContaining({
        findings: [expect.objectContaining({ location: ['response', 'header'], message: expect.stringMatching(/location/i) })],
      }),
    ]);
  });

  it('records an upstream 501, which Prism hides behind a mocked response', async () => {
    upstream.answer = { status: 501, body: { status: 501, cause: 'NOT_IMPLEMENTED' } };
    const response = await fetch(`${prism.origin}${SESSIONS}/s-1`, { method: 'DELETE' });
    expect(response.status).not.toBe(501);
    const seen: PrismViolation[] = [];
    await vi.waitFor(() => {
      seen.push(...prism.takeViolations());
      expect(seen).toContainEqual(expect.objectContaining({ request: `? ${SESSIONS}/s-1`, status: 501 }));
    });
  });

  it('fails the test that caused a violation, quoting Prism', async () => {
    await post({ ...valid, notifUri: 7 });
    expect(() => prism.assertNoViolations()).toThrowError(
      /Prism found 1 contract violation\(s\):\n {2}POST \/mmtel-callcontrol\/v1\/ims-sessions -> 422 request\.body\.notifUri: Request body property notifUri must be string \(type\)/,
    );
  });
});
