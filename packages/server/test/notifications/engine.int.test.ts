import { describe, expect, test } from 'vitest';
import { NotificationEngine, NotificationQueue, NotificationSchemaError } from '../../src/notifications/index.js';
import {
  callEventNotification,
  closedPort,
  imsNotification,
  json,
  recordingLogger,
  settled,
  startEngine,
  startReceiver,
  tagOf,
  tempStore,
  testPolicy,
  waitFor,
} from './support.js';

describe('NotificationEngine', () => {
  test('delivers a notification with a JSON POST answered 204', async () => {
    const receiver = await startReceiver();
    const { engine, queue, store, metrics } = await startEngine();
    const notification = imsNotification('s1', receiver.url('/notify'));
    const [entry] = await queue.enqueue([notification]);

    const done = await settled(store, entry!.id, engine);

    expect(done).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 204 });
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/notify', body: notification.body });
    expect(receiver.requests[0]!.headers['content-type']).toBe('application/json');
    expect(metrics.calls).toEqual([['delivered', 'imsSessionNotification', expect.any(Number)]]);
  });

  test("keeps a session's order while its head is in backoff, and other sessions proceed", async () => {
    const receiver = await startReceiver((_request, res, index) => {
      if (_request.path === '/a' && index < 2) return json(res, 503, { status: 503, cause: 'NF_CONGESTION' });
      res.writeHead(204).end();
    });
    const { engine, queue, store } = await startEngine();
    const entries = await queue.enqueue([
      imsNotification('a', receiver.url('/a'), 'a1'),
      imsNotification('a', receiver.url('/a'), 'a2'),
      imsNotification('a', receiver.url('/a'), 'a3'),
      imsNotification('b', receiver.url('/b'), 'b1'),
      imsNotification('b', receiver.url('/b'), 'b2'),
      imsNotification('b', receiver.url('/b'), 'b3'),
    ]);
    for (const entry of entries) await settled(store, entry.id, engine);

    expect(receiver.on('/a').map(tagOf)).toEqual(['a1', 'a1', 'a1', 'a2', 'a3']);
    expect(receiver.on('/b').map(tagOf)).toEqual(['b1', 'b2', 'b3']);
    const a1Delivered = receiver.on('/a')[2]!.at;
    expect(receiver.on('/b').every((request) => request.at < a1Delivered)).toBe(true);
  });

  test('retries after a 503 and then delivers', async () => {
    const receiver = await startReceiver((_request, res, index) => {
      if (index === 0) return json(res, 503, { status: 503, cause: 'NF_CONGESTION' });
      res.writeHead(204).end();
    });
    const { engine, queue, store, metrics } = await startEngine();
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204 });
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]!.raw).toBe(receiver.requests[0]!.raw);
    expect(metrics.calls.map(([hook, , value]) => [hook, typeof value === 'string' ? value : 'ms'])).toEqual([
      ['retried', 'http_503'],
      ['delivered', 'ms'],
    ]);
  });

  test('waits as long as the Retry-After of a 429 asks', async () => {
    const receiver = await startReceiver((_request, res, index) => {
      if (index === 0) return json(res, 429, { status: 429, cause: 'NF_CONGESTION_RISK' }, { 'retry-after': '1' });
      res.writeHead(204).end();
    });
    // The backoff alone would retry within 100 ms.
    const { engine, queue, store } = await startEngine({ policy: { maxBackoffMs: 100 } });
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', attempts: 2 });
    const gap = receiver.requests[1]!.at - receiver.requests[0]!.at;
    expect(gap).toBeGreaterThanOrEqual(980);
    expect(gap).toBeLessThan(2_000);
  });

  test('backs off exponentially while the receiver refuses connections', async () => {
    const port = await closedPort();
    const { engine, queue, store, logger, metrics } = await startEngine({
      policy: { initialBackoffMs: 20, maxBackoffMs: 1_000, maxAttempts: 5 },
    });
    const enqueuedAt = performance.now();
    const [entry] = await queue.enqueue([imsNotification('s1', `http://127.0.0.1:${port}/n`)]);

    const done = await settled(store, entry!.id, engine);

    expect(done).toMatchObject({ state: 'failed', attempts: 5 });
    expect(done.lastError).toMatch(/ECONNREFUSED/);
    const retries = logger.lines.filter((line) => line.msg === 'notification attempt failed, retrying');
    expect(retries.map((line) => line.obj['retryInMs'])).toEqual([20, 40, 80, 160]);
    expect(retries.map((line) => line.obj['reason'])).toEqual(Array(4).fill('connection_error'));
    // The delays were waited out: the last failure came no earlier than their sum after the
    // enqueue. (Log lines are written after each outcome's commit, so the gap between two of them
    // also shrinks by a slow commit; only the total is a sound lower bound.)
    const lastFailure = logger.lines.filter((line) => line.level === 'warn').at(-1)!;
    expect(lastFailure.at - enqueuedAt).toBeGreaterThanOrEqual(20 + 40 + 80 + 160 - 2);
    expect(metrics.calls.at(-1)).toEqual(['failed', 'imsSessionNotification', 'max_attempts']);
  });

  test('retries an attempt that times out', async () => {
    // The first request is never answered.
    const receiver = await startReceiver((_request, res, index) => void (index > 0 && res.writeHead(204).end()));
    // undici's timers tick every ~0.5 s: the 100 ms timeout fires within a second.
    const { engine, queue, store, metrics } = await startEngine({ policy: { timeoutMs: 100 } });
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(receiver.requests).toHaveLength(2);
    expect(metrics.calls[0]).toEqual(['retried', 'imsSessionNotification', 'timeout']);
  });

  test.each([
    [
      'the maximum number of attempts',
      { policy: { maxAttempts: 3 }, attempts: 3, reason: 'max_attempts', error: /gave up after 3 attempts; last: HTTP 500/ },
    ],
    // Given up when the next retry would pass the budget, or, when a slow machine claims the entry
    // late, when the claimed entry is already older than the budget: both record the last error.
    [
      'the age budget',
      {
        policy: { maxAttempts: 100, maxAgeMs: 150 },
        attempts: undefined,
        reason: 'max_age',
        error: /(150 ms budget|older than 150 ms); last: HTTP 500/,
      },
    ],
  ])('gives up after %s and records why', async (_name, { policy, attempts, reason, error }) => {
    const receiver = await startReceiver((_request, res) => json(res, 500, { status: 500, cause: 'SYSTEM_FAILURE' }));
    const { engine, queue, store, metrics } = await startEngine({ policy });
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);

    const done = await settled(store, entry!.id, engine);

    expect(done).toMatchObject({ state: 'failed', lastStatus: 500 });
    expect(done.lastError).toMatch(error);
    if (attempts !== undefined) expect(done.attempts).toBe(attempts);
    expect(receiver.requests).toHaveLength(done.attempts);
    expect(metrics.calls.at(-1)).toEqual(['failed', 'imsSessionNotification', reason]);
  });

  test('re-sends the same body to the Location of a 307 and keeps the stored target', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/old') return void res.writeHead(307, { location: receiver.url('/new') }).end();
      res.writeHead(204).end();
    });
    const { engine, queue, store, permanentRedirects, metrics } = await startEngine();
    const [first, second] = await queue.enqueue([
      imsNotification('s1', receiver.url('/old'), 'n1'),
      imsNotification('s1', receiver.url('/old'), 'n2'),
    ]);
    await settled(store, first!.id, engine);
    await settled(store, second!.id, engine);

    expect(receiver.requests.map((r) => [r.path, tagOf(r)])).toEqual([
      ['/old', 'n1'],
      ['/new', 'n1'],
      ['/old', 'n2'],
      ['/new', 'n2'],
    ]);
    expect(receiver.requests[1]!.raw).toBe(receiver.requests[0]!.raw);
    expect(permanentRedirects).toEqual([]);
    expect(metrics.calls.filter(([hook]) => hook === 'redirected')).toEqual([
      ['redirected', 'imsSessionNotification', 307],
      ['redirected', 'imsSessionNotification', 307],
    ]);
  });

  test('re-sends after a 308 and sends the later notifications to the new URI', async () => {
    const receiver = await startReceiver((request, res, index) => {
      if (request.path === '/old') return void res.writeHead(308, { location: '/new' }).end();
      // Hold the first delivery so that the later notifications are still pending when it ends.
      if (index === 0) return void setTimeout(() => res.writeHead(204).end(), 50);
      res.writeHead(204).end();
    });
    const { engine, queue, store, permanentRedirects } = await startEngine();
    const entries = await queue.enqueue(['n1', 'n2', 'n3'].map((tag) => imsNotification('s1', receiver.url('/old'), tag)));
    for (const entry of entries) await settled(store, entry.id, engine);

    expect(receiver.requests.map((r) => [r.path, tagOf(r)])).toEqual([
      ['/old', 'n1'],
      ['/new', 'n1'],
      ['/new', 'n2'],
      ['/new', 'n3'],
    ]);
    expect(receiver.requests[1]!.raw).toBe(receiver.requests[0]!.raw);
    expect(permanentRedirects).toHaveLength(1);
    expect(permanentRedirects[0]!.entry.id).toBe(entries[0]!.id);
    expect(permanentRedirects[0]!.newTarget).toBe(receiver.url('/new'));
    for (const entry of entries) expect((await store.outbox.get(entry.id))?.target).toBe(receiver.url('/new'));
  });

  test('follows a CallEvent 307 that carries a RedirectResponse body', async () => {
    const receiver = await startReceiver((request, res) => {
      if (request.path === '/old') {
        return json(res, 307, { cause: 'TEMPORARY_REDIRECT', targetScp: receiver.origin }, { location: receiver.url('/new') });
      }
      res.writeHead(204).end();
    });
    const { engine, queue, store, metrics } = await startEngine();
    const notification = callEventNotification('s1', receiver.url('/old'));
    const [entry] = await queue.enqueue([notification]);

    expect(await settled(store, entry!.id, engine)).toMatchObject({ state: 'delivered', target: receiver.url('/new'), lastStatus: 204 });
    expect(receiver.on('/new').map((r) => r.body)).toEqual([notification.body]);
    expect(metrics.calls[0]).toEqual(['redirected', 'sessionEventNotification', 307]);
  });

  test('fails without retrying after more than 3 redirects', async () => {
    const receiver = await startReceiver((request, res) => {
      const hop = Number(request.path.slice(1));
      res.writeHead(307, { location: `/${hop + 1}` }).end();
    });
    const { engine, queue, store, metrics } = await startEngine();
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/0'))]);

    const done = await settled(store, entry!.id, engine);

    expect(done).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 307 });
    expect(done.lastError).toMatch(/more than 3 redirects/);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/0', '/1', '/2', '/3']);
    expect(metrics.calls.at(-1)).toEqual(['failed', 'imsSessionNotification', 'too_many_redirects']);
  });

  test.each(['USER_NOT_FOUND', 'NOTIFICATION_URI_NOT_FOUND'])('does not retry a 404 with cause %s and records the cause', async (cause) => {
    const receiver = await startReceiver((_request, res) =>
      json(res, 404, { status: 404, cause }, { 'content-type': 'application/problem+json' }),
    );
    const { engine, queue, store, metrics } = await startEngine();
    const [entry] = await queue.enqueue([callEventNotification('s1', receiver.url('/n'))]);

    const done = await settled(store, entry!.id, engine);

    expect(done).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 404 });
    expect(done.lastError).toContain(cause);
    expect(receiver.requests).toHaveLength(1);
    expect(metrics.calls).toEqual([['failed', 'sessionEventNotification', cause]]);
  });

  test('rejects an invalid body at enqueue with invalidParams and enqueues nothing', async () => {
    const { queue, store } = await startEngine();
    const valid = imsNotification('s1', 'http://127.0.0.1:9/n');
    const invalid = { ...valid, body: { session: 'http://127.0.0.1/s1', eventReports: [] } };

    const rejection = queue.enqueue([valid, invalid]);

    await expect(rejection).rejects.toBeInstanceOf(NotificationSchemaError);
    await expect(rejection).rejects.toMatchObject({ index: 1, invalidParams: [{ param: '/eventReports', reason: expect.any(String) }] });
    expect(await store.outbox.depth()).toBe(0);
  });

  test('stop() leaves the pending notifications, and another engine on the same store delivers them', async () => {
    const receiver = await startReceiver((_request, res) => void setTimeout(() => res.writeHead(204).end(), 30));
    const store = await tempStore();
    const queue = new NotificationQueue(store.outbox);
    const first = new NotificationEngine({
      store,
      queue,
      instanceId: 'first',
      logger: recordingLogger(),
      policy: { ...testPolicy, concurrency: 1 },
      onPermanentRedirect: async () => {},
    });
    first.start();
    const entries = await queue.enqueue(['n1', 'n2', 'n3', 'n4', 'n5'].map((tag) => imsNotification('s1', receiver.url('/n'), tag)));
    await waitFor(() => receiver.requests.length > 0);

    await first.stop();

    const pending = await store.outbox.list({ state: 'pending' });
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((entry) => entry.leaseOwner === undefined)).toBe(true);
    const { store: same } = await startEngine({ store, instanceId: 'second' });
    for (const entry of entries) await settled(same, entry.id);
    expect(receiver.requests.map(tagOf)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
  });

  test('whenIdle() resolves once everything due is delivered', async () => {
    const receiver = await startReceiver();
    const { engine, queue, store } = await startEngine();
    await queue.enqueue(Array.from({ length: 50 }, (_, i) => imsNotification(`s${i % 5}`, receiver.url('/n'))));

    await engine.whenIdle();

    expect(await store.outbox.depth()).toBe(0);
    expect(receiver.requests).toHaveLength(50);
  });
});
