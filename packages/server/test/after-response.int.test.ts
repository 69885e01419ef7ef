import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { type AfterResponseTask, installAfterResponse, runAfterResponse } from '../src/after-response.js';
import { Metrics } from '../src/metrics.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';

interface Running {
  app: FastifyInstance;
  origin: string;
  /** What the tasks and the handler did, in order. */
  events: string[];
  /** The error lines the app logged. */
  errors: Array<{ msg: string; err?: { message: string } }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An app with the server's onResponse hook and one route that defers `tasks(events)`. */
async function appDeferring(tasks: (events: string[]) => AfterResponseTask[]): Promise<Running> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-after-response-'));
  const store: Store = await openStore({ dataDir });
  cleanups.push(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const events: string[] = [];
  const errors: Running['errors'] = [];
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => void errors.push(JSON.parse(line)) } } });
  installAfterResponse(app, new Metrics(store));
  app.get('/', async (request) => {
    for (const task of tasks(events)) runAfterResponse(request, task);
    events.push('answered');
    return 'ok';
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const { port } = app.server.address() as { port: number };
  return { app, origin: `http://127.0.0.1:${port}`, events, errors };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

describe('the tasks a handler defers until its answer has been sent', () => {
  it('run after the answer, one after the other, synchronous and asynchronous alike', async () => {
    const { origin, events } = await appDeferring((events) => [
      () => void events.push('sync 1'),
      async () => {
        await nextTurn();
        events.push('async 2');
      },
      () => void events.push('sync 3'),
    ]);
    const response = await fetch(origin);
    expect(await response.text()).toBe('ok');
    await until(() => events.length === 4);
    expect(events).toEqual(['answered', 'sync 1', 'async 2', 'sync 3']);
  });

  it('are logged when one throws or rejects, and the ones after it still run', async () => {
    const { origin, events, errors } = await appDeferring((events) => [
      () => {
        throw new Error('thrown');
      },
      async () => {
        throw new Error('rejected');
      },
      () => void events.push('last'),
    ]);
    expect((await fetch(origin)).status).toBe(200);
    await until(() => events.includes('last'));
    expect(errors.map((line) => [line.msg, line.err?.message])).toEqual([
      ['post-response task failed', 'thrown'],
      ['post-response task failed', 'rejected'],
    ]);
  });
});
