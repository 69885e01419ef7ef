import type { AddressInfo } from 'node:net';
import { callbacks } from '@mmtel/types';
import {
  type CallbackName,
  createReceiver,
  type NotificationBodies,
  type NotificationKind,
  type NotificationHandlers,
  validateNotification,
} from '@mmtel/receiver';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createForwarder, type Forwarded } from '../forward.js';
import { describeNotification } from '../notification-text.js';
import { createOutput, type Output } from '../output.js';
import { port } from './parse.js';

interface ListenOptions {
  port: number;
  host: string;
  forwardTo?: URL;
  json?: boolean;
}

/**
 * `mmtel listen`: a notification receiver that prints every notification readably; with
 * `--forward-to` a relay that passes each one unchanged to a local AS and the AS's answer back.
 */
export function listenCommand(): Command {
  return new Command('listen')
    .summary('receive notifications and print them (and forward them to a local AS)')
    .description(
      'Receives IMS Session Notifications and Session Event Notifications and prints each one. Alone it answers as a ' +
        'receiver does (@mmtel/receiver: 204, or 400 with the attributes for an invalid body) at /ims-session-notification ' +
        'and /session-event-notification. With --forward-to it passes each request unchanged (method, headers, body) to the ' +
        'URL given, the request path appended, and the answer of the AS (status, headers such as Location, body) back. ' +
        "Give the server this listener's URL as notifUri (or MMTEL_SESSION_EVENT_NOTIFICATION_URI). Ctrl-C stops it.",
    )
    .addOption(new Option('--port <port>', 'the port to listen on (0 picks a free one)').default(9000).argParser(port))
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .addOption(new Option('--forward-to <url>', 'the AS to forward to, e.g. http://127.0.0.1:3000').argParser(httpUrl))
    .option('--json', 'one JSON object per line for each notification')
    .action(async (options: ListenOptions) => {
      await listen(options);
    });
}

function httpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('give an http(s) URL, e.g. http://127.0.0.1:3000.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('give an http(s) URL, e.g. http://127.0.0.1:3000.');
  return url;
}

async function listen(options: ListenOptions): Promise<void> {
  const out = createOutput(options.json === true);
  // Listening for Ctrl-C before saying where it listens: a script may stop it as soon as it reads that. The handlers
  // stay (not once): a second Ctrl-C while closing must not kill the process half-way either.
  const stopped = new Promise<void>((resolve) => {
    process.on('SIGINT', () => resolve());
    process.on('SIGTERM', () => resolve());
  });
  const server = options.forwardTo === undefined ? await receive(out, options) : await forward(out, options, options.forwardTo);
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  if (options.forwardTo === undefined)
    out.line(
      `receiving on ${origin}${callbacks.imsSessionNotification.receiverPath} and ${origin}${callbacks.sessionEventNotification.receiverPath}`,
    );
  else out.line(`forwarding ${origin}/… to ${options.forwardTo.href.replace(/\/$/, '')}/…`);
  out.line(out.color.dim('Ctrl-C stops'));
  out.record({ kind: 'listening', origin, ...(options.forwardTo !== undefined && { forwardTo: options.forwardTo.href }) });
  await stopped;
  await server.close();
}

interface Closable {
  address(): AddressInfo | string | null;
  close(): Promise<void>;
}

/** The receiver of @mmtel/receiver, printing each notification (and each one it refuses). */
async function receive(out: Output, options: ListenOptions): Promise<Closable> {
  const show =
    <K extends NotificationKind>(kind: K) =>
    (notification: NotificationBodies[K], context: { callback: CallbackName }) => {
      print(out, { kind, callback: context.callback, body: notification, path: callbacks[context.callback].receiverPath });
    };
  const handlers: NotificationHandlers = {
    onImsSessionEvent: show('imsSessionEvent'),
    onTestNotification: show('testNotification'),
    onSessionEvent: show('sessionEvent'),
  };
  const receiver = createReceiver({
    handlers,
    onError: (error) => {
      const params = (error.invalidParams ?? []).map((param) => `${param.param}${param.reason !== undefined ? `: ${param.reason}` : ''}`);
      out.line(`${timestamp(out)}  ${out.color.red(`refused (${error.code})`)}  ${error.message}`);
      for (const param of params) out.line(`  ${param}`);
      out.record({
        kind: 'refused',
        code: error.code,
        message: error.message,
        ...(error.invalidParams !== undefined && { invalidParams: error.invalidParams }),
        ...(error.body !== undefined && { body: error.body }),
      });
    },
  });
  await receiver.listen({ host: options.host, port: options.port });
  return { address: () => receiver.server.address(), close: () => receiver.close() };
}

