import type { AddressInfo } from 'node:net';
import { startReferenceServer } from '@mmtel/server';
import { createReceiver, type NotificationContext } from '@mmtel/receiver';
import fc from 'fast-check';
import { engineSetting, type StoreEngine } from '../../../../packages/server/test/support/store-engines.js';
import { AnswerJudge, curlOf, send, type Expectation, type SpecDocument, type WireAnswer, type WireRequest } from '@mmtel/check/attacks';

/** Both targets get this body limit: small, so that 413 attacks stay cheap. */
export const FUZZ_BODY_LIMIT = 65_536;

/** A system under attack, listening on loopback. */
export interface Target {
  origin: string;
  bodyLimit: number;
  close(): Promise<void>;
}

/**
 * The reference server (startReferenceServer) as the fuzz tests run it: the simulator silent (no
 * call scenario notifies anyone), one notification attempt (test notifications go to the
 * loopback discard port or to junk URIs), the fuzz body limit, no overload shedding (a loaded
 * CI machine must not turn into 503s that look like findings). On `engine`: LMDB (the default),
 * or PostgreSQL in a database of its own on the server `adminUrl` names.
 */
export async function startFuzzServer(engine: StoreEngine = 'lmdb', adminUrl?: string): Promise<Target> {
  const setting = await engineSetting(engine, adminUrl);
  try {
    const server = await startReferenceServer({
      ...setting.env,
      MMTEL_SIM_SCENARIO: 'silent',
      MMTEL_BODY_LIMIT: String(FUZZ_BODY_LIMIT),
      MMTEL_NOTIFY_MAX_ATTEMPTS: '1',
      MMTEL_NOTIFY_TIMEOUT_MS: '1000',
      MMTEL_OVERLOAD_PROTECTION: 'false',
    });
    return {
      origin: server.apiRoot,
      bodyLimit: FUZZ_BODY_LIMIT,
      close: async () => {
        await server.close();
        await setting.release();
      },
    };
  } catch (error) {
    await setting.release();
    throw error;
  }
}

/** The header that tags each fuzz request, so that a handler call is matched to its request. */
export const FUZZ_REQUEST_HEADER = 'x-fuzz-request';

/** A receiver target, and what its handlers were given. */
export interface ReceiverTarget extends Target {
  /** Every notification a handler got, by the FUZZ_REQUEST_HEADER of its request. */
  received: Map<string, unknown[]>;
}

/** A standalone @mmtel/receiver serving both callbacks, handlers that only record. */
export async function startFuzzReceiver(): Promise<ReceiverTarget> {
  const received = new Map<string, unknown[]>();
  const record = (notification: unknown, context: NotificationContext) => {
    const id = String(('headers' in context ? context.headers[FUZZ_REQUEST_HEADER] : undefined) ?? '');
    received.set(id, [...(received.get(id) ?? []), notification]);
  };
  const app = createReceiver({
    handlers: { onImsSessionEvent: record, onTestNotification: record, onSessionEvent: record },
    fastify: { bodyLimit: FUZZ_BODY_LIMIT },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    origin: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    bodyLimit: FUZZ_BODY_LIMIT,
    received,
    close: () => app.close(),
  };
}

/**
 * Sends a request and throws (so that fast-check records and shrinks the run) when the answer
 * breaks `expect` or the process's Object.prototype was polluted; the error message is the
 * reproduction: what went wrong, the curl command, the answer.
 */
export async function expectAnswer(
  judge: AnswerJudge,
  target: Target,
  req: WireRequest,
  expect: Expectation,
  extraChecks?: (answer: WireAnswer) => string[],
  label?: string,
): Promise<WireAnswer> {
  let answer: WireAnswer;
  try {
    answer = await send(target.origin, req);
  } catch (error) {
    throw new Error(
      `${label === undefined ? '' : `case: ${label}\n`}no answer (${(error as Error).message}): the target hung or dropped the connection\n${curlOf(target.origin, req)}`,
    );
  }
  const violations = judge.violations(answer, expect);
  if (violations.length === 0 && extraChecks !== undefined) violations.push(...extraChecks(answer));
  if (Object.prototype.hasOwnProperty.call(Object.prototype, 'fuzzPolluted'))
    violations.push('Object.prototype was polluted (fuzzPolluted)');
  if (violations.length > 0) {
    throw new Error(
      [
        ...(label === undefined ? [] : [`case: ${label}`]),
        ...violations.map((v) => `- ${v}`),
        `request: ${curlOf(target.origin, req)}`,
        `answer: ${answer.status} ${String(answer.headers['content-type'] ?? '')} ${answer.text.slice(0, 1500)}`,
      ].join('\n'),
    );
  }
  return answer;
}

/** A judge per spec, built once. */
export function judgeOf(spec: SpecDocument): AnswerJudge {
  return new AnswerJudge(spec);
}

/**
 * Notification targets (`Uri`: "a URI formatted according to IETF RFC 3986") that stay on this
 * machine: the discard port of loopback, so that a test notification never leaves it.
 */
export function loopbackUri(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('http://127.0.0.1:9', 'http://[::1]:9', 'https://127.0.0.1:9'), fc.webPath(), fc.webQueryParameters())
    .map(([origin, path, query]) => `${origin}${path}${query === '' ? '' : `?${query}`}`);
}
