import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { referenceServer, runCli } from './support/cli.js';

const run = promisify(execFile);
const serverPackage = new URL('../../server/', import.meta.url).pathname;

/** A reference server that checks tokens, and a token of the AF as1 signed with the key it trusts. */
async function oauth2Server(): Promise<{ apiRoot: string; token: string }> {
  const keyDir = await mkdtemp(join(tmpdir(), 'mmtel-cli-token-'));
  onTestFinished(() => rm(keyDir, { recursive: true, force: true }));
  // The server's own token command, as its README shows it.
  await run(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', 'keygen', keyDir], { cwd: serverPackage });
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'src/cli/token.ts', 'mint', '--key', join(keyDir, 'signing-key.pem'), '--sub', 'as1'],
    {
      cwd: serverPackage,
    },
  );
  const apiRoot = await referenceServer({ MMTEL_AUTH: 'oauth2', MMTEL_OAUTH_JWKS_FILE: join(keyDir, 'jwks.json') });
  return { apiRoot, token: stdout.trim() };
}

describe('--token and MMTEL_TOKEN', () => {
  it("sends the token as a bearer token and the token's subject as afId", async () => {
    const { apiRoot, token } = await oauth2Server();
    const { code, stdout } = await runCli(['call', 'sip:alice@example.com', 'tel:+4930123456', '--api-root', apiRoot, '--token', token]);
    expect(stdout).toContain('answered, then released');
    expect(code).toBe(0);
    const fromEnv = await runCli(['call', 'sip:alice@example.com', 'tel:+4930123456', '--api-root', apiRoot], { MMTEL_TOKEN: token });
    expect(fromEnv.code).toBe(0);
  });

  it("prints the server's 401 without a token", async () => {
    const { apiRoot } = await oauth2Server();
    const { code, stderr } = await runCli(['call', 'sip:alice@example.com', 'tel:+4930123456', '--api-root', apiRoot]);
    expect(stderr).toContain('401');
    expect(code).toBe(1);
  });
});
