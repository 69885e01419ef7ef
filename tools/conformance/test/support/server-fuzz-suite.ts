import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { StoreEngine } from '../../../../packages/server/test/support/store-engines.js';
import { isReadOnly, SchemaArbitraries } from '../../src/fuzz/arbitraries-from-schema.js';
import { bodyAttacks, type Attack } from '../../src/fuzz/body-attacks.js';
import { checkProperty, fuzzTimeout } from '../../src/fuzz/fuzz-run.js';
import { FIXED_IN_SERVER, OPEN_IN_SERVER, serverAttackExclusions, serverMutationOptions } from '../../src/fuzz/known-findings.js';
import { mergePatch } from '../../src/fuzz/merge-patch.js';
import { mutationsOf, type Expectation } from '../../src/fuzz/mutations.js';
import { BUNDLED, componentSchema, loadSpec, operationById, type Operation, type Schema } from '../../src/fuzz/spec-documents.js';
import { SpecValidator } from '../../src/fuzz/spec-validator.js';
import { expectAnswer, judgeOf, loopbackUri, startFuzzServer, type Target } from '../../src/fuzz/targets.js';
import { send, type WireAnswer, type WireRequest } from '../../src/fuzz/wire.js';

// Every request below is derived from the bundled specs: valid bodies from their schemas,
// invalid ones by breaking one attribute, and attacks on the bytes and headers around them.
const callControl = loadSpec(BUNDLED.callControl);
const callEvent = loadSpec(BUNDLED.callEvent);
const create = operationById(callControl, 'CreateImsSession');
const update = operationById(callControl, 'UpdateImsSession');
const modify = operationById(callControl, 'ModifyImsSession');
const release = operationById(callControl, 'ReleaseImsSession');
const subscribe = operationById(callEvent, 'Subscribe');

const judge = judgeOf(callControl);
const validator = new SpecValidator(callControl);
const imsSessionSchema = componentSchema(callControl, 'ImsSession');
const imsSessionInfoSchema = componentSchema(callControl, 'ImsSessionInfo');
const notifTargets = { '#/components/schemas/Uri': loopbackUri() };
/** Request bodies as a client builds them (no readOnly attributes). */
const requests = new SchemaArbitraries(callControl, { overrides: notifTargets });
/** Bodies as a client that sends back a representation builds them (readOnly attributes too). */
const representations = new SchemaArbitraries(callControl, { overrides: notifTargets, readOnly: 'include' });
/**
 * Attributes the spec fixes at creation (ImsSession and ImsSessionInfo descriptions), as JSON
 * Pointers into the resource: a change is a 403.
 */
const FIXED_AT_CREATION = [
  '/afId',
  '/suppFeat',
  '/self',
  '/imsSessionInfo/callingParty',
  '/imsSessionInfo/calledParty',
  '/imsSessionInfo/sessionId',
] as const;
/** The minimal valid creation body (TS 29.522 V19.5.0's required attributes and notifUri). */
const MINIMAL_SESSION = {
  afId: 'af-fuzz',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: 'http://127.0.0.1:9/n',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a JSON Pointer of the two levels used here (`/a` or `/a/b`), or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  return pointer
    .slice(1)
    .split('/')
    .reduce<unknown>((node, name) => (isRecord(node) ? node[name] : undefined), root);
}

/** Sets (or, for undefined, deletes) the value at a pointer of the two levels used here. */
function setAt(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const [first, second] = pointer.slice(1).split('/') as [string, string | undefined];
  if (second === undefined) {
    if (value === undefined) delete root[first];
    else root[first] = value;
    return;
  }
  const inner = { ...(isRecord(root[first]) ? root[first] : {}) };
  if (value === undefined) delete inner[second];
  else inner[second] = value;
  root[first] = inner;
}

/** A PUT body that keeps the session as it is (the fixed attributes sent back unchanged). */
function unchangedBody(session: Record<string, unknown>): Record<string, unknown> {
  const info = session.imsSessionInfo as Record<string, unknown>;
  return {
    afId: session.afId,
    imsSessionInfo: { callingParty: info.callingParty, calledParty: info.calledParty },
    notifUri: session.notifUri,
  };
}

/** The sessionId of a session's representation. */
function idOf(session: Record<string, unknown>): string {
  return String(valueAt(session, '/imsSessionInfo/sessionId'));
}

