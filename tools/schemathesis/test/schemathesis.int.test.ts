import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonVersion, type PythonEnv } from '@mmtel/toolchain';
import { type Api, type AuthMode, type PassResult, runPass, schemathesisEnv, startTarget, type Target } from '../src/schemathesis-run.js';

// The bounded CI pass: a fixed seed and few examples per operation, every check, every phase.
// `pnpm schemathesis` is the long pass (random seed, many examples).
const SEED = 29392;
const MAX_EXAMPLES = 25;

// Without Python the passes cannot run: CI must say so, a developer's machine skips with the reason.
const missingPython = await pythonVersion().then(
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
async function pass(target: Target, api: Api): Promise<PassResult> {
  const result = await runPass({ target, api, seed: SEED, maxExamples: MAX_EXAMPLES, label: 'ci', env: await env, timeoutMs: 240_000 });
  if (!result.passed) {
    throw new Error(`Schemathesis found failures (exit ${result.exitCode}, seed ${result.seed}):\n\n${result.report}\n\n${result.replay}`);
  }
  for (const check of CORE_CHECKS) expect(result.checks[check]?.passed ?? 0, `check ${check} never ran`).toBeGreaterThan(0);
  return result;
}

/** The stateful phase followed each link from the 201 of POST /ims-sessions, with the created session's id. */
function expectSessionChains(result: PassResult): void {
  for (const method of ['PUT', 'PATCH', 'DELETE']) {
    const link = result.links.find((l) => l.name.startsWith('POST /ims-sessions -> [201]') && l.name.endsWith(`-> ${method} /ims-sessions/{sessionId}`));
    expect(link, `no stateful link POST 201 → ${method}; followed: ${result.links.map((l) => l.name).join('; ') || 'none'} (${result.linkSummary})`).toBeDefined();
    expect(link!.carriedValue, `${link!.name}: ${link!.applied} requests, none with the created session's id`).toBeGreaterThan(0);
    expect(link!.sources.some((source) => /^\$response\.(body#\/sessionId|header\.Location)/.test(source))).toBe(true);
  }
}

/**
 * In oauth2 mode ignored_auth ran (it skips operations whose authentication the spec makes
 * optional: see oauth2Profile), every operation was also called without a token, and each such
 * call got 401.
 */
function expectTokenRequired(result: PassResult, operations: string[]): void {
  expect(result.checks['ignored_auth']?.passed ?? 0, 'ignored_auth never ran').toBeGreaterThan(0);
  for (const operation of operations) {
    const statuses = result.withoutAuthorization[operation] ?? [];
    expect(statuses.length, `${operation} was never called without a token`).toBeGreaterThan(0);
    expect(new Set(statuses), `${operation} without a token`).toEqual(new Set([401]));
  }
}

const env: Promise<PythonEnv> = missingPython === undefined ? schemathesisEnv() : Promise.reject(new Error(missingPython));
env.catch(() => undefined);

const CALL_CONTROL_OPERATIONS = ['POST /ims-sessions', 'PUT /ims-sessions/{sessionId}', 'PATCH /ims-sessions/{sessionId}', 'DELETE /ims-sessions/{sessionId}'];

function describeMode(mode: AuthMode, title: string, body: (target: () => Target) => void): void {
  describe(title, () => {
    let target: Target | undefined;
    beforeAll(async () => {
      if (missingPython !== undefined) return;
      target = await startTarget(mode);
    });
    afterAll(async () => target?.close());
    body(() => {
      if (missingPython !== undefined) throw new Error(missingPython);
      return target!;
    });
  });
}

if (missingPython !== undefined && !process.env['CI']) {
  it.skip(`Schemathesis passes: skipped, ${missingPython}`, () => undefined);
} else {
  describeMode('none', 'Schemathesis against the reference server, MMTEL_AUTH=none', (target) => {
    it('MMTel_CallControl conforms to its spec under every check and phase, and the stateful phase chains the created session into PUT, PATCH and DELETE', async () => {
      const result = await pass(target(), 'callcontrol');
      expectSessionChains(result);
    });

    it('MMTel_CallEvent conforms to its spec under every check; its pseudo operation answers nothing but 501 ProblemDetails and 4xx', async () => {
      await pass(target(), 'callevent');
    });
  });

  describeMode('oauth2', 'Schemathesis against the reference server, MMTEL_AUTH=oauth2 with a token from its own endpoint', (target) => {
    it('MMTel_CallControl conforms to its spec with a token, and refuses every operation without a valid one (ignored_auth)', async () => {
      const result = await pass(target(), 'callcontrol');
      expectSessionChains(result);
      expectTokenRequired(result, CALL_CONTROL_OPERATIONS);
    });

    it('MMTel_CallEvent conforms to its spec with a token, and refuses its operation without one (ignored_auth)', async () => {
      const result = await pass(target(), 'callevent');
      expectTokenRequired(result, ['POST /session-event-subscriptions']);
    });
  });
}
