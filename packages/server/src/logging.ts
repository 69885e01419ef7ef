import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';
import type PinoPretty from 'pino-pretty';
import type { ServerConfig } from './config.js';

/** How the server writes its logs: one readable line per event, or one JSON object per line. */
export type LogStyle = 'pretty' | 'json';

/**
 * The style MMTEL_LOG_FORMAT asks for; `auto` is readable for a person (development profile,
 * output on a terminal) and JSON for a machine (production, or output piped to a collector).
 */
export function logStyle(config: Pick<ServerConfig, 'logFormat' | 'profile'>, isTerminal: boolean): LogStyle {
  if (config.logFormat !== 'auto') return config.logFormat;
  return config.profile === 'development' && isTerminal ? 'pretty' : 'json';
}

/**
 * Fields the readable style does not repeat after the message: what every line carries, and what
 * a `line` already says (the start facts, the request, a delivery outcome's).
 */
const NOT_REPEATED = [
  'pid',
  'hostname',
  'reqId',
  'line',
  'start',
  'request',
  'notification',
  'stream',
  'seq',
  'callback',
  'attempts',
  'status',
  'target',
  'latencyMs',
  'retryInMs',
  'reason',
  'error',
  'redirects',
];

/**
 * Fastify's logger options for a style. The readable style formats in this thread (pino-pretty as
 * a stream, not a worker transport, which would have to resolve pino-pretty from pino's own
 * location) and shows a log object's `line`, the readable form some events carry, as its message.
 */
export function loggerOptions(
  config: Pick<ServerConfig, 'logLevel'>,
  style: LogStyle,
  destination: NodeJS.WritableStream = process.stdout,
): NonNullable<FastifyServerOptions['logger']> {
  if (style === 'json') return { level: config.logLevel, stream: destination };
  // Required only for the readable style (pino-pretty and its colour and time libraries cost up to
  // ~100 ms of start-up); synchronously, as Fastify takes its logger options (pino-pretty is CommonJS).
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  const stream = pretty({
    destination,
    colorize: 'isTTY' in destination && destination.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    singleLine: true,
    sync: true,
    ignore: NOT_REPEATED.join(','),
    messageFormat: (log, messageKey) => {
      const line = log['line'];
      const message = log[messageKey];
      return typeof line === 'string' ? line : typeof message === 'string' ? message : '';
    },
  });
  return { level: config.logLevel, stream };
}
