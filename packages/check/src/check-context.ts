import type { Operation } from './attacks/spec-documents.js';
import { send, type WireAnswer, type WireRequest } from './attacks/wire.js';
import type { CheckMode } from './check-types.js';
import type { ExchangeJudge, Violation } from './exchange-judge.js';
import type { NotificationInbox } from './notification-inbox.js';
import type { SessionRegistry } from './session-registry.js';

/** One check of the kit: the clause it proves, what it checks, and how. */
export interface Check {
  clause: string;
  title: string;
  /** The least the kit must be allowed to do for this check to run. */
  mode: CheckMode;
  run(context: CheckContext): Promise<void>;
}

/** What the run shares between checks (the session the create check made, for the checks after it). */
export interface SharedState {
  session?: { sessionId: string; url: string; body: Record<string, unknown> };
  /** Why there is no session, for the checks that need one. */
  noSession?: string;
}

/** Thrown by `skip`: the check could not run here, and says why. */
export class SkipCheck extends Error {
  override readonly name = 'SkipCheck';
}

/** The settings every check reads. */
export interface CheckSettings {
  apiRoot: string;
  afId: string;
  token: string | undefined;
  notifyTimeoutMs: number;
  runs: number;
  seed: number;
  bodyLimit: number;
  signal: AbortSignal;
}

/**
 * What a check works with while it runs: requests that are judged against the specs as they are
 * answered (every violation lands in this check's result, with its clause), the kit's receiver,
 * the sessions to release, and the state earlier checks left.
 */
export class CheckContext {
  readonly violations: Violation[] = [];
  exchanges = 0;

  constructor(
    readonly settings: CheckSettings,
    readonly judge: ExchangeJudge,
    readonly inbox: NotificationInbox,
    readonly sessions: SessionRegistry,
    readonly shared: SharedState,
    private readonly clause: string,
  ) {}

  /**
   * Sends `req` (its path under the apiRoot, or an absolute URL) and judges the answer as an
   * answer of `operation` (undefined: a request no operation declares, judged as a
   * ProblemDetails only). A 201 from POST ims-sessions is remembered, so that the session is
   * released whatever happens next.
   */
  async exchange(operation: Operation | undefined, req: WireRequest): Promise<WireAnswer> {
    const answer = await this.sendRaw(req);
    this.violations.push(...this.judge.judge(operation, answer));
    return answer;
  }

  /** Sends `req` and judges nothing (the caller judges); still remembers a created session. */
  async sendRaw(req: WireRequest): Promise<WireAnswer> {
    if (this.settings.signal.aborted) throw new SkipCheck('interrupted');
    const { origin, path } = split(this.settings.apiRoot, req.path);
    const headers = { ...req.headers, ...(this.settings.token !== undefined && { authorization: `Bearer ${this.settings.token}` }) };
    this.exchanges++;
    const answer = await send(origin, { ...req, path, headers });
    if (req.method === 'POST' && answer.status === 201) this.sessions.remember(origin + path, answer);
    return answer;
  }

  /** Records a broken rule of this check's own clause (or of `clause`). */
  fail(message: string, clause = this.clause): void {
    this.violations.push({ clause, message });
  }

  /** Records `message` unless `answer` has one of `statuses`. */
  expectStatus(answer: WireAnswer, statuses: readonly number[], what: string): boolean {
    if (statuses.includes(answer.status)) return true;
    this.fail(
      `${what} answered ${answer.status}, expected ${statuses.join(' or ')}${answer.text === '' ? '' : `: ${answer.text.slice(0, 300)}`}`,
    );
    return false;
  }

  /** Ends the check as skipped, saying why. */
  skip(reason: string): never {
    throw new SkipCheck(reason);
  }
}

/** `path` against the apiRoot (which may have a path of its own), or an absolute URL as given. */
function split(apiRoot: string, path: string): { origin: string; path: string } {
  if (/^https?:\/\//i.test(path)) {
    const url = new URL(path);
    return { origin: url.origin, path: `${url.pathname}${url.search}` };
  }
  return { origin: apiRoot, path };
}
