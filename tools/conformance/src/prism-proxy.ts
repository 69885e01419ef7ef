import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { freePort } from '@mmtel/server';
import { deriveProxySpec } from './prism-spec.js';
import { prismVerdict, type PrismFinding } from './prism-verdict.js';

/** One exchange through Prism that Prism found fault with. */
export interface PrismViolation {
  /** `POST /mmtel-callcontrol/v1/ims-sessions` */
  request: string;
  /** The status the caller got (Prism's 422/500 when it refused the exchange). */
  status: number;
  findings: PrismFinding[];
}

/**
 * A running Prism validation proxy (`prism proxy <spec> <upstream> --errors`) and its verdicts.
 * Verdicts come from Prism's answers, recorded before the caller gets them; the one exception, an
 * upstream 501 that Prism replaces with a mock, is read from Prism's log and may land a moment
 * after the caller got the mocked answer.
 */
export interface PrismProxy {
  /** Where callers send their requests, e.g. `http://127.0.0.1:40123`: use it as the apiRoot or the notification root. */
  origin: string;
  /** The violations Prism reported since the last call, oldest first; clears them. */
  takeViolations(): PrismViolation[];
  /** Throws one error that quotes Prism's report if there were violations since the last take. */
  assertNoViolations(): void;
  /** The last lines Prism printed, for diagnosis. */
  output(): string;
  /** Stops Prism, its front door and the upstream it started. */
  close(): Promise<void>;
}

/** How to start a Prism proxy. */
export interface PrismProxyOptions {
  /** Bundled spec files; Prism validates against one document derived from them (`deriveProxySpec`). */
  specs: readonly string[];
  /**
   * The upstream origin Prism forwards to, or a function that gets the proxy's origin and starts
   * the upstream: a server whose apiRoot is the proxy hands out URLs that lead back through Prism.
   */
  upstream: string | ((origin: string) => Promise<Upstream>);
}

/** A server the proxy started in front of itself and stops with itself. */
export interface Upstream {
  /** Where Prism forwards to, e.g. `http://127.0.0.1:40124`. */
  origin: string;
  close(): Promise<void>;
}

