/**
 * `pnpm --filter @mmtel/sdkgen test:python [pytest args…]`: the Python SDK suite against two
 * reference servers started here (open, and oauth2 with the token endpoint), pytest's output
 * streamed. Exits with pytest's code. Against servers of your own, run pytest yourself with the
 * variables sdks/python/README.md lists.
 */
import { startSdkTestServers } from './sdk-test-servers.js';
import { ensurePythonSdkEnv, requirePythonForSdks, runPythonSdkTests } from './python-sdk-tests.js';

const out = {
  info: (line: string) => process.stdout.write(`${line}\n`),
  error: (line: string) => process.stderr.write(`${line}\n`),
};

async function main(pytestArgs: string[]): Promise<number> {
  await requirePythonForSdks();
  const started = performance.now();
  const env = await ensurePythonSdkEnv(out.info);
  out.info(`Python environment ${env.dir} ready in ${seconds(performance.now() - started)}`);
  const servers = await startSdkTestServers({ sessionEventReceiver: true });
  try {
    out.info(`reference servers: ${servers.env['MMTEL_API_ROOT']} (open), ${servers.env['MMTEL_OAUTH_API_ROOT']} (oauth2)`);
    const run = await runPythonSdkTests({
      env,
      serverEnv: servers.env,
      pytestArgs,
      onOutput: (chunk) => process.stdout.write(chunk),
    });
    out.info(`pytest exited with ${run.code} after ${seconds(run.durationMs)}`);
    return run.code ?? 1;
  } finally {
    await servers.close();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// pnpm passes a `--` separator through to the script; pytest would take it for "no more options".
main(process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'))).then(
  (code) => process.exit(code),
  (error: unknown) => {
    out.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
