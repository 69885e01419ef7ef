import { describe, expect, it } from 'vitest';
import { deliveryLine } from '../../src/notifications/delivery-line.js';
import { imsNotification, json, recordingLogger, settled, startEngine, startReceiver } from './support.js';

describe('the delivery log', () => {
  it('logs a delivered notification at info in one readable line when asked (development)', async () => {
    const receiver = await startReceiver();
    const { engine, queue, store, logger } = await startEngine({ deliveredLogLevel: 'info' });
    const target = receiver.url('/ims-session-notification');
    const [entry] = await queue.enqueue([imsNotification('s1', target)]);
    await settled(store, entry!.id, engine);

    const delivered = logger.lines.filter((line) => line.msg === 'notification delivered');
    expect(delivered.map((line) => line.level)).toEqual(['info']);
    expect(delivered[0]!.obj['line']).toMatch(
      new RegExp(`^imsSessionNotification → ${target.replaceAll('.', '\\.')}: 204 delivered \\(attempt 1, \\d+ ms\\)$`),
    );
    expect(delivered[0]!.obj['latencyMs']).toEqual(expect.any(Number));
  });

  it('keeps a delivered notification at debug by default (production)', async () => {
    const receiver = await startReceiver();
    const { engine, queue, store, logger } = await startEngine();
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);
    await settled(store, entry!.id, engine);
    expect(logger.lines.filter((line) => line.msg === 'notification delivered').map((line) => line.level)).toEqual(['debug']);
  });

  it('records a delivered notification without a line when the logger does not write its level', async () => {
    const receiver = await startReceiver();
    const atInfo = Object.assign(recordingLogger(), { isLevelEnabled: (level: string) => level !== 'debug' });
    const { engine, queue, store, metrics } = await startEngine({ logger: atInfo });
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);
    await settled(store, entry!.id, engine);
    expect(await store.outbox.get(entry!.id)).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 204 });
    expect(metrics.calls.map(([hook]) => hook)).toEqual(['delivered']);
    expect(atInfo.lines).toEqual([]);
  });

  it('tells a retried attempt in one line with its status, delay and error', async () => {
    const receiver = await startReceiver((_request, res, index) => {
      if (index === 0) return json(res, 503, { status: 503, cause: 'NF_CONGESTION' });
      res.writeHead(204).end();
    });
    const { engine, queue, store, logger } = await startEngine({ deliveredLogLevel: 'info' });
    const [entry] = await queue.enqueue([imsNotification('s1', receiver.url('/n'))]);
    await settled(store, entry!.id, engine);
    const retry = logger.lines.find((line) => line.msg === 'notification attempt failed, retrying');
    expect(retry?.obj['line']).toMatch(
      /^imsSessionNotification → http:\/\/127\.0\.0\.1:\d+\/n: 503 retrying in \d+ ms \(attempt 1, \d+ ms\): /,
    );
  });

  it.each([
    [
      'a delivery',
      {
        callback: 'imsSessionNotification',
        target: 'http://as.example.com/n',
        status: 204,
        attempt: 1,
        latencyMs: 12.4,
        outcome: 'delivered',
      },
      'imsSessionNotification → http://as.example.com/n: 204 delivered (attempt 1, 12 ms)',
    ],
    [
      'a refusal that is not retried',
      {
        callback: 'sessionEventNotification',
        target: 'http://as.example.com/e',
        status: 404,
        attempt: 2,
        latencyMs: 3,
        outcome: 'failed',
        error: 'USER_NOT_FOUND',
      },
      'sessionEventNotification → http://as.example.com/e: 404 failed (attempt 2, 3 ms): USER_NOT_FOUND',
    ],
    [
      'a notification given up without an answer',
      {
        callback: 'imsSessionNotification',
        target: 'http://as.example.com/n',
        attempt: 10,
        outcome: 'given up',
        error: 'gave up after 10 attempts',
      },
      'imsSessionNotification → http://as.example.com/n: given up (attempt 10): gave up after 10 attempts',
    ],
  ] as const)('words %s', (_name, report, want) => {
    expect(deliveryLine(report)).toBe(want);
  });
});
