import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { pythonVersion, type PythonEnv } from '@mmtel/toolchain';
import {
  type Api,
  type AuthMode,
  type PassResult,
  runPass,
  schemathesisEnv,
  startTarget,
  type StoreEngine,
  type Target,
} from '../../src/schemathesis-run.js';

// The bounded CI pass: a fixed seed and few examples per operation, every check, every phase.
// `pnpm schemathesis` is the long pass (random seed, many examples).
export const SEED = 29392;
export const MAX_EXAMPLES = 25;

// Without Python the passes cannot run: CI must say so, a developer's machine skips with the reason.
export const missingPython = await pythonVersion().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);

/** The checks that must have judged responses in every pass (`--checks all`): a narrowed run fails. */
const CORE_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'positive_data_acceptance',
  'missing_required_header',
  'unsupported_method',
  'use_after_free',
  'ensure_resource_availability',
];

/** Runs one pass; fails with Schemathesis' own report (failures, curl, st replay) and how to replay it. */
export async function pass(target: Target, api: Api): Promise<PassResult> {
  const result = await runPass({ target, api, seed: SEED, maxExamples: MAX_EXAMPLES, label: 'ci', env: await env, timeoutMs: 240_000 });
  if (!result.passed) {
    throw new Error(`Schemathesis found failures (exit ${result.exitCode}, seed ${result.seed}):\n\n${result.report}\n\n${result.replay}`);
  }
  for (const check of CORE_CHECKS) expect(result.checks[check]?.passed ?? 0, `check ${check} never ran`).toBeGreaterThan(0);
  return result;
}

/**
 * Where a link takes the created session's id from: the 201's body (in imsSessionInfo since the
 * TS 29.522 V19.5.0 re-base) or its Location.
 */
const SESSION_ID_SOURCE = /^\$response\.(body#\/(imsSessionInfo\/)?sessionId|header\.Location)/;

/** The stateful phase followed each link from the 201 of POST /ims-sessions, with the created session's id. */
export function expectSessionChains(result: PassResult): void {
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    // Schemathesis also infers links that carry only body attributes (afId, notifCorreId) into
    // the same operation: the chain is the link that carries the session's id.
    const link = result.links.find(
      (l) =>
        l.name.startsWith('POST /ims-sessions -> [201]') &&
        l.name.endsWith(`-> ${method} /ims-sessions/{sessionId}`) &&
        l.sources.some((source) => SESSION_ID_SOURCE.test(source)),
    );
    expect(
      link,
      `no stateful link POST 201 → ${method}; followed: ${result.links.map((l) => l.name).join('; ') || 'none'} (${result.linkSummary})`,
    ).toBeDefined();
    expect(link!.carriedValue, `${link!.name}: ${link!.applied} requests, none with the created session's id`).toBeGreaterThan(0);
    expect(link!.sources.some((source) => SESSION_ID_SOURCE.test(source))).toBe(true);
  }
}

/**
 * In oauth2 mode ignored_auth ran (it skips operations whose authentication the spec makes
 * optional: see oauth2Profile), every operation was also called without a token, and each such
 * call got 401.
 */
export function expectTokenRequired(result: PassResult, operations: string[]): void {
  expect(result.checks['ignored_auth']?.passed ?? 0, 'ignored_auth never ran').toBeGreaterThan(0);
  for (const operation of operations) {
    const statuses = result.withoutAuthorization[operation] ?? [];
    expect(statuses.length, `${operation} was never called without a token`).toBeGreaterThan(0);
    expect(new Set(statuses), `${operation} without a token`).toEqual(new Set([401]));
  }
}

/** The Schemathesis environment, built once per test file (or the reason it cannot be). */
const env: Promise<PythonEnv> = missingPython === undefined ? schemathesisEnv() : Promise.reject(new Error(missingPython));
env.catch(() => undefined);

/**
 * The passes of one authentication mode, against one reference server on `engine` (PostgreSQL: a
 * database of its own on the run's PostgreSQL), started before them.
 */
export function describeMode(mode: AuthMode, title: string, body: (target: () => Target) => void, engine: StoreEngine = 'lmdb'): void {
  describe(title, () => {
    let target: Target | undefined;
    beforeAll(async () => {
      if (missingPython !== undefined) return;
      target = await startTarget(mode, { engine, databaseUrl: inject('databaseUrl') });
    });
    afterAll(async () => target?.close());
    body(() => {
      if (missingPython !== undefined) throw new Error(missingPython);
      return target!;
    });
  });
}
