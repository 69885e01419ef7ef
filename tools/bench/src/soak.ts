/**
 * `pnpm soak`: a bounded loopback soak of the reference server. The server runs as a child process
 * (`node --import tsx packages/server/src/main.ts`, embedded LMDB store, production profile); this
 * process drives it at a fixed request rate with IMS session creates and releases, each session
 * sending its three scenario notifications (answer: progress, alerting, success) to a loopback AS
 * receiver here, and samples the server's resident memory (VmRSS in /proc/<pid>/status) each second.
 *
 *   pnpm soak [--rate 200] [--duration 60] [--warmup 25] [--hold 1000] [--tolerance 0.10] [--gc-every 5] [--json FILE]
 *
 * --rate: HTTP requests per second, creates and releases together (rate/2 sessions per second);
 * open loop: a slow answer does not slow the schedule. --hold: ms between a session's 201 and its
 * DELETE.
 *
 * Warm-up (--warmup, seconds from the first request): excluded from the memory verdict; it covers
 * the JIT, the connection pools, the LMDB map and the outbox filling up to its steady state
 * (delivered notifications are kept 5 s, pruned every 5 s), and most of V8 shrinking the heap it
 * grew at start-up over its first forced collections (RSS settled 25-35 s into the runs measured).
 *
 * --gc-every: the server runs with its inspector on loopback and is asked for a full garbage
 * collection every so many seconds (0: never). Left alone, V8 grows its heap for about the first
 * minute at 200 req/s before its first mark-compact (RSS climbs ~45 MB/min, then falls back), so a
 * one-minute run would measure V8's heap sizing rather than what the server retains.
 *
 * Passes (exit 0) when there were no errors (a non-2xx answer, a request without answer, a
 * notification given up, delivered but not received, or left in the outbox after a 30 s drain) and
 * memory is stable. RSS is a sawtooth (allocation, then collection), so the run after the warm-up
 * is cut into 5 s windows and each is summed up by its median RSS; memory is stable when no window
 * is more than --tolerance (10%) above any earlier window. Growth fails; memory handed back later
 * (V8 shrinking the heap it grew at start-up, which under load can take past the warm-up) is only
 * reported. Exit 1 otherwise; 2 on bad flags. Not part of CI (it runs for a minute on purpose).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Agent, request, WebSocket } from 'undici';
import { quantile } from './stats.js';

const SERVER_DIR = fileURLToPath(new URL('../../../packages/server/', import.meta.url));
const TSX = import.meta.resolve('tsx');
const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
/** Notifications of the `answer` scenario per session. */
const NOTIFICATIONS_PER_SESSION = 3;
const RETENTION_MS = 5_000;
const SAMPLE_MS = 1_000;
/** Memory is judged by the median of each window of this length after the warm-up. */
const WINDOW_MS = 5_000;
/** Requests allowed in flight before the schedule counts a request as an error instead of sending it. */
const MAX_IN_FLIGHT = 2_000;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`soak: ${message}\n`);
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        rate: { type: 'string', default: '200' },
        duration: { type: 'string', default: '60' },
        warmup: { type: 'string', default: '25' },
        hold: { type: 'string', default: '1000' },
        tolerance: { type: 'string', default: '0.10' },
        'gc-every': { type: 'string', default: '5' },
        json: { type: 'string' },
      },
    }).values;
  } catch (error) {
    fail((error as Error).message);
  }
  const number = (name: keyof typeof parsed, min: number) => {
    const value = Number(parsed[name]);
    if (!Number.isFinite(value) || value < min) fail(`--${name} must be a number ≥ ${min}, not ${parsed[name]}`);
    return value;
  };
  const o = {
    rate: number('rate', 2),
    durationS: number('duration', 1),
    warmupS: number('warmup', 0),
    holdMs: number('hold', 0),
    tolerance: number('tolerance', 0),
    gcEveryS: number('gc-every', 0),
    json: parsed.json,
  };
  if (o.warmupS + (2 * WINDOW_MS) / 1000 > o.durationS)
    fail(`--duration (${o.durationS} s) must be at least --warmup plus ${(2 * WINDOW_MS) / 1000} s`);
  return o;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Resident memory of a process, from /proc (Linux): total, anonymous (heap and such) and file-backed (mapped files, LMDB), in bytes. */
