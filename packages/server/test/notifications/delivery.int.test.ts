import { describe, expect, onTestFinished, test } from 'vitest';
import { NotificationSender, type DeliveryOptions } from '../../src/notifications/index.js';
import { json, startReceiver } from './support.js';

function sender(options: Partial<DeliveryOptions> = {}): NotificationSender {
  const created = new NotificationSender({ timeoutMs: 500, maxRedirects: 3, ...options });
  onTestFinished(() => created.close());
  return created;
}

const body = JSON.stringify({ subscription: 'http://127.0.0.1/ims-sessions/s1' });

describe('NotificationSender', () => {
  test('calls checkTarget before every request, each redirect hop included', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/a') return void res.writeHead(307, { location: '/b' }).end();
      res.writeHead(204).end();
    });
    const checked: string[] = [];

    const outcome = await sender({ checkTarget: async (url) => void checked.push(url.pathname) }).send(receiver.url('/a'), body);

    expect(outcome.kind).toBe('delivered');
    expect(checked).toEqual(['/a', '/b']);
  });

  test('fails without retrying when checkTarget refuses a redirect hop', async () => {
    const receiver = await startReceiver((_request, res) => void res.writeHead(307, { location: 'http://169.254.169.254/latest' }).end());
    const checkTarget = async (url: URL): Promise<void> => {
      if (url.hostname !== '127.0.0.1') throw new Error(`${url.hostname} is not allowed`);
    };

    const outcome = await sender({ checkTarget }).send(receiver.url('/a'), body);

    expect(outcome).toMatchObject({ kind: 'failed', reason: 'target_rejected', target: 'http://169.254.169.254/latest' });
    expect(outcome.kind === 'failed' && outcome.error).toMatch(/169\.254\.169\.254 is not allowed/);
    expect(receiver.requests).toHaveLength(1);
  });

  test('reports where the last 308 of a chain pointed, after a later 307', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/a') return void res.writeHead(308, { location: '/b' }).end();
      if (request.path === '/b') return void res.writeHead(307, { location: '/c' }).end();
      res.writeHead(204).end();
    });

    const outcome = await sender().send(receiver.url('/a'), body);

    expect(outcome).toMatchObject({ kind: 'delivered', target: receiver.url('/c'), permanentTarget: receiver.url('/b') });
    expect(receiver.requests.map((r) => r.raw)).toEqual([body, body, body]);
  });

  test('records the cause of a CallEvent RedirectResponse', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/a')
        return json(res, 307, { cause: 'TEMPORARY_REDIRECT', targetScp: 'http://scp.example' }, { location: '/b' });
      res.writeHead(204).end();
    });

    const outcome = await sender().send(receiver.url('/a'), body);

    expect(outcome.redirects).toEqual([
      { status: 307, from: receiver.url('/a'), location: receiver.url('/b'), cause: 'TEMPORARY_REDIRECT' },
    ]);
  });

  test('fails without retrying on a redirect without Location', async () => {
    const receiver = await startReceiver((_request, res) => void res.writeHead(308).end());

    expect(await sender().send(receiver.url('/a'), body)).toMatchObject({
      kind: 'failed',
      reason: 'redirect_without_location',
      status: 308,
    });
  });

  test.each([
    [400, 'failed'],
    [403, 'failed'],
    [500, 'retry'],
    [502, 'retry'],
  ])('classifies HTTP %i as %s', async (status, kind) => {
    const receiver = await startReceiver((_request, res) => json(res, status, { status }));

    expect(await sender().send(receiver.url('/a'), body)).toMatchObject({ kind, reason: `http_${status}`, status });
  });

  test('reuses one kept-alive connection for successive notifications, error answers included', async () => {
    const receiver = await startReceiver((_request, res, index) =>
      index % 2 === 0
        ? json(res, 404, { status: 404, cause: 'USER_NOT_FOUND' }, { 'content-type': 'application/problem+json' })
        : res.writeHead(204).end(),
    );
    const client = sender();

    for (let i = 0; i < 20; i += 1) await client.send(receiver.url('/a'), body);

    expect(receiver.requests).toHaveLength(20);
    // undici may open a second socket while the first is being released after its first answer.
    expect(receiver.connections()).toBeLessThanOrEqual(2);
  });
});
