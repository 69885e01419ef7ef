import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { warmUpOnceReady } from '../src/warm-up.js';

const DELAY_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A bare app warming up with steps that record when they ran (ms after ready) and in which order. */
async function readyApp(): Promise<{ app: FastifyInstance; ran: Array<{ step: string; afterMs: number }> }> {
  const app = Fastify();
  const ran: Array<{ step: string; afterMs: number }> = [];
  let readyAt = 0;
  const record = (step: string) => () => {
    ran.push({ step, afterMs: performance.now() - readyAt });
  };
  warmUpOnceReady(app, [record('first'), async () => record('second')(), record('third')], DELAY_MS);
  await app.ready();
  readyAt = performance.now();
  return { app, ran };
}

describe('the warm-up after ready', () => {
  it('runs no step before its delay after ready, so that the first probes of /readyz are not held back', async () => {
    const { app, ran } = await readyApp();
    await sleep(DELAY_MS / 2);
    expect(ran).toEqual([]);
    await app.close();
  });

  it('runs every step once the delay has passed, one after the other', async () => {
    const { app, ran } = await readyApp();
    await sleep(DELAY_MS * 3);
    expect(ran.map(({ step }) => step)).toEqual(['first', 'second', 'third']);
    expect(ran[0]?.afterMs).toBeGreaterThanOrEqual(DELAY_MS - 5);
    await app.close();
  });

  it('runs no step once the app is closed before the delay', async () => {
    const { app, ran } = await readyApp();
    await app.close();
    await sleep(DELAY_MS * 2);
    expect(ran).toEqual([]);
  });
});
