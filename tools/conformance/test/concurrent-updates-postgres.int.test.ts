import { startReferenceServer, type ReferenceServer } from '@mmtel/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { engineSetting, type EngineSetting } from '../../../packages/server/test/support/store-engines.js';
import { checkProperty, fuzzTimeout } from '../src/fuzz/fuzz-run.js';

// Two reference servers on one PostgreSQL (the scale-out path), and PUT, PATCH and DELETE of the
// same IMS sessions sent through both at once. Every answer must be one the spec allows, and the
// answers and the final state of each session must be those of some serial order of the requests:
// no accepted update lost, none applied twice, none answered with a state that never was.
//
// Each request leaves a mark in the session's mediaComponents (a map): a PUT replaces the map
// with its own component, a PATCH adds its own (RFC 7396 merge), a DELETE removes the session. A
// serial order then predicts, after each request, the exact set of components, which the 200
// answers show; a 404 is right only where the order has the session released already.

const SESSIONS = '/mmtel-callcontrol/v1/ims-sessions';
const PARTIES = { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' };
const BASE = { afId: 'default', notifUri: 'http://127.0.0.1:9/n' };

type Kind = 'PUT' | 'PATCH' | 'DELETE';
interface Op {
  kind: Kind;
  /** Which of the two instances it is sent through. */
  via: 0 | 1;
}
/** What came back: the status, and the session's components when the answer has a body. */
interface Answer {
  status: number;
  components?: string[];
}

/** The statuses the spec allows for each operation here (the body is always valid). */
const ALLOWED: Record<Kind, number[]> = { PUT: [200, 204, 404], PATCH: [200, 204, 404], DELETE: [204, 404] };

const settings: EngineSetting[] = [];
const servers: ReferenceServer[] = [];
beforeAll(async () => {
  // Both on one database: the same store, two pools, two delivery engines, two Fastify instances.
  const setting = await engineSetting('postgres', inject('databaseUrl'));
  settings.push(setting);
  for (let i = 0; i < 2; i++)
    servers.push(await startReferenceServer({ ...setting.env, MMTEL_SIM_SCENARIO: 'silent', MMTEL_OVERLOAD_PROTECTION: 'false' }));
});
afterAll(async () => {
  for (const server of servers) await server.close();
  for (const setting of settings) await setting.release();
});

async function send(via: 0 | 1, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(servers[via]!.apiRoot + path, {
    method,
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' },
    }),
  });
  const text = await response.text();
  if (response.status !== 200) return { status: response.status };
  return {
    status: 200,
    components: Object.keys(
      (JSON.parse(text) as { imsSessionInfo: { mediaComponents?: Record<string, unknown> } }).imsSessionInfo.mediaComponents ?? {},
    ).sort(),
  };
}

const component = (mark: string) => ({ [mark]: { mediaId: mark, mediaType: 'AUDIO' } });

/** The request of `op`, marked `mark`. */
function request(sessionId: string, op: Op, mark: string): Promise<Answer> {
  const path = `${SESSIONS}/${encodeURIComponent(sessionId)}`;
  if (op.kind === 'DELETE') return send(op.via, 'DELETE', path);
  if (op.kind === 'PUT') return send(op.via, 'PUT', path, { ...BASE, imsSessionInfo: { ...PARTIES, mediaComponents: component(mark) } });
  return send(op.via, 'PATCH', path, { imsSessionInfo: { mediaComponents: component(mark) } });
}

/** The model's state of a session: its components, or undefined once released. */
type State = ReadonlySet<string> | undefined;

function apply(state: State, kind: Kind, mark: string): State {
  if (state === undefined) return undefined;
  if (kind === 'DELETE') return undefined;
  return kind === 'PUT' ? new Set([mark]) : new Set([...state, mark]);
}

/** Whether `answer` is what the model answers to `kind` in `state`, and the state after it. */
function step(state: State, kind: Kind, mark: string, answer: Answer): State | false {
  if (answer.status === 404) return state === undefined ? state : false;
  if (state === undefined) return false;
  const after = apply(state, kind, mark);
  if (answer.components !== undefined && (after === undefined || !sameSet(after, answer.components))) return false;
  return after;
}

const sameSet = (a: ReadonlySet<string>, b: readonly string[]) => a.size === b.length && b.every((x) => a.has(x));

