import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startReferenceServer, type ReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokenError, clientCredentials, createCallControlClient, type ClientCredentialsOptions } from '../../src/index.js';

// The reference server in oauth2 mode, issuing its own tokens at the CAPIF-like endpoint.
let server: ReferenceServer;
let keyDir: string;
const tokenUrl = () => `${server.apiRoot}/capif-security/v1/securities/as1-security/token`;
const credentials = (overrides: Partial<ClientCredentialsOptions> = {}): ClientCredentialsOptions => ({
  tokenUrl: tokenUrl(),
  clientId: 'as1',
  clientSecret: 's3cret',
  ...overrides,
});
/** A session of the AF as1, the subject of the tokens its client credentials get. */
const session = {
  afId: 'as1',
  imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
  notifUri: 'http://127.0.0.1:9/notify',
};
const run = promisify(execFile);
const serverPackage = new URL('../../../server/', import.meta.url).pathname;

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'mmtel-token-cli-'));
  await run(process.execPath, ['--import', 'tsx', 'src/cli/token.ts', 'keygen', keyDir], { cwd: serverPackage });
  server = await startReferenceServer({
    MMTEL_AUTH: 'oauth2',
    MMTEL_CAPIF_TOKEN_ENDPOINT: 'true',
    MMTEL_CAPIF_CLIENTS: 'as1=s3cret,as2=other',
    MMTEL_OAUTH_JWKS_FILE: join(keyDir, 'jwks.json'),
    MMTEL_SIM_SCENARIO: 'silent',
  });
});
afterAll(async () => {
  await server?.close();
  await rm(keyDir, { recursive: true, force: true });
});

describe('the SDK against the CAPIF-like token endpoint', () => {
  it('obtains a token with the client credentials grant and creates a session with it', async () => {
    const client = createCallControlClient({ baseUrl: server.apiRoot, retry: false, auth: credentials() });
    const result = await client.createImsSession(session);
    expect(result.response.status).toBe(201);
  });

  it('gets 401 from the API without its token middleware', async () => {
    const result = await createCallControlClient({ baseUrl: server.apiRoot, retry: false }).createImsSession(session);
    expect(result.response.status).toBe(401);
    expect(result.error).toMatchObject({ cause: 'INVALID_TOKEN' });
  });

  it('reports invalid_client for a wrong client secret', async () => {
    const error = await clientCredentials(credentials({ clientSecret: 'wrong' }))
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_client' });
  });

  it('reports invalid_scope for a scope the server does not grant', async () => {
    const error = await clientCredentials(credentials({ scope: 'nnef-pfd' }))
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  it('keeps the sessions of two clients apart: one cannot release the other’s', async () => {
    const first = createCallControlClient({ baseUrl: server.apiRoot, retry: false, auth: credentials() });
    const second = createCallControlClient({
      baseUrl: server.apiRoot,
      retry: false,
      auth: credentials({ clientId: 'as2', clientSecret: 'other' }),
    });
    const created = await first.createImsSession(session);
    const released = await second.releaseImsSession(created.data!.sessionId);
    expect(released.response.status).toBe(404);
  });

  it('accepts a token minted by the mmtel-token CLI with the key the server trusts', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/token.ts',
        'mint',
        '--key',
        join(keyDir, 'signing-key.pem'),
        '--sub',
        'as3',
        '--scope',
        'mmtel-callcontrol',
      ],
      { cwd: serverPackage },
    );
    const client = createCallControlClient({ baseUrl: server.apiRoot, retry: false, auth: { getToken: async () => stdout.trim() } });
    expect((await client.createImsSession({ ...session, afId: 'as3' })).response.status).toBe(201);
  });
});
