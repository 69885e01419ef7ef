import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';

/**
 * Registers @fastify/websocket in `scope` for WebSocket opening handshakes only, and serves every
 * other request carrying an Upgrade header as the plain HTTP/1.1 request it also is (a server may
 * ignore Upgrade: RFC 9110 clause 7.8).
 *
 * Once the HTTP server has an `upgrade` listener, Node hands it every request with an Upgrade
 * header, its body unread, and @fastify/websocket routes them all: a POST carrying `Upgrade: h2c`
 * (the JDK's HttpClient sends that over http:// by default) lost its body and got 400. The plugin
 * now listens to a server of its own that never listens on a port; only handshakes reach it.
 */
export async function acceptWebsocketUpgrades(scope: FastifyInstance): Promise<void> {
  const handshakes = createServer();
  await scope.register(websocket, { options: { server: handshakes } });
  const server = scope.server;
  const dispatch = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (isWebsocketHandshake(request)) return void handshakes.emit('upgrade', request, socket, head);
    try {
      serveAsPlainHttp(server, request, socket, head);
    } catch (err) {
      // Thrown here, it would reach Node's parser callback and end the process.
      scope.log.warn({ err }, 'cannot serve an upgrade request as plain HTTP; connection closed');
      socket.destroy();
    }
  };
  server.on('upgrade', dispatch);
  // As the plugin does with its own listener: no new upgrades once closing has begun.
  scope.addHook('preClose', async () => {
    server.removeListener('upgrade', dispatch);
  });
}

/** A WebSocket opening handshake: a GET whose Upgrade names websocket (RFC 6455 clause 4.1). */
function isWebsocketHandshake(request: IncomingMessage): boolean {
  return (
    request.method === 'GET' && (request.headers.upgrade ?? '').split(',').some((protocol) => protocol.trim().toLowerCase() === 'websocket')
  );
}

/**
 * Hands the connection back to the HTTP server with the request as it arrived but without its
 * upgrade (the Upgrade header and Connection's `upgrade` token): Node parses it again, body and
 * any pipelined requests after it included, as an ordinary request. Node parsed the head strictly
 * once already, so writing it back from `rawHeaders` (latin1, as Node read it) is faithful.
 */
function serveAsPlainHttp(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    let value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'upgrade') continue;
    if (lower === 'connection') {
      const options = value
        .split(',')
        .map((option) => option.trim())
        .filter((option) => option !== '' && option.toLowerCase() !== 'upgrade');
      if (options.length === 0) continue;
      value = options.join(', ');
    }
    lines.push(`${name}: ${value}`);
  }
  socket.unshift(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), head]));
  // An HTTPS server takes its connections already decrypted through secureConnection.
  server.emit(socket instanceof TLSSocket ? 'secureConnection' : 'connection', socket);
}
