import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import {
  NotificationEngine,
  NotificationQueue,
  type DeliveryPolicy,
  type EngineLogger,
  type EngineMetrics,
  type NotificationEngineOptions,
} from '../../src/notifications/index.js';
import { openLmdbStore } from '../../src/store/lmdb/lmdb-store.js';
import type { NewNotification, OutboxEntry, Store } from '../../src/store/store.js';

/** One request as an AS receiver saw it. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body bytes, as text. */
  raw: string;
  body: unknown;
  /** performance.now() when the request was complete. */
  at: number;
}

/** Answers one request; `index` counts the requests to the same path, from 0. */
export type Respond = (request: Received, res: ServerResponse, index: number) => void;

/** A loopback AS notification receiver (node:http on 127.0.0.1, port 0). */
export interface Receiver {
  readonly origin: string;
  readonly requests: Received[];
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  url(path: string): string;
  on(path: string): Received[];
}

/** Answers 204 No Content. */
export const noContent: Respond = (_request, res) => {
  res.writeHead(204).end();
};

/** Sends a JSON body with the given status. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}

/** Starts a receiver that is closed when the test ends; `host` is a loopback address (127.0.0.1 by default). */
export async function startReceiver(respond: Respond = noContent, { host = '127.0.0.1' }: { host?: string } = {}): Promise<Receiver> {
  const requests: Received[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const path = req.url ?? '/';
      const received: Received = { method: req.method ?? '', path, headers: req.headers, raw, body, at: performance.now() };
      requests.push(received);
      const index = counts.get(path) ?? 0;
      counts.set(path, index + 1);
      respond(received, res, index);
    });
  });
  let connections = 0;
  server.on('connection', () => void (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    origin,
    requests,
    connections: () => connections,
    url: (path) => `${origin}${path}`,
    on: (path) => requests.filter((r) => r.path === path),
  };
}

/** A port on 127.0.0.1 that nothing listens on (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An LMDB store in a fresh temporary directory, removed when the test ends. */
export async function tempStore(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-notif-'));
  const store = await openLmdbStore({ path: dir });
  onTestFinished(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return store;
}

/** Tiny timings, so that retries and give-ups happen within milliseconds. */
export const testPolicy: DeliveryPolicy = {
  timeoutMs: 150,
  initialBackoffMs: 20,
  maxBackoffMs: 100,
  maxAttempts: 5,
  maxAgeMs: 10_000,
  maxRedirects: 3,
  concurrency: 8,
  pollIntervalMs: 50,
  leaseMs: 5_000,
};

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
  /** performance.now() when logged. */
  at: number;
}

/** A logger that keeps what it is given. */
export function recordingLogger(): EngineLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg, at: performance.now() });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Metrics hooks that keep their calls. */
export function recordingMetrics(): EngineMetrics & { calls: [hook: keyof EngineMetrics, callback: string, value: string | number][] } {
  const calls: [keyof EngineMetrics, string, string | number][] = [];
  return {
    calls,
    delivered: (callback, ms) => calls.push(['delivered', callback, ms]),
    retried: (callback, reason) => calls.push(['retried', callback, reason]),
    failed: (callback, reason) => calls.push(['failed', callback, reason]),
    redirected: (callback, status) => calls.push(['redirected', callback, status]),
  };
}

/** An engine on `store` (a fresh LMDB store by default) and the queue that wakes it, stopped when the test ends. */
export async function startEngine(options: Partial<Omit<NotificationEngineOptions, 'policy'>> & { policy?: Partial<DeliveryPolicy> } = {}) {
  const store = options.store ?? (await tempStore());
  const queue = options.queue ?? new NotificationQueue(store.outbox);
  const logger = recordingLogger();
  const metrics = recordingMetrics();
  const permanentRedirects: { entry: OutboxEntry; newTarget: string }[] = [];
  const engine = new NotificationEngine({
    instanceId: 'test-instance',
    logger,
    metrics,
    random: () => 1,
    onPermanentRedirect: async (entry, newTarget) => {
      permanentRedirects.push({ entry, newTarget });
    },
    ...options,
    store,
    queue,
    policy: { ...testPolicy, ...options.policy },
  });
  engine.start();
  onTestFinished(() => engine.stop());
  return { engine, queue, store, logger, metrics, permanentRedirects };
}

let counter = 0;

/** A valid MMTel_CallControl notification of `sessionId`; `tag` travels in notifCorreId. */
export function imsNotification(sessionId: string, target: string, tag: string = String(++counter)): NewNotification {
  return {
    stream: `session:${sessionId}`,
    callback: 'imsSessionNotification',
    target,
    sessionId,
    body: {
      session: `http://127.0.0.1/mmtel-callcontrol/v1/ims-sessions/${sessionId}`,
      sessionId,
      notifCorreId: tag,
      eventReports: [{ event: 'SESSION_ESTABLISHMENT_SUCCESS', timeStamp: '2025-06-01T12:00:00Z', sessionState: 'ESTABLISHED' }],
    },
  };
}

/** A valid MMTel_CallEvent notification. */
export function callEventNotification(sessionId: string, target: string): NewNotification {
  return {
    stream: 'callevent',
    callback: 'sessionEventNotification',
    target,
    sessionId,
    body: {
      notificationEvent: { eventType: 'SESSION_ESTABLISHMENT_REQUEST', eventInitiator: 'SERVED_IMS_SUBSCRIBER' },
      sessionId,
      sessionInfo: {
        callingIdentity: 'sip:alice@ims.example.com',
        calledIdentity: 'tel:+4930123456',
        sessionCase: 'ORIGINATING_IMS_SESSION',
      },
    },
  };
}

/** The notifCorreId tag of a received CallControl notification. */
export function tagOf(request: Received): string | undefined {
  return (request.body as { notifCorreId?: string } | undefined)?.notifCorreId;
}

/** Polls `condition` until it holds, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits until the entry is delivered or failed, and returns it; with `engine`, also until the
 * engine is idle (its metrics and logs of the attempt are then complete).
 */
export async function settled(store: Store, id: string, engine?: NotificationEngine, timeoutMs = 5_000): Promise<OutboxEntry> {
  let entry: OutboxEntry | undefined;
  await waitFor(
    async () => {
      entry = await store.outbox.get(id);
      return entry !== undefined && entry.state !== 'pending';
    },
    timeoutMs,
    `notification ${id} to settle`,
  );
  await engine?.whenIdle();
  return entry!;
}
