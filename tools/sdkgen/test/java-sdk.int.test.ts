import { findJavaToolchain } from '@mmtel/toolchain';
import { describe } from 'vitest';
import { declaredJavaTests, javaTestTimeoutMs, runJavaSdkTests } from '../src/java-sdk-tests.js';
import { describeForeignSuite } from './support/foreign-suite.js';
import { startSdkTestServers, type SdkTestServers } from '../src/sdk-test-servers.js';

// A JDK and Maven: CI must have them, so there a missing one fails every case with the reason;
// elsewhere the suite is skipped and its title says why.
const missingToolchain = await findJavaToolchain().then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);
const skip = missingToolchain !== undefined && process.env['CI'] === undefined;
if (skip) console.warn(`Java SDK tests skipped: ${missingToolchain}`);

let servers: SdkTestServers | undefined;

describe.skipIf(skip)(`Java SDK${skip ? ` (skipped: ${missingToolchain})` : ''}`, async () => {
  describeForeignSuite({
    title: 'JUnit tests of sdks/java/pom.xml (integration tests and example) against the reference servers',
    declared: await declaredJavaTests(),
    timeoutMs: javaTestTimeoutMs + 60_000,
    async run() {
      if (missingToolchain !== undefined) throw new Error(missingToolchain);
      servers = await startSdkTestServers({ sessionEventReceiver: true });
      const { result, cases } = await runJavaSdkTests({ env: servers.env });
      return { cases, output: result.output };
    },
    async cleanUp() {
      await servers?.close();
    },
  });
});
