import { createCallControlClient, MmtelConnectionError, throwOnProblem, type CallControlClient } from '@mmtel/client';
import type { Simulator } from '@mmtel/types';
import { type Command, Option } from 'commander';
import createClient, { type Client } from 'openapi-fetch';

/** The reference server `pnpm start` (and `mmtel server`) runs. */
export const DEFAULT_API_ROOT = 'http://127.0.0.1:8080';

/** The options of every command that calls an API. */
export interface ApiOptions {
  apiRoot: string;
  token?: string;
}

/** Adds `--api-root` and `--token` (or MMTEL_API_ROOT and MMTEL_TOKEN) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--api-root <url>', "the MMTel Enabler Server's {apiRoot}")
        .env('MMTEL_API_ROOT')
        .default(DEFAULT_API_ROOT)
        .argParser(apiRoot),
    )
    .addOption(new Option('--token <token>', 'an OAuth 2.0 access token, sent as a bearer token').env('MMTEL_TOKEN'));
}

function apiRoot(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--api-root must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api-root must be an http(s) URL, got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** A mistake in how the command was called: usage is shown and the exit status is 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function authHeaders(options: ApiOptions): Record<string, string> {
  return options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
}

/** A MMTel_CallControl client that throws a MmtelProblemError for a 4xx/5xx. */
export function callControlClient(options: ApiOptions): CallControlClient<true> {
  // No retries: a person is waiting at the terminal, and a refused connection should say so at once.
  return createCallControlClient({ baseUrl: options.apiRoot, headers: authHeaders(options), throwOnError: true, retry: false });
}

/** A client of the reference server's simulator API (/sim/v1, specs/MMTel_Simulator.yaml), throwing on a 4xx/5xx. */
export type SimulatorClient = Client<Simulator.paths>;

/** Creates a client of the simulator API under `apiRoot`. */
export function simulatorClient(options: ApiOptions): SimulatorClient {
  const client = createClient<Simulator.paths>({
    baseUrl: `${options.apiRoot}/sim/v1`,
    headers: authHeaders(options),
    // fetch's "fetch failed" becomes the client's message with the URL and the cause.
    fetch: async (request: Request) => {
      try {
        return await fetch(request);
      } catch (error) {
        if (error instanceof TypeError) throw new MmtelConnectionError(request, error);
        throw error;
      }
    },
  });
  client.use(throwOnProblem());
  return client;
}

/**
 * The AF named by a JWT access token (its `sub`), read without verifying it: the afId a request
 * must carry when the server authenticates (TS 29.522 afId, the authenticated AF).
 */
export function afIdOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && 'sub' in claims && typeof claims.sub === 'string') return claims.sub;
  } catch {
    // Not a JWT: an opaque token names no AF.
  }
  return undefined;
}
