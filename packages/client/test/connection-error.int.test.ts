import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCallControlClient, MmtelConnectionError } from '../src/index.js';

const body = { afId: 'af-1', imsSessionInfo: { callingParty: 'tel:+1', calledParty: 'tel:+2' }, notifUri: 'http://as/n' };

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('a request that gets no answer', () => {
  it('fails with an error naming the method, the URL and the cause instead of "fetch failed"', async () => {
    const port = await closedPort();
    const client = createCallControlClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
    const failure = await client.releaseImsSession('s-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MmtelConnectionError);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).toBe(
      `DELETE http://127.0.0.1:${port}/mmtel-callcontrol/v1/ims-sessions/s-1 got no answer: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(failure).toMatchObject({ url: `http://127.0.0.1:${port}/mmtel-callcontrol/v1/ims-sessions/s-1`, method: 'DELETE' });
  });

  it('fails with an error naming the method and the URL when retries are on, after the last attempt', async () => {
    const port = await closedPort();
    const client = createCallControlClient({ baseUrl: `http://127.0.0.1:${port}`, retry: { baseDelayMs: 1 } });
    for (const [method, call] of [
      ['POST', () => client.createImsSession(body)],
      ['DELETE', () => client.releaseImsSession('s-1')],
    ] as const) {
      const failure = await call().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MmtelConnectionError);
      expect(failure).toMatchObject({ method, message: expect.stringContaining(`connect ECONNREFUSED 127.0.0.1:${port}`) as unknown });
    }
  });
});
