import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPrismProxy, type PrismProxy, type PrismProxyOptions } from './prism-proxy.js';

/**
 * One Prism proxy for the tests of a file: started before them, stopped after them, and after
 * each test its violations fail that test with Prism's report. A test that provokes violations on
 * purpose takes them (`takeViolations()`) and checks them itself.
 */
export function usePrismProxy(options: PrismProxyOptions): PrismProxy {
  let proxy: PrismProxy | undefined;
  const running = (): PrismProxy => {
    if (proxy === undefined) throw new Error('the Prism proxy is not running (used outside a test?)');
    return proxy;
  };
  beforeAll(async () => {
    proxy = await startPrismProxy(options);
  });
  afterEach(() => running().assertNoViolations());
  afterAll(async () => proxy?.close());
  return {
    get origin() {
      return running().origin;
    },
    takeViolations: () => running().takeViolations(),
    assertNoViolations: () => running().assertNoViolations(),
    output: () => running().output(),
    close: () => running().close(),
  };
}