/** The relay, printing each notification and the AS's answer. */
async function forward(out: Output, options: ListenOptions, forwardTo: URL): Promise<Closable> {
  const forwarder = createForwarder({
    forwardTo,
    onForwarded: (forwarded) => {
      const body = parseJson(forwarded.body);
      const found = body === undefined ? undefined : recognise(forwarded.path, body);
      print(out, { ...found, body: body ?? forwarded.body.toString('utf8'), path: forwarded.path, forwarded });
    },
  });
  await new Promise<void>((resolve, reject) => {
    forwarder.once('error', reject);
    forwarder.listen(options.port, options.host, () => {
      forwarder.off('error', reject);
      resolve();
    });
  });
  return {
    address: () => forwarder.address(),
    close: () =>
      new Promise<void>((resolve) => {
        forwarder.close(() => resolve());
        forwarder.closeAllConnections();
      }),
  };
}

/** Which notification a body is: by the callback whose path it was posted to, else by its shape. */
function recognise(path: string, body: unknown): { kind: NotificationKind; callback: CallbackName } | undefined {
  const pathname = path.split('?', 1)[0] ?? path;
  const names = Object.keys(callbacks) as CallbackName[];
  const byPath = names.filter((name) => pathname.endsWith(callbacks[name].receiverPath));
  for (const callback of [...byPath, ...names.filter((name) => !byPath.includes(name))]) {
    const verdict = validateNotification(callback, body);
    if (verdict.valid) return { kind: verdict.kind, callback };
  }
  return undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function timestamp(out: Output): string {
  return out.color.dim(new Date().toISOString().slice(11, 23));
}

interface Shown {
  kind?: NotificationKind;
  callback?: CallbackName;
  path: string;
  body: unknown;
  forwarded?: Forwarded;
}

function print(out: Output, shown: Shown): void {
  const { color } = out;
  const lines =
    shown.kind === undefined
      ? [
          `${color.yellow('not a notification this listener knows')} at ${shown.path}`,
          `  ${typeof shown.body === 'string' ? shown.body : JSON.stringify(shown.body)}`,
        ]
      : describeNotification(shown.kind, shown.body as NotificationBodies[typeof shown.kind], color);
  out.line(`${timestamp(out)}  ${lines[0] ?? ''}`);
  for (const line of lines.slice(1)) out.line(`${' '.repeat(12)}  ${line}`);
  const answer = shown.forwarded?.answer;
  if (shown.forwarded !== undefined && answer !== undefined) {
    if ('error' in answer)
      out.line(`${' '.repeat(12)}  ${color.red(`→ ${shown.forwarded.target}: no answer (${answer.error}); answered 503`)}`);
    else {
      const location = answer.headers.get('location');
      const status =
        answer.status < 300
          ? color.green(String(answer.status))
          : answer.status < 400
            ? color.yellow(String(answer.status))
            : color.red(String(answer.status));
      out.line(`${' '.repeat(12)}  → ${shown.forwarded.target}: ${status}${location !== null ? ` Location ${location}` : ''}`);
    }
  }
  out.record({
    kind: 'notification',
    path: shown.path,
    ...(shown.callback !== undefined && { callback: shown.callback }),
    ...(shown.kind !== undefined && { notification: shown.kind }),
    body: shown.body,
    ...(shown.forwarded !== undefined && {
      forwardedTo: shown.forwarded.target,
      answer:
        'error' in shown.forwarded.answer
          ? { error: shown.forwarded.answer.error }
          : {
              status: shown.forwarded.answer.status,
              headers: headersOf(shown.forwarded.answer.headers),
              body: shown.forwarded.answer.body.toString('utf8'),
            },
    }),
  });
}

function headersOf(headers: Headers): Record<string, string> {
  const all: Record<string, string> = {};
  headers.forEach((value, name) => (all[name] = value));
  return all;
}
