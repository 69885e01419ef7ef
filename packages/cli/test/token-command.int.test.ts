import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_TOKEN_ISSUER, DEFAULT_TOKEN_SCOPE } from '@mmtel/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { referenceServer, runCli } from './support/cli.js';

/** A fresh directory for keys, removed after the test. */
async function keyDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-token-command-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `mmtel token keygen <dir>` then `mmtel token mint --key <dir>/signing-key.pem --sub <afId>`: the token. */
async function keygenAndMint(dir: string, afId: string): Promise<string> {
  const keygen = await runCli(['token', 'keygen', dir]);
  expect(keygen.code, keygen.stderr).toBe(0);
  const mint = await runCli(['token', 'mint', '--key', join(dir, 'signing-key.pem'), '--sub', afId]);
  expect(mint.code, mint.stderr).toBe(0);
  return mint.stdout.trim();
}

/** POST {apiRoot}/mmtel-callcontrol/v1/ims-sessions for the AF as1 with `token`: the status. */
async function createSessionWith(apiRoot: string, token: string): Promise<number> {
  const response = await fetch(`${apiRoot}/mmtel-callcontrol/v1/ims-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-mmtel-sim-scenario': 'silent' },
    body: JSON.stringify({
      afId: 'as1',
      imsSessionInfo: { callingParty: 'sip:alice@example.com', calledParty: 'tel:+4930123456' },
      notifUri: 'http://127.0.0.1:9/ims-session-notification',
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('mmtel token keygen', () => {
  it('writes a private signing key (mode 0600) and the JWKS, and prints how to start the server with it', async () => {
    const dir = await keyDir();
    const { code, stdout } = await runCli(['token', 'keygen', dir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^wrote ${join(dir, 'signing-key.pem')} and ${join(dir, 'jwks.json')} \\(kid [\\w-]+\\)\\n` +
          `start the server with MMTEL_AUTH=oauth2 MMTEL_OAUTH_JWKS_FILE=${join(dir, 'jwks.json')}\\n$`,
      ),
    );
    expect((await stat(join(dir, 'signing-key.pem'))).mode & 0o777).toBe(0o600);
    const jwks = JSON.parse(await readFile(join(dir, 'jwks.json'), 'utf8')) as { keys: { kty: string; alg: string; d?: string }[] };
    expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'EC', alg: 'ES256', use: 'sig' })]);
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('prints the files and the key id as one JSON object with --json', async () => {
    const dir = await keyDir();
    const { code, stdout } = await runCli(['token', 'keygen', dir, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      signingKeyFile: join(dir, 'signing-key.pem'),
      jwksFile: join(dir, 'jwks.json'),
      kid: expect.any(String),
      alg: 'ES256',
    });
  });
});

describe('mmtel token mint', () => {
  it('prints a token that a reference server trusting the key accepts', async () => {
    const dir = await keyDir();
    const token = await keygenAndMint(dir, 'as1');
    const apiRoot = await referenceServer({ MMTEL_AUTH: 'oauth2', MMTEL_OAUTH_JWKS_FILE: join(dir, 'jwks.json') });
    expect(await createSessionWith(apiRoot, token)).toBe(201);
  });

  it('prints a token that a server trusting another key refuses with 401', async () => {
    const trusted = await keyDir();
    await keygenAndMint(trusted, 'as1');
    const other = await keygenAndMint(await keyDir(), 'as1');
    const apiRoot = await referenceServer({ MMTEL_AUTH: 'oauth2', MMTEL_OAUTH_JWKS_FILE: join(trusted, 'jwks.json') });
    expect(await createSessionWith(apiRoot, other)).toBe(401);
  });

  it('signs the subject, scope, issuer, audience and lifetime it is given', async () => {
    const dir = await keyDir();
    await runCli(['token', 'keygen', dir]);
    const before = Math.floor(Date.now() / 1000);
    const { code, stdout } = await runCli([
      'token',
      'mint',
      '--key',
      join(dir, 'signing-key.pem'),
      '--sub',
      'as7',
      '--scope',
      'mmtel-callcontrol',
      '--ttl',
      '120',
      '--iss',
      'https://capif.example',
      '--aud',
      'mmtel',
    ]);
    expect(code).toBe(0);
    const [header, payload] = stdout
      .trim()
      .split('.')
      // The header and the claims; the third part is the signature.
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: 'as7', client_id: 'as7', scope: 'mmtel-callcontrol', iss: 'https://capif.example', aud: 'mmtel' });
    expect(Number(payload?.['exp']) - Number(payload?.['iat'])).toBe(120);
    expect(Number(payload?.['iat'])).toBeGreaterThanOrEqual(before);
  });

  it('prints the token with its subject, scope, key id and expiry as one JSON object with --json', async () => {
    const dir = await keyDir();
    await runCli(['token', 'keygen', dir]);
    const { code, stdout } = await runCli(['token', 'mint', '--key', join(dir, 'signing-key.pem'), '--sub', 'as1', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      sub: 'as1',
      scope: 'mmtel-callcontrol mmtel-callevent',
      kid: expect.any(String),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("names the server's own defaults in its help (it loads the server only to run)", async () => {
    const { code, stdout } = await runCli(['token', 'mint', '--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(default: "${DEFAULT_TOKEN_SCOPE}", both APIs)`);
    expect(help).toContain(`(default: "${DEFAULT_TOKEN_ISSUER}")`);
  });

  it('exits 2 with the usage when --sub is missing', async () => {
    const { code, stdout, stderr } = await runCli(['token', 'mint', '--key', 'signing-key.pem']);
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--sub <afId>' not specified");
    expect(stdout).toBe('');
  });

  it('exits 1 naming the file when the signing key cannot be read', async () => {
    const dir = await keyDir();
    const { code, stderr } = await runCli(['token', 'mint', '--key', join(dir, 'missing.pem'), '--sub', 'as1']);
    expect(code).toBe(1);
    expect(stderr).toContain(join(dir, 'missing.pem'));
  });
});
