import { it } from 'vitest';
import { declaredPythonTests, ensurePythonSdkEnv, requirePythonForSdks, runPythonSdkTests } from '../src/python-sdk-tests.js';
import { describeForeignSuite } from './support/foreign-suite.js';
import { startSdkTestServers, type SdkTestServers } from '../src/sdk-test-servers.js';

// Without Python the suite cannot run: CI must say so (every case fails with the reason), a
// developer's machine skips it with the reason shown.
const missingPython = await requirePythonForSdks().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);

if (missingPython !== undefined && !process.env['CI']) {
  it.skip(`Python SDK tests (sdks/python/tests): skipped, ${missingPython}`, () => undefined);
} else {
  let servers: SdkTestServers | undefined;
  describeForeignSuite({
    title: 'Python SDK tests (sdks/python/tests, pytest)',
    declared: await declaredPythonTests(),
    timeoutMs: 600_000,
    async run() {
      if (missingPython !== undefined) throw new Error(missingPython);
      const env = await ensurePythonSdkEnv();
      servers = await startSdkTestServers({ sessionEventReceiver: true });
      const run = await runPythonSdkTests({ env, serverEnv: servers.env });
      // Exit codes above 1 mean pytest itself failed (usage, collection, internal error).
      if (run.code !== 0 && run.code !== 1) throw new Error(`pytest exited with ${run.code}:\n${run.output.slice(-4000)}`);
      return run;
    },
    async cleanUp() {
      await servers?.close();
    },
  });
}