const PRISM = join(dirname(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json')), 'dist', 'index.js');
const READY = /Prism is listening on/;
const REMOCKED = /Upstream call to (\S+) has returned 501/;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts Prism's validation proxy on loopback, behind a small recording front door. Prism puts
 * its verdict only on the response to the caller: a request that breaks the spec is refused with
 * a 422 (401 for security), a response that breaks it becomes a 500 `#VIOLATIONS` problem, and
 * warnings ride in an `sl-violations` header. Its log has no details and arrives late, so
 * the front door reads each answer before passing it on: a violation is recorded before the
 * caller sees the response, whoever the caller is (the SDK, or the server sending notifications).
 */
export async function startPrismProxy(options: PrismProxyOptions): Promise<PrismProxy> {
  const violations: PrismViolation[] = [];
  const prismPort = await freePort();
  const front = await listenFront(prismPort, violations);
  const origin = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  let upstream: Upstream | undefined;
  let specDir: string | undefined;
  const stop = async (prism?: RunningPrism) => {
    await closeServer(front);
    await prism?.stop();
    await upstream?.close();
    if (specDir !== undefined) await rm(specDir, { recursive: true, force: true });
  };
  // Prism answers a 501 from the upstream with a mocked response (prism-core's factory, to
  // "remock"); only its log tells, so the log line becomes a violation of its own.
  const onRemock = (path: string) =>
    violations.push({
      request: `? ${path}`,
      status: 501,
      findings: [
        {
          location: ['response'],
          severity: 'Error',
          message: 'the upstream answered 501 Not Implemented and Prism replaced it with a mocked response',
        },
      ],
    });
  let running: RunningPrism;
  try {
    upstream = typeof options.upstream === 'string' ? { origin: options.upstream, close: async () => {} } : await options.upstream(origin);
    specDir = await mkdtemp(join(tmpdir(), 'mmtel-prism-'));
    const specFile = join(specDir, 'proxy-spec.json');
    await writeFile(specFile, JSON.stringify(await deriveProxySpec(options.specs)));
    running = await runPrism(specFile, upstream.origin, prismPort, onRemock);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    origin,
    takeViolations: () => violations.splice(0),
    assertNoViolations() {
      const found = violations.splice(0);
      if (found.length > 0) throw new Error(`Prism found ${found.length} contract violation(s):\n${formatViolations(found)}`);
    },
    output: () => running.lines.join('\n'),
    close: () => stop(running),
  };
}

/** One line per finding, e.g. `POST /x -> 422 request.body.callingParty: Request body property … (pattern)`. */
export function formatViolations(violations: readonly PrismViolation[]): string {
  return violations
    .flatMap(({ request, status, findings }) =>
      findings.map((f) => `  ${request} -> ${status} ${f.location.join('.')}: ${f.message}${f.code === undefined ? '' : ` (${f.code})`}`),
    )
    .join('\n');
}

interface RunningPrism {
  lines: string[];
  stop(): Promise<void>;
}

async function runPrism(specFile: string, upstream: string, port: number, onRemock: (path: string) => void): Promise<RunningPrism> {
  const args = [PRISM, 'proxy', specFile, upstream, '--errors', '--host', '127.0.0.1', '--port', String(port), '--cors', 'false'];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const keep = (line: string) => {
      lines.push(line);
      if (lines.length > 200) lines.shift();
      const remocked = REMOCKED.exec(line);
      if (remocked !== null) onRemock(remocked[1]!);
      if (READY.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout }).on('line', keep);
    createInterface({ input: child.stderr }).on('line', keep);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening`));
    });
  });
  try {
    await ready;
  } catch (error) {
    await stopChild(child, exited);
    throw new Error(`${(error as Error).message}:\n${lines.join('\n')}`);
  }
  return { lines, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

/** The recording front door: relays each exchange to Prism unchanged and records Prism's verdict on it. */
async function listenFront(prismPort: number, violations: PrismViolation[]): Promise<Server> {
  const server = createServer((req, res) => {
    void relay(req, prismPort).then(
      ({ status, headers, body }) => {
        const findings = prismVerdict(status, headers, body);
        if (findings.length > 0) violations.push({ request: `${req.method} ${req.url}`, status, findings });
        res.writeHead(status, relayedHeaders(status, headers, body.length)).end(body);
      },
      (error: Error) => {
        violations.push({
          request: `${req.method} ${req.url}`,
          status: 502,
          findings: [{ location: [], severity: 'Error', message: `Prism did not answer: ${error.message}` }],
        });
        res.writeHead(502).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

interface Relayed {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

async function relay(req: IncomingMessage, port: number): Promise<Relayed> {
  const body = await readAll(req);
  return new Promise<Relayed>((resolve, reject) => {
    // The same bytes, always framed by Content-Length: Prism checks a body's content type only
    // when the request has a non-zero Content-Length, so a chunked body would skip that check.
    const { 'transfer-encoding': _chunked, ...incoming } = req.headers;
    const headers = {
      ...incoming,
      host: `127.0.0.1:${port}`,
      ...(body.length > 0 || incoming['content-length'] !== undefined ? { 'content-length': String(body.length) } : {}),
    };
    const out = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers }, (response) => {
      readAll(response).then(
        (responseBody) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: responseBody }),
        reject,
      );
    });
    out.once('error', reject);
    out.end(body);
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function relayedHeaders(status: number, headers: IncomingHttpHeaders, length: number): Record<string, string | string[]> {
  // A 204 or 304 must not carry Content-Length (RFC 9110 clause 8.6).
  const relayed: Record<string, string | string[]> = status === 204 || status === 304 ? {} : { 'content-length': String(length) };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
  return relayed;
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
