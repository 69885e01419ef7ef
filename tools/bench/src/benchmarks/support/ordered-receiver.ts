/**
 * The notification receiver of the scale-out benchmark, in a process of its own: node:http
 * answering 204, which also checks what it receives. Per session, each notifCorreId must be
 * greater than the one before (ordering per stream, TS 29.392 notifications of one session in
 * order), and no notification may arrive twice. Posts its port once listening; after
 * `{ type: 'expect', count }` it counts afresh and posts `{ type: 'received' }` when `count` have
 * arrived; `{ type: 'report' }` is answered by the counts (ReceiverReport).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the parent may ask. */
export type ReceiverCommand = { type: 'expect'; count: number } | { type: 'report' };

/** What the receiver saw since the last `expect`. */
export interface ReceiverReport {
  received: number;
  /** Notifications that arrived again (same session and notifCorreId). */
  duplicates: number;
  /** Notifications whose notifCorreId was not greater than the last one of their session. */
  outOfOrder: number;
  /** Bodies without a sessionId or a numeric notifCorreId. */
  malformed: number;
}

/** What the receiver posts. */
export type ReceiverMessage =
  | { type: 'listening'; port: number }
  | { type: 'received'; count: number }
  | { type: 'report'; report: ReceiverReport };

let expected = Number.POSITIVE_INFINITY;
let report: ReceiverReport = { received: 0, duplicates: 0, outOfOrder: 0, malformed: 0 };
/** Per session, the notifCorreIds seen, and the last one. */
let sessions = new Map<string, { last: number; seen: Set<number> }>();

function check(text: string): void {
  let body: { sessionId?: unknown; notifCorreId?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    report.malformed += 1;
    return;
  }
  const corre = Number(body.notifCorreId);
  if (typeof body.sessionId !== 'string' || !Number.isInteger(corre)) {
    report.malformed += 1;
    return;
  }
  const session = sessions.get(body.sessionId) ?? { last: -1, seen: new Set<number>() };
  sessions.set(body.sessionId, session);
  if (session.seen.has(corre)) report.duplicates += 1;
  else if (corre <= session.last) report.outOfOrder += 1;
  session.seen.add(corre);
  session.last = Math.max(session.last, corre);
  report.received += 1;
  if (report.received === expected) process.send?.({ type: 'received', count: report.received } satisfies ReceiverMessage);
}

const server = createServer((request, response) => {
  let text = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (text += chunk));
  request.on('end', () => {
    check(text);
    response.writeHead(204);
    response.end();
  });
});
server.keepAliveTimeout = 30_000;

process.on('message', (command: ReceiverCommand) => {
  if (command.type === 'expect') {
    expected = command.count;
    report = { received: 0, duplicates: 0, outOfOrder: 0, malformed: 0 };
    sessions = new Map();
  } else process.send?.({ type: 'report', report } satisfies ReceiverMessage);
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () =>
  process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies ReceiverMessage),
);
