import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { SchemaArbitraries } from '../src/fuzz/arbitraries-from-schema.js';
import { bodyAttacks, type Attack } from '../src/fuzz/body-attacks.js';
import { checkProperty, fuzzTimeout } from '../src/fuzz/fuzz-run.js';
import { FIXED_IN_RECEIVER, receiverAttackExclusions, receiverMutationOptions } from '../src/fuzz/known-findings.js';
import { mutationsOf, type Expectation } from '../src/fuzz/mutations.js';
import { BUNDLED, loadSpec, operationsOf, type Operation } from '../src/fuzz/spec-documents.js';
import { expectAnswer, FUZZ_REQUEST_HEADER, judgeOf, startFuzzReceiver, type ReceiverTarget } from '../src/fuzz/targets.js';
import type { WireRequest } from '../src/fuzz/wire.js';

// The receiver-side specs serve every callback as a path: each of those operations is attacked
// the same way, from its own request body schema.
const callbacks = [loadSpec(BUNDLED.callControlCallbacks), loadSpec(BUNDLED.callEventCallbacks)].flatMap((spec) => operationsOf(spec));

let receiver: ReceiverTarget;
beforeAll(async () => {
  receiver = await startFuzzReceiver();
});
afterAll(async () => receiver?.close());

let requests = 0;
/** A request to a callback path, tagged so that the handler call it causes can be found. */
function request(op: Operation, contentType: string | undefined, body: string | Uint8Array | undefined): WireRequest & { id: string } {
  const id = String(++requests);
  return { method: op.method, path: op.basePath + op.path, contentType, body, headers: { [FUZZ_REQUEST_HEADER]: id }, id };
}

function attackExpectation(op: Operation, attack: Attack): Expectation {
  if (attack.verdict === 'valid') return { statuses: op.successStatuses };
  if (attack.verdict === 'either') return { statuses: [...op.successStatuses, ...attack.expect.statuses] };
  return attack.expect;
}

describe.each(callbacks.map((op) => [`${op.method} ${op.path} (${op.operationId}) on @mmtel/receiver`, op] as const))(
  '%s',
  (_title, op) => {
    const schema = op.body!.schema;
    const notifications = new SchemaArbitraries(op.spec);

    it('answers 204 to every valid notification and hands the handler exactly the body sent', { timeout: fuzzTimeout(25) }, async () => {
      await checkProperty(
        `${op.operationId}: valid notification`,
        fc.asyncProperty(notifications.of(schema), async (body) => {
          const req = request(op, op.body!.contentTypes[0], JSON.stringify(body));
          await expectAnswer(judgeOf(op.spec), receiver, req, { statuses: op.successStatuses }, () => {
            const got = receiver.received.get(req.id) ?? [];
            return got.length === 1 && isDeepStrictEqual(got[0], JSON.parse(JSON.stringify(body)))
              ? []
              : [`the handlers got ${JSON.stringify(got).slice(0, 300)}`];
          });
        }),
        25,
      );
    });

    it('answers 400 with the cause and the invalidParams pointer of the broken attribute, without calling a handler, for every notification broken in one attribute', {
      timeout: fuzzTimeout(30),
    }, async () => {
      await checkProperty(
        `${op.operationId}: one attribute broken`,
        fc.asyncProperty(
          notifications.of(schema).chain((body) => mutationsOf(op.spec, schema, body, receiverMutationOptions) ?? fc.constant(undefined)),
          async (mutation) => {
            if (mutation === undefined) return;
            const expect = mutation.stillValid ? { statuses: op.successStatuses } : mutation.expect;
            const req = request(op, op.body!.contentTypes[0], JSON.stringify(mutation.body));
            await expectAnswer(
              judgeOf(op.spec),
              receiver,
              req,
              expect,
              () => (mutation.stillValid || !receiver.received.has(req.id) ? [] : ['a handler was called with an invalid notification']),
              `${mutation.kind} at ${mutation.pointer}`,
            );
          },
        ),
        30,
      );
    });

    it('answers every attack on the body bytes and headers with its status (400, 413, 415 or 204), never 5xx', {
      timeout: fuzzTimeout(30),
    }, async () => {
      const target = {
        spec: op.spec,
        schema,
        contentTypes: op.body!.contentTypes,
        bodyLimit: receiver.bodyLimit,
        exclude: receiverAttackExclusions,
      };
      await checkProperty(
        `${op.operationId}: body attacks`,
        fc.asyncProperty(
          notifications.of(schema).chain((body) => bodyAttacks(target, body)),
          async (attack) => {
            const req = request(op, attack.contentType, attack.body);
            const handled = () =>
              attack.verdict === 'invalid' && receiver.received.has(req.id)
                ? ['a handler was called for a request the receiver must refuse']
                : [];
            await expectAnswer(judgeOf(op.spec), receiver, req, attackExpectation(op, attack), handled, attack.kind);
          },
        ),
        30,
      );
    });
  },
);

describe('paths and methods the receiver does not serve', () => {
  it('answers 404 or 405 ProblemDetails to any other path or method', { timeout: fuzzTimeout(20) }, async () => {
    const served = new Set(callbacks.map((op) => op.path));
    await checkProperty(
      'receiver: unknown paths and methods',
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...served), fc.webPath()),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        async (path, method) => {
          if (method === 'POST' && served.has(path)) return;
          const bodyless = method === 'GET' || method === 'OPTIONS';
          await expectAnswer(
            judgeOf(callbacks[0]!.spec),
            receiver,
            { method, path: path === '' ? '/' : path, ...(!bodyless && { contentType: 'application/json', body: '{}' }) },
            { statuses: [404, 405] },
          );
        },
      ),
      20,
    );
  });
});

describe('findings of the fuzz tests in @mmtel/receiver, replayed (fuzz-seeds.md)', () => {
  it.each(FIXED_IN_RECEIVER.map((c) => [c.finding, c] as const))('fixed: %s', async (_finding, { req, want }) => {
    await expectAnswer(judgeOf(callbacks[0]!.spec), receiver, req, want);
  });
});
