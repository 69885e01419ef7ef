import type { ServerConfig } from './config.js';
import { StoreUnavailableError, StoreVersionError } from './store/store-errors.js';

/**
 * One line that tells what to change when the server cannot start for a reason of its
 * environment (the port is taken, PostgreSQL does not answer), naming the variable; undefined
 * for any other failure, which is a fault to report with its stack.
 */
export function explainStartFailure(error: unknown, config: Pick<ServerConfig, 'host' | 'port' | 'databaseUrl'>): string | undefined {
  const code = errorCode(error);
  const address = `${config.host}:${config.port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `PORT=${config.port} is in use (${address}): another process listens there. Stop it, or set PORT to a free port (PORT=0 picks one).`;
    case 'EADDRNOTAVAIL':
      return `HOST=${config.host} is not an address of this machine: set HOST to one of its addresses (127.0.0.1 for this machine only, 0.0.0.0 for all).`;
    case 'EACCES':
      return `PORT=${config.port} needs privileges this process lacks (ports below 1024): set PORT to 1024 or above.`;
    default:
      break;
  }
  if (error instanceof StoreVersionError) return error.message;
  if (config.databaseUrl !== undefined && isDatabaseFailure(error, code)) {
    const reason = error instanceof Error ? error.message : String(error);
    return `DATABASE_URL=${withoutPassword(config.databaseUrl)}: PostgreSQL cannot be used (${reason}). Check that it runs and the URL's host, port, user, password and database; or unset DATABASE_URL to use the embedded store.`;
  }
  return undefined;
}

/** SQLSTATEs of a connection PostgreSQL refused: bad password, no such role or database, too many clients. */
const REFUSED_CONNECTION = new Set(['28P01', '28000', '3D000', '53300', '57P03']);

function isDatabaseFailure(error: unknown, code: string | undefined): boolean {
  if (error instanceof StoreUnavailableError) return true;
  return (
    code !== undefined &&
    (REFUSED_CONNECTION.has(code) || ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code))
  );
}

/** The `code` of the error or of one of its causes. */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code !== 'STORE_UNAVAILABLE') return code;
  }
  return undefined;
}

function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable URL)';
  }
}
