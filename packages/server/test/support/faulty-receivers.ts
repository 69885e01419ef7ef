import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drawFor } from './seeded-random.js';
import { tagOf } from './tagged-notifications.js';

/** How a receiver answers one request. */
export type Fault =
  /** 204 (after `okDelayMs`). */
  | 'ok'
  /** 500, 502 or 503. */
  | 'error'
  /** 429 with `Retry-After: 1`. */
  | 'throttle'
  /** 307 to another receiver. */
  | 'redirect'
  /** 308 to another receiver. */
  | 'moved'
  /** 204, but only after `slowMs` (longer than the server's notification timeout). */
  | 'slow'
  /** The connection is destroyed without an answer. */
  | 'reset'
  /** The connection is destroyed and the receiver stops listening for `downMs`, then listens again on its port. */
  | 'down';

export const FAULTS: readonly Fault[] = ['ok', 'error', 'throttle', 'redirect', 'moved', 'slow', 'reset', 'down'];

/** One request as a receiver saw it, and what it answered. */
export interface Arrival {
  /** Stream and seq of a tagged notification (see tagged-notifications.ts); the raw body otherwise. */
  key: string;
  stream: string | undefined;
  seq: number | undefined;
  receiver: number;
  path: string;
  raw: string;
  fault: Fault;
  /** The status answered, if any. */
  status?: number;
  /** Answered 2xx at once: the sender has the acknowledgement. */
  acked: boolean;
  /** Date.now() when the request was complete. */
  at: number;
}

export interface FaultyReceiversOptions {
  count: number;
  /** Decides every answer together with the notification and the number of its earlier arrivals. */
  seed: number;
  /** Relative weight of each fault; absent ones never happen. */
  weights: Partial<Record<Fault, number>>;
  /** Delay of a `slow` answer; make it longer than MMTEL_NOTIFY_TIMEOUT_MS. */
  slowMs?: number;
  /** How long a receiver stays away after a `down`. */
  downMs?: number;
  /** Delay of an `ok` answer (a busy AS). */
  okDelayMs?: number;
  /** Consecutive redirects of one notification at most (the server's cap is 3). */
  maxRedirects?: number;
  /**
   * The first answer to some notifications, by draw key (see `label`), e.g. `session:s3#1`: makes
   * sure every fault happens whatever the seed.
   */
  scripted?: Record<string, Fault>;
}

/** Loopback AS receivers that fail in reproducible ways; all arrivals land in one log, in order. */
export interface FaultyReceivers {
  url(receiver: number, path?: string): string;
  readonly arrivals: Arrival[];
  /** How often each fault was answered. */
  counts(): Record<Fault, number>;
  /**
   * Names a session for the draws: session ids are random, labels are not, so that with labels
   * the same seed gives the same faults run after run.
   */
  label(sessionId: string, label: string): void;
  /** Closes every receiver. */
  close(): Promise<void>;
}

/**
 * Starts `count` receivers on loopback. The answer to a request is a pure function of the seed,
 * the notification and how many times it arrived before, so a seed replays the faults of a run
 * (timing still decides which notifications meet a receiver that is down).
 */
