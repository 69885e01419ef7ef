/**
 * `pnpm --filter @mmtel/sdkgen test:java [maven args…]`: the Java SDKs' tests alone, for a Java
 * developer: starts the two reference servers in this process, runs the Maven build of
 * sdks/java/pom.xml against them with its output streamed, and ends with one summary line.
 * Extra arguments go to Maven (`-Dtest=NotificationTest`, `-o`); `-Dtest` filters every module, so
 * add `-Dsurefire.failIfNoSpecifiedTests=false` with it.
 */
import { findJavaToolchain } from '@mmtel/toolchain';
import { startSdkTestServers } from './sdk-test-servers.js';
import { runJavaSdkTests } from './java-sdk-tests.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(mavenArgs: string[]): Promise<number> {
  const toolchain = await findJavaToolchain();
  out(`Java ${toolchain.javaRelease}, Maven ${toolchain.mavenVersion}`);
  const servers = await startSdkTestServers({ sessionEventReceiver: true });
  try {
    for (const [name, value] of Object.entries(servers.env)) out(`${name}=${value}`);
    const { result, cases } = await runJavaSdkTests({
      env: servers.env,
      mavenArgs,
      onOutput: (chunk) => process.stdout.write(chunk),
    });
    const count = (outcome: string) => cases.filter((c) => c.outcome === outcome).length;
    out(
      `Java SDK tests: ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped (mvn exited ${result.code ?? result.signal}, ${(result.durationMs / 1000).toFixed(1)} s)`,
    );
    return result.code === 0 && count('failed') === 0 ? 0 : 1;
  } finally {
    await servers.close();
  }
}

// pnpm passes a `--` separator through to the script; Maven does not take it.
main(process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