/** The server under attack: one per test file, on the engine the file names. */
let server: Target;

/** The request path of an operation, its path parameters filled in (percent-encoded). */
function pathOf(op: Operation, params: Record<string, string> = {}): string {
  return op.basePath + op.path.replace(/\{([^}]+)\}/g, (_all, name: string) => encodeURIComponent(params[name] ?? ''));
}

function jsonRequest(op: Operation, body: unknown, params?: Record<string, string>): WireRequest {
  return { method: op.method, path: pathOf(op, params), contentType: op.body?.contentTypes[0], body: JSON.stringify(body) };
}

/** The success statuses an operation declares, as an expectation. */
function success(op: Operation): Expectation {
  return { statuses: op.successStatuses };
}

/** Creates a session from a valid generated body; returns its representation. */
async function createdSession(body: unknown = MINIMAL_SESSION): Promise<Record<string, unknown>> {
  const answer = await expectAnswer(judge, server, jsonRequest(create, body), success(create));
  return JSON.parse(answer.text) as Record<string, unknown>;
}

/** What is wrong with a success answer's body: it must match the schema the operation declares for its status. */
function representationChecks(op: Operation, answer: WireAnswer): string[] {
  const schema = op.responseSchema(answer.status);
  if (schema === undefined) return answer.text === '' ? [] : [`${answer.status} has a body although the spec declares none`];
  const errors = validator.errors(schema, JSON.parse(answer.text));
  return errors.map((e) => `the ${answer.status} body breaks the spec at ${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

/** JSON as it travels: -0 becomes 0, lone surrogates stay. */
function asSent(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/**
 * Attributes of `sent` the representation must carry unchanged (those the server does not own or
 * negotiate), at the top level and inside imsSessionInfo; `skip` holds JSON Pointers.
 */
function echoChecks(
  sent: Record<string, unknown>,
  got: Record<string, unknown>,
  skip: readonly string[],
  schema: Schema = imsSessionSchema,
  at = '',
): string[] {
  return Object.entries(asSent(sent) as Record<string, unknown>).flatMap(([name, value]) => {
    const pointer = `${at}/${name}`;
    if (skip.includes(pointer) || isReadOnly(callControl, ((schema.properties ?? {}) as Record<string, Schema>)[name] ?? {})) return [];
    if (pointer === '/imsSessionInfo' && isRecord(value) && isRecord(got[name]))
      return echoChecks(value, got[name], skip, imsSessionInfoSchema, pointer);
    if (isDeepStrictEqual(got[name], value)) return [];
    return [`${pointer} is ${JSON.stringify(got[name])?.slice(0, 200)}, sent ${JSON.stringify(value).slice(0, 200)}`];
  });
}

/** The expectation of an attack on `op`: its verdict resolved against the operation's success statuses. */
function attackExpectation(op: Operation, attack: Attack, valid: Expectation = success(op)): Expectation {
  if (attack.verdict === 'valid') return valid;
  if (attack.verdict === 'either') return { statuses: [...valid.statuses, ...attack.expect.statuses] };
  return attack.expect;
}

function attackRequest(op: Operation, attack: Attack, params?: Record<string, string>): WireRequest {
  return { method: op.method, path: pathOf(op, params), contentType: attack.contentType, body: attack.body };
}

/**
 * Every fast-check attack on the reference server (bodies, bytes and headers, ids and paths, the
 * replayed findings), against a server on `engine`. One test file per engine calls it, so that the
 * two run side by side with the same seed and the same runs.
 */
export function describeServerFuzz(engine: StoreEngine): void {
  describe(`the reference server on the ${engine} store`, () => {
    beforeAll(async () => {
      server = await startFuzzServer(engine, inject('databaseUrl'));
    });
    afterAll(async () => server?.close());

    describe('POST /ims-sessions (CreateImsSession) on the reference server', () => {
      const schema = create.body!.schema;

      it('creates a session (201, Location = self, a valid ImsSession echoing the request) for every valid ImsSession', {
        timeout: fuzzTimeout(20),
      }, async () => {
        await checkProperty(
          'create: valid ImsSession',
          fc.asyncProperty(representations.of(schema), async (body) => {
            await expectAnswer(judge, server, jsonRequest(create, body), success(create), (answer) => {
              const session = JSON.parse(answer.text) as Record<string, unknown>;
              const found = representationChecks(create, answer);
              if (answer.headers.location !== session.self)
                found.push(`Location ${String(answer.headers.location)} is not self ${String(session.self)}`);
              const state = valueAt(session, '/imsSessionInfo/sessionState');
              if (state !== 'INITIATING') found.push(`a new session is ${String(state)}`);
              return [...found, ...echoChecks(body as Record<string, unknown>, session, ['/suppFeat', '/websockNotifConfig'])];
            });
          }),
          20,
        );
      });

      it('answers 400 with the cause and the invalidParams pointer of the broken attribute for every ImsSession broken in one attribute', {
        timeout: fuzzTimeout(25),
      }, async () => {
        await checkProperty(
          'create: one attribute broken',
          fc.asyncProperty(
            requests.of(schema).chain((body) => mutationsOf(callControl, schema, body, serverMutationOptions) ?? fc.constant(undefined)),
            async (mutation) => {
              if (mutation === undefined) return;
              await expectAnswer(
                judge,
                server,
                jsonRequest(create, mutation.body),
                mutation.stillValid ? success(create) : mutation.expect,
                undefined,
                `${mutation.kind} at ${mutation.pointer}`,
              );
            },
          ),
          25,
        );
      });

      it('answers every attack on the body bytes and headers with its status (400, 413, 415 or success), never 5xx', {
        timeout: fuzzTimeout(25),
      }, async () => {
        const target = {
          spec: callControl,
          schema,
          contentTypes: create.body!.contentTypes,
          bodyLimit: server.bodyLimit,
          exclude: serverAttackExclusions,
        };
        await checkProperty(
          'create: body attacks',
          fc.asyncProperty(
            requests.of(schema).chain((body) => bodyAttacks(target, body)),
            async (attack) => {
              await expectAnswer(judge, server, attackRequest(create, attack), attackExpectation(create, attack), undefined, attack.kind);
            },
          ),
          25,
        );
      });
    });

    describe('PUT /ims-sessions/{sessionId} (UpdateImsSession) on the reference server', () => {
      const schema = update.body!.schema;
      /** A valid PUT body for `session`: the fixed attributes left out or sent back unchanged, sessionState anything (the server ignores it). */
      const replacement = fc.record({ body: representations.of(schema), keep: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) });
      function replacementFor(
        session: Record<string, unknown>,
        { body, keep }: { body: unknown; keep: boolean[] },
      ): Record<string, unknown> {
        const put: Record<string, unknown> = { ...(body as Record<string, unknown>), afId: session.afId };
        for (const name of ['/imsSessionInfo/callingParty', '/imsSessionInfo/calledParty']) setAt(put, name, valueAt(session, name));
        (['/suppFeat', '/imsSessionInfo/sessionId', '/self'] as const).forEach((name, i) => {
          setAt(put, name, keep[i] === true ? valueAt(session, name) : undefined);
        });
        return put;
      }

      it('replaces the session (200 with a valid ImsSession, or 204) for every valid body that keeps the attributes fixed at creation', {
        timeout: fuzzTimeout(20),
      }, async () => {
        await checkProperty(
          'update: valid ImsSession',
          fc.asyncProperty(requests.of(create.body!.schema), replacement, async (original, generated) => {
            const session = await createdSession(original);
            const put = replacementFor(session, generated);
            await expectAnswer(judge, server, jsonRequest(update, put, { sessionId: idOf(session) }), success(update), (answer) => {
              if (answer.status === 204) return [];
              const got = JSON.parse(answer.text) as Record<string, unknown>;
              const found = representationChecks(update, answer);
              for (const name of [...FIXED_AT_CREATION, '/imsSessionInfo/sessionState'])
                if (!isDeepStrictEqual(valueAt(got, name), valueAt(session, name)))
                  found.push(`${name} changed from ${JSON.stringify(valueAt(session, name))} to ${JSON.stringify(valueAt(got, name))}`);
              return [...found, ...echoChecks(put, got, ['/suppFeat', '/websockNotifConfig', '/imsSessionInfo/sessionState'])];
            });
          }),
          20,
        );
      });

      it('answers 403 MODIFICATION_NOT_ALLOWED naming the attribute when a PUT changes an attribute fixed at creation', {
        timeout: fuzzTimeout(15),
      }, async () => {
        const publicId = requests.component('ImsPublicId');
        await checkProperty(
          'update: fixed attribute changed',
          fc.asyncProperty(
            replacement,
            fc.constantFrom('/afId', '/imsSessionInfo/callingParty', '/imsSessionInfo/calledParty', '/suppFeat'),
            publicId,
            fc.stringMatching(/^[A-Fa-f0-9]{1,4}$/),
            async (generated, name, id, mask) => {
              const session = await createdSession();
              const put = replacementFor(session, generated);
              setAt(put, name, name === '/suppFeat' ? mask : id);
              if (isDeepStrictEqual(valueAt(put, name), valueAt(session, name))) return;
              await expectAnswer(judge, server, jsonRequest(update, put, { sessionId: idOf(session) }), {
                statuses: [403],
                cause: 'MODIFICATION_NOT_ALLOWED',
                param: name,
              });
            },
          ),
          15,
        );
      });

      it('answers 400 naming the broken attribute for every PUT body broken in one attribute', { timeout: fuzzTimeout(20) }, async () => {
        const session = await createdSession();
        await checkProperty(
          'update: one attribute broken',
          fc.asyncProperty(
            replacement
              .map((generated) => replacementFor(session, generated))
              .chain((body) => mutationsOf(callControl, schema, body, serverMutationOptions) ?? fc.constant(undefined)),
            async (mutation) => {
              if (mutation === undefined || mutation.stillValid) return;
              await expectAnswer(
                judge,
                server,
                jsonRequest(update, mutation.body, { sessionId: idOf(session) }),
                mutation.expect,
                undefined,
                `${mutation.kind} at ${mutation.pointer}`,
              );
            },
          ),
          20,
        );
      });

      it('answers every attack on the PUT body bytes and headers with its status, never 5xx', { timeout: fuzzTimeout(20) }, async () => {
        const session = await createdSession();
        const target = {
          spec: callControl,
          schema,
          contentTypes: update.body!.contentTypes,
          bodyLimit: server.bodyLimit,
          exclude: serverAttackExclusions,
        };
        await checkProperty(
          'update: body attacks',
          fc.asyncProperty(
            replacement.map((generated) => replacementFor(session, generated)).chain((body) => bodyAttacks(target, body)),
            async (attack) => {
              await expectAnswer(
                judge,
                server,
                attackRequest(update, attack, { sessionId: idOf(session) }),
                attackExpectation(update, attack),
                undefined,
                attack.kind,
              );
            },
          ),
          20,
        );
      });
    });

    describe('PATCH /ims-sessions/{sessionId} (ModifyImsSession) on the reference server', () => {
      const schema = modify.body!.schema;

      it('answers every valid ImsSessionPatch as RFC 7396 predicts: 200/204 when the merged session is a valid ImsSession, else 400', {
        timeout: fuzzTimeout(20),
      }, async () => {
        await checkProperty(
          'modify: valid ImsSessionPatch',
          fc.asyncProperty(requests.of(create.body!.schema), requests.of(schema), async (original, patch) => {
            const session = await createdSession(original);
            const { self: _self, ...stored } = session;
            const merged = mergePatch(stored, patch) as Record<string, unknown>;
            const mergedValid = validator.errors(imsSessionSchema, merged).length === 0;
            const expect: Expectation = mergedValid ? success(modify) : { statuses: [400] };
            await expectAnswer(judge, server, jsonRequest(modify, patch, { sessionId: idOf(session) }), expect, (answer) => {
              if (answer.status !== 200) return [];
              const got = JSON.parse(answer.text) as Record<string, unknown>;
              const found = representationChecks(modify, answer);
              const want = asSent({ ...merged, self: session.self }) as Record<string, unknown>;
              for (const name of new Set([...Object.keys(want), ...Object.keys(got)])) {
                if (!isDeepStrictEqual(got[name], want[name]))
                  found.push(
                    `/${name} is ${JSON.stringify(got[name])?.slice(0, 200)}, RFC 7396 gives ${JSON.stringify(want[name])?.slice(0, 200)}`,
                  );
              }
              return found;
            });
          }),
          20,
        );
      });

      it('answers 400 naming the broken attribute for every ImsSessionPatch broken in one attribute', {
        timeout: fuzzTimeout(20),
      }, async () => {
        const session = await createdSession();
        await checkProperty(
          'modify: one attribute broken',
          fc.asyncProperty(
            requests.of(schema).chain((patch) => mutationsOf(callControl, schema, patch, serverMutationOptions) ?? fc.constant(undefined)),
            async (mutation) => {
              if (mutation === undefined || mutation.stillValid) return;
              await expectAnswer(
                judge,
                server,
                jsonRequest(modify, mutation.body, { sessionId: idOf(session) }),
                mutation.expect,
                undefined,
                `${mutation.kind} at ${mutation.pointer}`,
              );
            },
          ),
          20,
        );
      });

      it('answers every attack on the PATCH body bytes and headers with its status, never 5xx', { timeout: fuzzTimeout(20) }, async () => {
        const session = await createdSession();
        const target = {
          spec: callControl,
          schema,
          contentTypes: modify.body!.contentTypes,
          bodyLimit: server.bodyLimit,
          exclude: serverAttackExclusions,
        };
        await checkProperty(
          'modify: body attacks',
          fc.asyncProperty(
            requests.of(schema).chain((patch) => bodyAttacks(target, patch)),
            async (attack) => {
              // A valid patch may still merge into an invalid session: 400 is then right too.
              const expect = attackExpectation(modify, attack, { statuses: [...modify.successStatuses, 400] });
              await expectAnswer(
                judge,
                server,
                attackRequest(modify, attack, { sessionId: idOf(session) }),
                expect,
                undefined,
                attack.kind,
              );
            },
          ),
          20,
        );
      });
    });

    describe('Individual IMS Session ids the server never allocated', () => {
      /**
       * Ids that a URL path segment can carry as themselves (`.` and `..` are path steps, not ids),
       * NUL and the other control characters included: PostgreSQL text cannot hold NUL (issue 15).
       */
      const unknownId = fc
        .oneof(
          fc.uuid(),
          fc.string({ minLength: 1, maxLength: 40 }),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
          fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }),
          fc.constantFrom('\u0000', 'a\u0000b', '\u0000\u0000'),
        )
        .filter((id) => id !== '.' && id !== '..' && encodeURIComponent(id).length <= 100);

      it('answers 404 SESSION_NOT_FOUND to PUT, PATCH and DELETE of an unknown session id with a valid body', {
        timeout: fuzzTimeout(20),
      }, async () => {
        const session = await createdSession();
        await checkProperty(
          'unknown ids',
          fc.asyncProperty(unknownId, fc.constantFrom(update, modify, release), requests.of(modify.body!.schema), async (id, op, patch) => {
            const body = op === update ? unchangedBody(session) : patch;
            const req: WireRequest =
              op.body === undefined ? { method: op.method, path: pathOf(op, { sessionId: id }) } : jsonRequest(op, body, { sessionId: id });
            await expectAnswer(judge, server, req, { statuses: [404], cause: 'SESSION_NOT_FOUND' });
          }),
          20,
        );
      });

      it('releases a session once (204) and then answers 404 to PUT, PATCH and DELETE of it', { timeout: fuzzTimeout(10) }, async () => {
        await checkProperty(
          'release then reuse',
          fc.asyncProperty(requests.of(create.body!.schema), fc.constantFrom(update, modify, release), async (original, op) => {
            const session = await createdSession(original);
            const id = idOf(session);
            await expectAnswer(judge, server, { method: 'DELETE', path: pathOf(release, { sessionId: id }) }, success(release));
            const body = op === update ? unchangedBody(session) : {};
            const req: WireRequest =
              op.body === undefined ? { method: op.method, path: pathOf(op, { sessionId: id }) } : jsonRequest(op, body, { sessionId: id });
            await expectAnswer(judge, server, req, { statuses: [404], cause: 'SESSION_NOT_FOUND' });
          }),
          10,
        );
      });

      it('answers 404 or 405 (with Allow) ProblemDetails to any path and method the specs do not define', {
        timeout: fuzzTimeout(20),
      }, async () => {
        const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..');
        const templates = [create, update].map((op) => new RegExp(`^${op.basePath}${op.path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`));
        await checkProperty(
          'unknown paths and methods',
          fc.asyncProperty(
            fc.constantFrom(
              '',
              '/mmtel-callcontrol/v1',
              '/mmtel-callcontrol/v1/ims-sessions',
              '/mmtel-callevent/v1',
              '/mmtel-callcontrol/v2',
            ),
            fc.array(segment, { maxLength: 3 }),
            fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
            async (prefix, segments, method) => {
              const path = `${prefix}/${segments.map(encodeURIComponent).join('/')}`;
              const known = templates.find((t) => t.test(path));
              const defined = known === undefined ? [] : known === templates[0] ? ['POST'] : ['PUT', 'PATCH', 'DELETE'];
              if (defined.includes(method)) return;
              // Fastify routes `…/ims-sessions/` both as the collection (405) and as an empty session
              // id, which then gets what any unknown id gets with a `{}` body: 400 (PUT), 415 (PATCH) or 404.
              const expect: Expectation =
                known === undefined
                  ? { statuses: [404] }
                  : path.endsWith('/')
                    ? { statuses: [400, 404, 405, 415] }
                    : { statuses: [405], cause: 'METHOD_NOT_ALLOWED' };
              const bodyless = method === 'GET' || method === 'OPTIONS';
              await expectAnswer(
                judge,
                server,
                { method, path, ...(!bodyless && { contentType: 'application/json', body: '{}' }) },
                expect,
                (answer) =>
                  answer.status === 405 && !defined.every((m) => String(answer.headers.allow ?? '').includes(m))
                    ? [`Allow is "${String(answer.headers.allow)}", expected ${defined.join(', ')}`]
                    : [],
              );
            },
          ),
          20,
        );
      });
    });

    describe('POST /session-event-subscriptions (the CallEvent pseudo operation) on the reference server', () => {
      const schema = subscribe.body!.schema;
      const anything = new SchemaArbitraries(callEvent);
      // The operation only carries the callback and declares nothing but `default`; the server
      // answers 501 NOT_IMPLEMENTED to any request that reaches it, and must do so to every valid one.
      const notImplemented: Expectation = { statuses: [501], cause: 'NOT_IMPLEMENTED' };

      it('answers 501 NOT_IMPLEMENTED ProblemDetails to every JSON body, and the protocol errors around it with 400, 413 or 415', {
        timeout: fuzzTimeout(20),
      }, async () => {
        const target = {
          spec: callEvent,
          schema,
          contentTypes: subscribe.body!.contentTypes,
          bodyLimit: server.bodyLimit,
          exclude: serverAttackExclusions,
        };
        await checkProperty(
          'subscribe: any body and attacks',
          fc.asyncProperty(
            anything.of(schema).chain((body) =>
              fc.oneof(
                fc.constant({ body }),
                bodyAttacks(target, body).map((attack) => ({ body, attack })),
              ),
            ),
            async ({ body, attack }: { body: unknown; attack?: Attack }) => {
              if (attack === undefined) await expectAnswer(judge, server, jsonRequest(subscribe, body), notImplemented);
              else
                await expectAnswer(
                  judge,
                  server,
                  attackRequest(subscribe, attack),
                  attackExpectation(subscribe, attack, notImplemented),
                  undefined,
                  attack.kind,
                );
            },
          ),
          20,
        );
      });
    });

    describe('findings of the fuzz tests in the reference server, replayed (fuzz-seeds.md)', () => {
      it.each(FIXED_IN_SERVER.map((c) => [c.finding, c] as const))('fixed: %s', async (_finding, { req, want }) => {
        await expectAnswer(judge, server, req, want);
      });

      // Open findings are expected failures: they prove the finding still stands and turn red once it is fixed.
      it.fails.each(OPEN_IN_SERVER.map((c) => [c.finding, c] as const))('open: %s', async (_finding, { req, want }) => {
        await expectAnswer(judge, server, req, want);
      });

      it('fixed: F4 names the whole body "" in invalidParams (RFC 6901), not "/" (the attribute named "")', async () => {
        const answer = await send(server.origin, { method: 'POST', path: pathOf(create), contentType: 'application/json', body: '[]' });
        expect((JSON.parse(answer.text) as { invalidParams: Array<{ param: string }> }).invalidParams.map((p) => p.param)).toEqual(['']);
      });
    });
  });
}
