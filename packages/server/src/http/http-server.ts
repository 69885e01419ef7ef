import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import type { SecurityConfig } from '../config.js';
import { problem, type CauseName } from './problem.js';

/**
 * The Fastify options that shape the HTTP server itself: HTTPS (mutual TLS when a client CA is
 * configured), header and request timeouts against slow clients, the header size bound, and
 * ProblemDetails answers to the errors Node raises before Fastify sees a request.
 */
export function httpServerOptions(security: SecurityConfig): Pick<FastifyServerOptions, 'serverFactory' | 'clientErrorHandler'> {
  const { limits, tls } = security;
  const common = {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (30 s by default, too coarse for them).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
  };
  return {
    serverFactory: (handler: (request: IncomingMessage, response: ServerResponse) => void): Server => {
      if (tls === undefined) return createHttpServer(common, handler);
      return createHttpsServer(
        {
          ...common,
          cert: readFileSync(tls.certFile),
          key: readFileSync(tls.keyFile),
          ...(tls.clientCaFile !== undefined && { ca: readFileSync(tls.clientCaFile), requestCert: true, rejectUnauthorized: true }),
        },
        handler,
      );
    },
    clientErrorHandler: answerClientError,
  };
}

/** Node's parser and timeout errors, answered as ProblemDetails before the connection closes. */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const cause: CauseName =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'REQUEST_TIMEOUT'
        : 'INVALID_MSG_FORMAT';
  const detail =
    cause === 'HEADERS_TOO_LARGE'
      ? 'The request headers exceed the size this server accepts.'
      : cause === 'REQUEST_TIMEOUT'
        ? 'The request did not arrive in time.'
        : 'The request is not valid HTTP/1.1.';
  const answer = problem(cause, detail);
  const body = JSON.stringify(answer);
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