export async function startFaultyReceivers(options: FaultyReceiversOptions): Promise<FaultyReceivers> {
  const { count, seed, weights, slowMs = 1_000, downMs = 300, okDelayMs = 0, maxRedirects = 3, scripted = {} } = options;
  const table = FAULTS.filter((f) => (weights[f] ?? 0) > 0).map((f) => [f, weights[f]!] as const);
  const total = table.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) throw new Error('at least one fault needs a weight');
  const pick = (draw: number): Fault => {
    let left = draw * total;
    for (const [fault, weight] of table) {
      if (left < weight) return fault;
      left -= weight;
    }
    return table[table.length - 1]![0];
  };

  const arrivals: Arrival[] = [];
  const seen = new Map<string, number>();
  /** Redirects answered in a row per notification: one attempt's chain stays within the cap. */
  const chains = new Map<string, number>();
  const servers: Server[] = [];
  const ports: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const later = (ms: number, task: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };

  const labels = new Map<string, string>();
  const drawKey = (key: string) => key.replace(/(?<=:)[^#]+/, (sessionId) => labels.get(sessionId) ?? sessionId);

  const decide = (key: string): Fault => {
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    const named = drawKey(key);
    if (index === 0 && scripted[named] !== undefined) return scripted[named];
    const chain = chains.get(key) ?? 0;
    for (let round = 0; ; round++) {
      const fault = pick(drawFor(seed, named, index, round));
      if ((fault !== 'redirect' && fault !== 'moved') || chain < maxRedirects) return fault;
    }
  };

  const takeDown = (receiver: number) => {
    const server = servers[receiver]!;
    server.close();
    server.closeAllConnections();
    later(downMs, () => {
      if (!closed) server.listen(ports[receiver], '127.0.0.1');
    });
  };

  const handle = (receiver: number, req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const tag = tagOf(body);
    const key = tag?.key ?? `raw:${raw}`;
    const fault = decide(key);
    const arrival: Arrival = {
      key,
      stream: tag?.stream,
      seq: tag?.seq,
      receiver,
      path: req.url ?? '/',
      raw,
      fault,
      acked: false,
      at: Date.now(),
    };
    arrivals.push(arrival);
    if (fault !== 'redirect' && fault !== 'moved') chains.delete(key);
    const other = (receiver + 1 + Math.floor(drawFor(seed, drawKey(key), 'target', seen.get(key)!) * (count - 1))) % count;
    switch (fault) {
      case 'ok': {
        const answer = () => {
          // A sender killed meanwhile never gets the acknowledgement.
          if (res.destroyed) return;
          arrival.status = 204;
          arrival.acked = true;
          res.writeHead(204).end();
        };
        if (okDelayMs > 0) later(okDelayMs, answer);
        else answer();
        return;
      }
      case 'error': {
        const status = [500, 502, 503][Math.floor(drawFor(seed, drawKey(key), 'status', seen.get(key)!) * 3)]!;
        arrival.status = status;
        res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status, cause: 'SYSTEM_FAILURE' }));
        return;
      }
      case 'throttle':
        arrival.status = 429;
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      case 'redirect':
      case 'moved':
        chains.set(key, (chains.get(key) ?? 0) + 1);
        arrival.status = fault === 'redirect' ? 307 : 308;
        res.writeHead(arrival.status, { location: urlOf(other, fault === 'redirect' ? '/temporary' : '/moved') }).end();
        return;
      case 'slow':
        later(slowMs, () => {
          if (!res.destroyed) res.writeHead(204).end();
        });
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'down':
        req.socket.destroy();
        takeDown(receiver);
        return;
    }
  };

  const urlOf = (receiver: number, path = '/as') => `http://127.0.0.1:${ports[receiver]}${path}`;

  for (let receiver = 0; receiver < count; receiver++) {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(receiver, req, res, Buffer.concat(chunks).toString('utf8')));
    });
    // Coming back on its port can race with another process taking it: keep trying.
    server.on('error', () => later(50, () => !closed && !server.listening && server.listen(ports[receiver], '127.0.0.1')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }

  const close = async () => {
    if (closed) return;
    closed = true;
    for (const timer of timers) clearTimeout(timer);
    await Promise.all(
      servers.map((server) => {
        server.closeAllConnections();
        return new Promise((resolve) => (server.listening ? server.close(resolve) : resolve(undefined)));
      }),
    );
  };
  return {
    url: urlOf,
    arrivals,
    counts() {
      const counts = Object.fromEntries(FAULTS.map((f) => [f, 0])) as Record<Fault, number>;
      for (const arrival of arrivals) counts[arrival.fault] += 1;
      return counts;
    },
    label: (sessionId, label) => void labels.set(sessionId, label),
    close,
  };
}
