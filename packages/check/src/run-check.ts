import { send } from './attacks/wire.js';
import { CheckContext, SkipCheck, type Check, type CheckSettings, type SharedState } from './check-context.js';
import { TargetUnreachableError, type CheckMode, type CheckOptions, type CheckReport, type CheckResult } from './check-types.js';
import { HOSTILE_CHECKS } from './checks/hostile-checks.js';
import { FINAL_CHECKS, SESSION_EVENT_CHECKS } from './checks/notification-checks.js';
import { READ_ONLY_CHECKS } from './checks/read-only-checks.js';
import { SESSION_CHECKS } from './checks/session-checks.js';
import { ExchangeJudge } from './exchange-judge.js';
import { openNotificationInbox } from './notification-inbox.js';
import { SessionRegistry } from './session-registry.js';

/** Every check, in the order they run. */
export const CHECKS: readonly Check[] = [
  ...READ_ONLY_CHECKS,
  ...SESSION_CHECKS,
  ...SESSION_EVENT_CHECKS,
  ...HOSTILE_CHECKS,
  ...FINAL_CHECKS,
];

const RANK: Record<CheckMode, number> = { 'read-only': 0, create: 1, hostile: 2 };

/**
 * Runs the conformance kit against the MMTel Enabler Server at `options.apiRoot`: every check the
 * mode allows, each judged against the bundled specs and named by its clause. Checks that need
 * more than the mode allows are reported as skipped. Every session the kit created is released
 * before it returns, after a failure or an abort too. Throws TargetUnreachableError when the
 * target does not answer at all.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const mode = options.mode ?? 'create';
  const signal = options.signal ?? new AbortController().signal;
  await assertReachable(apiRoot);
  const settings: CheckSettings = {
    apiRoot,
    afId: options.afId ?? (options.token === undefined ? undefined : subjectOf(options.token)) ?? 'default',
    token: options.token,
    notifyTimeoutMs: options.notifyTimeoutMs ?? 10_000,
    runs: options.runs ?? 50,
    seed: options.seed ?? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    signal,
  };
  const judge = new ExchangeJudge();
  const inbox = await openNotificationInbox(judge, options.notifyHost ?? '127.0.0.1', options.notifyPort ?? 0);
  const sessions = new SessionRegistry();
  const shared: SharedState = {};
  const results: CheckResult[] = [];
  try {
    for (const check of CHECKS) {
      const result =
        RANK[check.mode] > RANK[mode]
          ? {
              ...skipped(check, `needs --${check.mode === 'hostile' ? 'hostile' : 'create (the default, not --read-only)'}`),
              needs: check.mode,
            }
          : signal.aborted
            ? skipped(check, 'interrupted')
            : await runOne(check, new CheckContext(settings, judge, inbox, sessions, shared, check.clause));
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    await sessions.releaseAll((url) =>
      send(new URL(url).origin, { method: 'DELETE', path: new URL(url).pathname, ...authOf(settings.token) }),
    );
    await inbox.close();
  }
  const count = (outcome: CheckResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  return {
    apiRoot,
    mode,
    ...(mode === 'hostile' && { seed: settings.seed, runs: settings.runs }),
    notifyUri: inbox.imsSessionUri,
    results,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    ms: Math.round(performance.now() - started),
  };
}

async function runOne(check: Check, context: CheckContext): Promise<CheckResult> {
  const started = performance.now();
  const base = { clause: check.clause, title: check.title };
  const ms = () => Math.round(performance.now() - started);
  try {
    await check.run(context);
  } catch (error) {
    if (error instanceof SkipCheck)
      return { ...base, outcome: 'skipped', details: [error.message], exchanges: context.exchanges, ms: ms() };
    // A request without an answer, or an answer the check could not read: the check failed, the run goes on.
    context.fail(error instanceof Error ? error.message : String(error));
  }
  // Ctrl-C in the middle of a check: what it saw is incomplete, neither a pass nor a failure.
  if (context.settings.signal.aborted)
    return { ...base, outcome: 'skipped', details: ['interrupted'], exchanges: context.exchanges, ms: ms() };
  const details = context.violations.map((v) => (v.clause === check.clause ? v.message : `${v.clause}: ${v.message}`));
  return {
    ...base,
    outcome: details.length === 0 ? 'passed' : 'failed',
    details: [...new Set(details)],
    exchanges: context.exchanges,
    ms: ms(),
  };
}

function skipped(check: Check, reason: string): CheckResult {
  return { clause: check.clause, title: check.title, outcome: 'skipped', details: [reason], exchanges: 0, ms: 0 };
}

function authOf(token: string | undefined): { headers?: Record<string, string> } {
  return token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } };
}

/** One request that any HTTP server answers somehow: no answer at all means there is nothing to check. */
async function assertReachable(apiRoot: string): Promise<void> {
  try {
    await send(apiRoot, { method: 'GET', path: '/' }, 10_000);
  } catch (error) {
    const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new TargetUnreachableError(`${apiRoot} does not answer (${cause})`);
  }
}

/** The `sub` of a JWT access token, read without verifying it: the afId the target expects of its AF. */
function subjectOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && 'sub' in claims && typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