async function residentMemory(pid: number): Promise<{ rss: number; anon: number; file: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kB('VmRSS'), anon: kB('RssAnon'), file: kB('RssFile') };
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

/** Asks the V8 of another process for a full garbage collection, through its inspector (Chrome DevTools Protocol). */
async function connectCollector(inspectorUrl: string): Promise<{ collect(): Promise<void>; close(): void }> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error(`cannot connect to the server's inspector at ${inspectorUrl}`)), {
      once: true,
    });
  });
  const waiting = new Map<number, () => void>();
  socket.addEventListener('message', (event) => {
    const { id } = JSON.parse(String(event.data)) as { id?: number };
    if (id !== undefined) waiting.get(id)?.();
    if (id !== undefined) waiting.delete(id);
  });
  let next = 0;
  return {
    collect: () =>
      new Promise<void>((resolve) => {
        const id = ++next;
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method: 'HeapProfiler.collectGarbage' }));
      }),
    close: () => socket.close(),
  };
}

/** Least-squares slope of (t, y), in y units per minute. */
function slopePerMinute(points: { t: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.t - mt) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60_000;
}

/** The value of a Prometheus metric in the text format, summed over its label sets (those containing `labels`, if given). */
function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))) {
    if ((match[1] ?? '').includes(labels)) sum += Number(match[2]);
  }
  return sum;
}

