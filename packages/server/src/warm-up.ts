import type { FastifyInstance } from 'fastify';

/**
 * How long after ready the warm-up waits. `ready` comes before `listen` binds the port, so a
 * warm-up started at once compiled while the first probes of /readyz arrived, and one compile
 * (up to ~50 ms of Ajv) held each probe back: start-up to the first 200 took 0.53-0.84 s. A
 * request that comes sooner compiles its own validator, as before any warm-up.
 */
export const WARM_UP_DELAY_MS = 250;

/**
 * Does what the start does not wait for (loading prom-client; compiling the route validators and
 * those of notification bodies and merged sessions), in the background shortly after the app is
 * ready, each step on a turn of its own; never once the app is closing.
 */
export function warmUpOnceReady(app: FastifyInstance, steps: Array<() => void | Promise<void>>, delayMs: number = WARM_UP_DELAY_MS): void {
  let timer: NodeJS.Timeout | undefined;
  let closing = false;
  app.addHook('onReady', async () => {
    timer = setTimeout(() => {
      void (async () => {
        for (const step of steps) {
          await new Promise((resolve) => setImmediate(resolve));
          if (closing) return;
          await step();
        }
      })().catch((err: unknown) => app.log.warn({ err }, 'warming up after ready failed'));
    }, delayMs);
    // A process with nothing else to do does not wait for a warm-up.
    timer.unref();
  });
  app.addHook('onClose', async () => {
    closing = true;
    clearTimeout(timer);
  });
}
