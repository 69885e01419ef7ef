import { mulberry32 } from './seeded-random.js';
import { imsSession, SESSIONS, sessionIdOf } from './server.js';
import { mediaChange } from './tagged-notifications.js';

/** What the clients of a load run were told; only acknowledged outcomes are promises to check. */
export interface LoadLedger {
  /** Sessions answered 201, by id, with the body that created them. */
  created: Map<string, Record<string, unknown>>;
  /** Sessions released with a 204. */
  deleted: Set<string>;
  /** Sessions whose DELETE got no definite answer (transport error or 5xx): either outcome is fine. */
  uncertain: Set<string>;
  /** Ids of the notifications the server accepted (202 of an injected media change). */
  accepted: string[];
  /** Answers by status; `transport` counts requests that got none. */
  answers: Map<string, number>;
  /** Requests answered other than 2xx, or not at all. */
  failures: LoadFailure[];
}

/** One request of a load run that failed. */
export interface LoadFailure {
  request: string;
  /** The status answered, or the transport error code. */
  status: number | string;
  contentType?: string;
  /** The ProblemDetails cause. */
  cause?: string;
}

export interface LoadOptions {
  /** Servers to spread the requests over (instances sharing one store). */
  apiRoots: string[];
  /** Concurrent clients; each has its own session that receives its media changes. */
  clients: number;
  seed: number;
  /** notifUri of the sessions of client `i`. */
  notifUri(client: number): string;
  /** Checked before each request: the run ends once it returns true. */
  done(ledger: LoadLedger): boolean;
  /** Told each client's notifying session as soon as it exists (`s<i>`). */
  onNotifyingSession?(sessionId: string, label: string): void;
  /** Pause after a failed request. */
  backoffMs?: number;
}

/**
 * Clients that create and release IMS sessions and inject media changes (two notifications each)
 * as fast as the server answers, recording every acknowledgement. Failures do not stop them: a
 * test may crash the server or its database underneath.
 */
export async function runAcknowledgedLoad(options: LoadOptions): Promise<LoadLedger> {
  const { apiRoots, clients, seed, notifUri, done, onNotifyingSession, backoffMs = 20 } = options;
  const ledger: LoadLedger = {
    created: new Map(),
    deleted: new Set(),
    uncertain: new Set(),
    accepted: [],
    answers: new Map(),
    failures: [],
  };
  let turn = 0;

  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; json?: unknown } | undefined> => {
    const apiRoot = apiRoots[turn++ % apiRoots.length]!;
    try {
      const response = await fetch(apiRoot + path, {
        method,
        ...(body !== undefined && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      const json = text === '' ? undefined : (JSON.parse(text) as unknown);
      ledger.answers.set(String(response.status), (ledger.answers.get(String(response.status)) ?? 0) + 1);
      if (response.status >= 300) {
        const cause = (json as { cause?: string } | undefined)?.cause;
        ledger.failures.push({
          request: `${method} ${path}`,
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          ...(cause !== undefined && { cause }),
        });
      }
      return { status: response.status, json };
    } catch (error) {
      ledger.answers.set('transport', (ledger.answers.get('transport') ?? 0) + 1);
      const cause = (error as { cause?: { code?: string } }).cause;
      ledger.failures.push({ request: `${method} ${path}`, status: cause?.code ?? (error as Error).message });
      return undefined;
    }
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, backoffMs));

  const client = async (index: number): Promise<void> => {
    const random = mulberry32(seed + index);
    const body = imsSession({ notifUri: notifUri(index) });
    let notifying: string | undefined;
    while (notifying === undefined && !done(ledger)) {
      const answer = await send('POST', SESSIONS, body);
      if (answer?.status === 201) notifying = sessionIdOf(answer.json);
      else await pause();
    }
    if (notifying === undefined) return;
    onNotifyingSession?.(notifying, `s${index}`);
    const live: string[] = [];
    let seq = 0;
    while (!done(ledger)) {
      const roll = random();
      let ok = false;
      if (roll < 0.4 || (roll < 0.6 && live.length === 0)) {
        const answer = await send('POST', SESSIONS, body);
        ok = answer?.status === 201;
        if (ok) {
          const id = sessionIdOf(answer!.json);
          ledger.created.set(id, body);
          live.push(id);
        }
      } else if (roll < 0.6) {
        const [id] = live.splice(Math.floor(random() * live.length), 1) as [string];
        const answer = await send('DELETE', `${SESSIONS}/${id}`);
        ok = answer?.status === 204;
        if (ok) ledger.deleted.add(id);
        else ledger.uncertain.add(id);
      } else {
        // Every seq is used once, answered or not: an unanswered change may still have been queued.
        seq += 1;
        const answer = await send('POST', `/sim/v1/sessions/${notifying}/media-changes`, mediaChange(seq));
        ok = answer?.status === 202;
        if (ok) ledger.accepted.push(...(answer!.json as { notifications: string[] }).notifications);
      }
      if (!ok) await pause();
    }
  };

  await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
  return ledger;
}

/**
 * Checks on `apiRoot` that every acknowledged write held: each session answered 201 (and not
 * released) still exists (a PUT of its creation body answers 200), and each session released with
 * a 204 stays released (DELETE answers 404). Returns the violations.
 */
export async function checkAcknowledgedWrites(apiRoot: string, ledger: LoadLedger): Promise<string[]> {
  const problems: string[] = [];
  const checks: (() => Promise<void>)[] = [];
  for (const [id, body] of ledger.created) {
    if (ledger.uncertain.has(id)) continue;
    if (ledger.deleted.has(id)) {
      checks.push(async () => {
        const response = await fetch(`${apiRoot}${SESSIONS}/${id}`, { method: 'DELETE' });
        if (response.status !== 404) problems.push(`released session ${id}: DELETE answered ${response.status}, not 404`);
      });
    } else {
      checks.push(async () => {
        const response = await fetch(`${apiRoot}${SESSIONS}/${id}`, {
          method: 'PUT',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        if (response.status !== 200) problems.push(`created session ${id}: PUT answered ${response.status}: ${await response.text()}`);
      });
    }
  }
  // A few at a time: hundreds of sessions, checked within seconds without swamping the server.
  const workers = Array.from({ length: 8 }, async () => {
    for (let check = checks.shift(); check !== undefined; check = checks.shift()) await check();
  });
  await Promise.all(workers);
  return problems;
}