async function main(): Promise<void> {
  const o = options();
  const [port, asPort] = [await freePort(), await freePort()];
  const apiRoot = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-soak-'));

  let received = 0;
  const receiver = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(asPort, '127.0.0.1', resolve));

  // The inspector (loopback, a free port) lets this process ask for full collections (--gc-every).
  const server = spawn(process.execPath, [...(o.gcEveryS > 0 ? ['--inspect=127.0.0.1:0'] : []), '--import', TSX, 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      MMTEL_DATA_DIR: dataDir,
      MMTEL_PROFILE: 'production',
      MMTEL_ALLOW_PRIVATE_TARGETS: 'true',
      MMTEL_SIM_SCENARIO: 'answer',
      MMTEL_SIM_STEP_MS: '0',
      MMTEL_NOTIFY_RETENTION_MS: String(RETENTION_MS),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverOutput = '';
  const keep = (chunk: Buffer) => {
    serverOutput = (serverOutput + chunk.toString()).slice(-20_000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const cleanup = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    for (const until = Date.now() + 60_000; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${serverOutput}`);
      const ready = await fetch(`${apiRoot}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > until) throw new Error(`the server was not ready after 60 s:\n${serverOutput}`);
    }
    const pid = server.pid!;
    let collector: Awaited<ReturnType<typeof connectCollector>> | undefined;
    if (o.gcEveryS > 0) {
      const url = /Debugger listening on (ws:\/\/\S+)/.exec(serverOutput)?.[1];
      if (url === undefined) throw new Error(`the server did not print its inspector URL:\n${serverOutput}`);
      collector = await connectCollector(url);
    }
    print(
      `soak: ${o.rate} req/s (creates + releases) for ${o.durationS} s, sessions held ${o.holdMs} ms, warm-up ${o.warmupS} s; server pid ${pid}, Node ${process.version}, ${availableParallelism()} cores, load ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );

    const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
    const body = JSON.stringify({
      afId: 'default',
      imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
      notifUri: `http://127.0.0.1:${asPort}/as`,
    });
    const answers = new Map<string, number>();
    const latencies = { create: [] as number[], release: [] as number[] };
    let inFlight = 0;
    let created = 0;
    let skipped = 0;
    const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);

    const send = async (method: 'POST' | 'DELETE', path: string): Promise<{ status: number; json: unknown } | undefined> => {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped += 1;
        count('skipped (too many in flight)');
        return undefined;
      }
      inFlight += 1;
      const started = performance.now();
      try {
        const response = await request(apiRoot + path, {
          method,
          dispatcher: agent,
          ...(method === 'POST' && { body, headers: { 'content-type': 'application/json' } }),
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const text = await response.body.text();
        count(String(response.statusCode));
        (method === 'POST' ? latencies.create : latencies.release).push(performance.now() - started);
        return { status: response.statusCode, json: text === '' ? undefined : JSON.parse(text) };
      } catch (error) {
        count(`transport ${(error as { code?: string }).code ?? (error as Error).message}`);
        return undefined;
      } finally {
        inFlight -= 1;
      }
    };

    const pending = new Set<Promise<unknown>>();
    const track = (promise: Promise<unknown>) => {
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
    };
    const cycle = async () => {
      const answer = await send('POST', SESSIONS);
      if (answer?.status !== 201) return;
      created += 1;
      const { sessionId } = (answer.json as { imsSessionInfo: { sessionId: string } }).imsSessionInfo;
      await new Promise((resolve) => setTimeout(resolve, o.holdMs));
      await send('DELETE', `${SESSIONS}/${sessionId}`);
    };

    const samples: { t: number; rss: number; anon: number; file: number; heapUsed: number; majorGcs: number }[] = [];
    const start = Date.now();
    // From the server's own /metrics: the V8 heap in use (tells a leak from a heap that has merely
    // grown) and its count of major (mark-compact) collections.
    const gauges = () =>
      fetch(`${apiRoot}/metrics`).then(
        async (r) => {
          const text = await r.text();
          return {
            heapUsed: metric(text, 'nodejs_heap_size_used_bytes'),
            majorGcs: metric(text, 'nodejs_gc_duration_seconds_count', 'kind="major"'),
          };
        },
        () => ({ heapUsed: Number.NaN, majorGcs: Number.NaN }),
      );
    const sample = async () => {
      const t = Date.now() - start;
      const [memory, v8] = await Promise.all([residentMemory(pid), gauges()]);
      samples.push({ t, ...memory, ...v8 });
    };
    const sampler = setInterval(() => void sample().catch(() => undefined), SAMPLE_MS);
    const collecting = collector === undefined ? undefined : setInterval(() => void collector.collect(), o.gcEveryS * 1000);
    await sample();

    // Open loop: creates are due at rate/2 per second from the start, whatever the answers do.
    const createRate = o.rate / 2;
    let issued = 0;
    const durationMs = o.durationS * 1000;
    let lastReport = 0;
    while (Date.now() - start < durationMs) {
      const elapsed = Date.now() - start;
      const due = Math.floor((elapsed * createRate) / 1000);
      for (; issued < due; issued++) track(cycle());
      if (elapsed - lastReport >= 10_000) {
        lastReport = elapsed;
        const last = samples.at(-1);
        print(
          `  ${Math.round(elapsed / 1000)} s: ${created} sessions, ${received} notifications, RSS ${last === undefined ? '?' : mb(last.rss)} MB, ${inFlight} in flight`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    clearInterval(sampler);
    clearInterval(collecting);
    collector?.close();
    await Promise.all(pending);
    const sent = [...answers.values()].reduce((a, b) => a + b, 0);
    const actualRate = sent / o.durationS;

    // Let the outbox drain, then compare what the AS got with what the server says.
    let depth = Number.NaN;
    let metrics = '';
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 200))) {
      metrics = await fetch(`${apiRoot}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      depth = metric(metrics, 'mmtel_outbox_depth');
      if (depth === 0 && received >= metric(metrics, 'mmtel_notification_deliveries_total')) break;
    }
    const delivered = metric(metrics, 'mmtel_notification_deliveries_total');
    const givenUp = metric(metrics, 'mmtel_notification_failures_total');
    const retried = metric(metrics, 'mmtel_notification_retries_total');
    const expected = created * NOTIFICATIONS_PER_SESSION;

    const httpErrors = [...answers].filter(([status]) => !/^2\d\d$/.test(status)).reduce((sum, [, n]) => sum + n, 0);
    // What the server accepted, it delivered or still holds; a session released before its
    // scenario ended has fewer notifications, which is no error (the server reports nothing for a
    // session that no longer exists).
    const accepted = delivered + givenUp + (Number.isNaN(depth) ? 0 : depth);
    const missing = Math.max(0, delivered - received);
    const undrained = Number.isNaN(depth) ? 1 : depth;
    const errors = httpErrors + givenUp + missing + undrained;

    // RSS is a sawtooth (allocation, then collection): the verdict compares the median of each
    // 5 s window after the warm-up (one collection period) with that of the first such window.
    const warm = samples.filter((s) => s.t >= o.warmupS * 1000);
    const windows: number[] = [];
    for (let from = o.warmupS * 1000; from + WINDOW_MS <= durationMs + SAMPLE_MS; from += WINDOW_MS) {
      const inside = warm.filter((s) => s.t >= from && s.t < from + WINDOW_MS).map((s) => s.rss);
      if (inside.length > 0) windows.push(quantile(inside, 0.5));
    }
    // Growth is what a soak looks for: the largest rise of a window over the lowest before it.
    // Memory handed back to the system later in the run (V8 shrinking its heap) is reported, not failed.
    let worst = 0;
    let lowest = Number.POSITIVE_INFINITY;
    for (const median of windows) {
      if (Number.isFinite(lowest)) worst = Math.max(worst, (median - lowest) / lowest);
      lowest = Math.min(lowest, median);
    }
    const reference = windows[0] ?? Number.NaN;
    const fell = (Math.min(...windows) - reference) / reference;
    const stable = windows.length >= 2 && Number.isFinite(reference) && worst <= o.tolerance;
    const first = samples[0]!;
    const last = samples.at(-1)!;

    print();
    print(
      `requests      ${sent} in ${o.durationS} s (${actualRate.toFixed(1)} req/s; target ${o.rate}); answers ${JSON.stringify(Object.fromEntries(answers))}`,
    );
    print(
      `latency       create p50 ${quantile(latencies.create, 0.5).toFixed(1)} ms, p99 ${quantile(latencies.create, 0.99).toFixed(1)} ms; release p50 ${quantile(latencies.release, 0.5).toFixed(1)} ms, p99 ${quantile(latencies.release, 0.99).toFixed(1)} ms`,
    );
    print(
      `notifications ${received} received; server: ${accepted} accepted, ${delivered} delivered, ${retried} retried, ${givenUp} given up, ${depth} left in the outbox; ${expected - accepted} of ${expected} not sent: session released before its scenario ended`,
    );
    print(
      `errors        ${errors} (non-2xx or unanswered ${httpErrors}, given up ${givenUp}, delivered but not received ${missing}, not drained ${undrained}${skipped > 0 ? `; ${skipped} requests not sent: too many in flight` : ''})`,
    );
    print(
      `memory (RSS)  start ${mb(first.rss)} MB, end ${mb(last.rss)} MB (anon ${mb(last.anon)}, file ${mb(last.file)}); min ${mb(Math.min(...warm.map((s) => s.rss)))}, max ${mb(Math.max(...warm.map((s) => s.rss)))} after the ${o.warmupS} s warm-up`,
    );
    print(
      `              medians of 5 s windows after the warm-up: ${windows.map(mb).join(', ')} MB; largest rise over an earlier window ${(worst * 100).toFixed(1)}% (limit ${(o.tolerance * 100).toFixed(0)}%); lowest ${(fell * 100).toFixed(1)}% from the first; slope ${(slopePerMinute(warm.map((s) => ({ t: s.t, y: s.rss }))) / 2 ** 20).toFixed(2)} MB/min`,
    );
    print(
      `heap in use   start ${mb(first.heapUsed)} MB, end ${mb(last.heapUsed)} MB, slope after warm-up ${(slopePerMinute(warm.map((s) => ({ t: s.t, y: s.heapUsed }))) / 2 ** 20).toFixed(2)} MB/min`,
    );
    print(
      `samples (s: RSS/heap MB, major GCs) ${samples
        .filter((_, i) => i % 5 === 0)
        .map((s) => `${Math.round(s.t / 1000)}: ${mb(s.rss)}/${mb(s.heapUsed)} ${s.majorGcs}`)
        .join(', ')}`,
    );
    const pass = errors === 0 && stable;
    print(pass ? 'PASS' : `FAIL:${errors > 0 ? ' errors' : ''}${stable ? '' : ' memory not stable'}`);

    if (o.json !== undefined) {
      await writeFile(
        o.json,
        `${JSON.stringify({ options: o, sent, actualRate, answers: Object.fromEntries(answers), created, received, expected, accepted, delivered, givenUp, retried, errors, memory: { windows, largestRise: worst, fellFromFirst: fell, stable, samples } }, null, 2)}\n`,
      );
    }
    await agent.close();
    process.exitCode = pass ? 0 : 1;
  } finally {
    await cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