/**
 * A serial order of the requests (indices) that gives every answer and ends in `final`, or
 * undefined. Depth-first with pruning (an answer's component set pins the state), a shortcut once
 * the session is released (every request left must then have answered 404, in any order), and a
 * memo of the (requests done, state) pairs that led nowhere, so that a run with no such order is
 * refuted in bounded time.
 */
function serialOrder(start: State, ops: readonly { kind: Kind; mark: string; answer: Answer }[], final: State): number[] | undefined {
  const order: number[] = [];
  const deadEnds = new Set<string>();
  const search = (done: number, state: State): boolean => {
    const left = ops.map((_op, i) => i).filter((i) => (done & (1 << i)) === 0);
    if (state === undefined) {
      if (final !== undefined || left.some((i) => ops[i]!.answer.status !== 404)) return false;
      order.push(...left);
      return true;
    }
    if (left.length === 0) return final !== undefined && sameSet(state, [...final]);
    const key = `${done}:${[...state].sort().join(',')}`;
    if (deadEnds.has(key)) return false;
    for (const i of left) {
      const op = ops[i]!;
      const next = step(state, op.kind, op.mark, op.answer);
      if (next === false) continue;
      order.push(i);
      if (search(done | (1 << i), next)) return true;
      order.pop();
    }
    deadEnds.add(key);
    return false;
  };
  return search(0, start) ? order : undefined;
}

const op = fc.record({ kind: fc.constantFrom<Kind>('PUT', 'PATCH', 'PATCH', 'DELETE'), via: fc.constantFrom<0 | 1>(0, 1) });

describe('two reference servers on one PostgreSQL, the same sessions updated through both at once', () => {
  it('answers PUT, PATCH and DELETE as the spec allows, and as some serial order of them would: no accepted update lost', {
    timeout: fuzzTimeout(15, 1_000),
  }, async () => {
    await checkProperty(
      'concurrent updates through two instances',
      // Up to 16 requests of one session at once (a dozen used to exhaust the compare-and-set retries: 500).
      fc.asyncProperty(fc.array(fc.array(op, { minLength: 2, maxLength: 16 }), { minLength: 1, maxLength: 3 }), async (perSession) => {
        const ids = await Promise.all(
          perSession.map(async () => {
            const response = await fetch(servers[0]!.apiRoot + SESSIONS, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ ...BASE, imsSessionInfo: { ...PARTIES, mediaComponents: component('init') } }),
            });
            if (response.status !== 201) throw new Error(`create answered ${response.status}`);
            return ((await response.json()) as { imsSessionInfo: { sessionId: string } }).imsSessionInfo.sessionId;
          }),
        );
        const marks = perSession.map((ops, s) => ops.map((_op, i) => `s${s}op${i}`));
        const answers = await Promise.all(perSession.flatMap((ops, s) => ops.map((o, i) => request(ids[s]!, o, marks[s]![i]!))));
        let at = 0;
        for (const [s, ops] of perSession.entries()) {
          const mine = ops.map((o, i) => ({ kind: o.kind, via: o.via, mark: marks[s]![i]!, answer: answers[at++]! }));
          const wrong = mine.filter((m) => !ALLOWED[m.kind].includes(m.answer.status));
          if (wrong.length > 0)
            throw new Error(
              `answers the spec does not allow: ${wrong.map((m) => `${m.kind} via ${m.via} → ${m.answer.status}`).join(', ')}`,
            );
          const final = await send(0, 'PATCH', `${SESSIONS}/${ids[s]}`, {});
          const finalState: State = final.status === 404 ? undefined : new Set(final.components);
          if (final.status !== 404 && final.status !== 200) throw new Error(`reading the final state answered ${final.status}`);
          if (serialOrder(new Set(['init']), mine, finalState) === undefined) {
            throw new Error(
              `no serial order of the requests explains the answers and the final state ${finalState === undefined ? '(released)' : JSON.stringify([...finalState])}:\n` +
                mine
                  .map(
                    (m) =>
                      `  ${m.kind} ${m.mark} via instance ${m.via} → ${m.answer.status}${m.answer.components ? ` ${JSON.stringify(m.answer.components)}` : ''}`,
                  )
                  .join('\n'),
            );
          }
        }
      }),
      15,
    );
  });
});
