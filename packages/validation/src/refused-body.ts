import type { Server } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How much more of a refused body is read, and for how long, before the connection is closed all the same. */
export interface LingeringReadBounds {
  maxBytes: number;
  maxMs: number;
}

/** 8 MiB and 5 s: a client sending some times the limit reads the answer; one that sends on and on does not hold the connection. */
export const LINGERING_READ: LingeringReadBounds = { maxBytes: 8 * 1024 * 1024, maxMs: 5_000 };

/**
 * Lets a client that is still sending a refused body (413 over the limit, 415 for a content type
 * with no parser) read the ProblemDetails: a lingering close. The answer closes the connection
 * (`Connection: close`: what is left of the request cannot be told from a next one), and Node
 * destroys the socket as soon as the answer is written; with the rest of the body still coming,
 * the kernel then answers it with a reset, and a client still writing (`fetch`, undici) fails
 * with EPIPE or ECONNRESET instead of reading the 413 (curl got it).
 *
 * Instead, once the answer is written, only the sending side is closed, and the rest of the body
 * is read and dropped until it has all arrived; then the socket goes. Past `maxBytes` more, the
 * body is no longer read: the client's writes then wait (TCP flow control) rather than meet a
 * reset, and it can read the answer meanwhile. `maxMs` from now the socket is destroyed whatever
 * its state (or when the app closes, see `closeLingeringReads`). Does nothing when the body has
 * all arrived.
 */
export function readRestOfRefusedBody(request: FastifyRequest, reply: FastifyReply, bounds: LingeringReadBounds = LINGERING_READ): void {
  const incoming = request.raw;
  const socket = incoming.socket;
  if (incoming.complete || incoming.destroyed || !(socket instanceof Socket)) return;
  reply.header('connection', 'close');
  let read = 0;
  let answered = false;
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read <= bounds.maxBytes) return;
    incoming.off('data', onData);
    incoming.pause();
  };
  const timer = setTimeout(() => socket.destroy(), bounds.maxMs).unref();
  incoming.on('data', onData);
  incoming.once('end', () => {
    if (answered) closeAfterAnswer();
    else clearTimeout(timer);
  });
  const lingering = lingeringOn(request.server.server);
  lingering.add(socket);
  socket.once('close', () => {
    clearTimeout(timer);
    lingering.delete(socket);
  });
  const closeAfterAnswer = () => {
    clearTimeout(timer);
    // Node's own close after an answer: end, and destroy once what was written has gone out.
    Socket.prototype.destroySoon.call(socket);
  };
  // What Node's HTTP server calls once an answer that closes the connection is written.
  socket.destroySoon = () => {
    answered = true;
    if (incoming.complete) closeAfterAnswer();
    else socket.end();
  };
}

/** The sockets of each HTTP server that are reading the rest of a refused body. */
const lingeringSockets = new WeakMap<Server, Set<Socket>>();

function lingeringOn(server: Server): Set<Socket> {
  let sockets = lingeringSockets.get(server);
  if (sockets === undefined) lingeringSockets.set(server, (sockets = new Set()));
  return sockets;
}

/**
 * Closes the connections of `app` still reading the rest of a refused body when the app closes:
 * they are not idle, so the HTTP server would wait for them (up to `maxMs`), and one that stopped
 * reading does not see that its client has gone.
 */
export function closeLingeringReads(app: FastifyInstance): void {
  app.addHook('preClose', async () => {
    for (const socket of lingeringSockets.get(app.server) ?? []) socket.destroy();
  });
}
