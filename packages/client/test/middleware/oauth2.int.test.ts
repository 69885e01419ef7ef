import { describe, expect, it } from 'vitest';
import { AccessTokenError, clientCredentials, createCallControlClient, type ClientCredentialsOptions } from '../../src/index.js';
import { startHttpServer, type ReceivedRequest, type Reply } from '../support/http-server.js';

/** A token endpoint that hands out tok-1, tok-2, … valid for `expiresIn` seconds. */
async function tokenEndpoint(expiresIn = 3600, refuse?: Reply) {
  return startHttpServer(
    (_request, index): Reply =>
      refuse ?? { status: 200, json: { access_token: `tok-${index + 1}`, token_type: 'Bearer', expires_in: expiresIn, scope: 'mmtel' } },
  );
}

/** An API that accepts only the given tokens (401 with WWW-Authenticate otherwise). */
async function api(accepted: (token: string) => boolean) {
  return startHttpServer((request: ReceivedRequest): Reply => {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    return accepted(token)
      ? { status: 204 }
      : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, json: { status: 401, title: 'Unauthorized' } };
  });
}

const credentials = (tokenUrl: string, extra: Partial<ClientCredentialsOptions> = {}): ClientCredentialsOptions => ({
  tokenUrl,
  clientId: 'as-1',
  clientSecret: 's3cret',
  scope: '3gpp#aef1:mmtel-callcontrol',
  ...extra,
});

describe('clientCredentials', () => {
  it('posts a form-encoded client_credentials grant to the token URL', async () => {
    const tokens = await tokenEndpoint();
    await expect(clientCredentials(credentials(`${tokens.url}/token`)).getToken()).resolves.toBe('tok-1');
    const [request] = tokens.requests;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/token',
      headers: expect.objectContaining({ 'content-type': 'application/x-www-form-urlencoded' }),
    });
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'as-1',
      client_secret: 's3cret',
      scope: '3gpp#aef1:mmtel-callcontrol',
    });
  });

  it('reuses the cached token while it is valid', async () => {
    const tokens = await tokenEndpoint(3600);
    const source = clientCredentials(credentials(tokens.url));
    expect([await source.getToken(), await source.getToken(), await source.getToken()]).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(tokens.requests).toHaveLength(1);
  });

  it('gets a new token shortly before the cached one expires', async () => {
    const tokens = await tokenEndpoint(300);
    let now = 0;
    const source = clientCredentials(credentials(tokens.url, { refreshBeforeExpiryMs: 30_000, now: () => now }));
    expect(await source.getToken()).toBe('tok-1');
    now = 269_000;
    expect(await source.getToken()).toBe('tok-1');
    now = 271_000;
    expect(await source.getToken()).toBe('tok-2');
  });

  it('shares one token request among concurrent callers', async () => {
    const tokens = await tokenEndpoint();
    const source = clientCredentials(credentials(tokens.url));
    expect(await Promise.all([source.getToken(), source.getToken(), source.getToken()])).toEqual(['tok-1', 'tok-1', 'tok-1']);
    expect(tokens.requests).toHaveLength(1);
  });

  it('throws AccessTokenError with the AccessTokenErr code when the endpoint refuses the client', async () => {
    const tokens = await tokenEndpoint(3600, { status: 400, json: { error: 'invalid_client', error_description: 'unknown client' } });
    const error: unknown = await clientCredentials(credentials(tokens.url))
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessTokenError);
    expect(error).toMatchObject({ status: 400, error: 'invalid_client' });
  });
});

describe('the bearer token middleware', () => {
  it('sends the token as Authorization: Bearer on every request', async () => {
    const tokens = await tokenEndpoint();
    const server = await api((token) => token === 'tok-1');
    const client = createCallControlClient({ baseUrl: server.url, auth: credentials(tokens.url) });
    await client.releaseImsSession('a');
    await client.releaseImsSession('b');
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
  });

  it('answers a 401 by getting a new token and sending the request once more', async () => {
    const tokens = await tokenEndpoint();
    const server = await api((token) => token === 'tok-2');
    const client = createCallControlClient({ baseUrl: server.url, auth: credentials(tokens.url) });
    const result = await client.updateImsSession('s-1', {
      afId: 'af-1',
      imsSessionInfo: { callingParty: 'tel:+1', calledParty: 'tel:+2' },
      notifUri: 'http://as/n',
    });
    expect(result.response.status).toBe(204);
    expect(server.requests.map((r) => [r.headers.authorization, r.body.length > 0])).toEqual([
      ['Bearer tok-1', true],
      ['Bearer tok-2', true],
    ]);
  });

  it('returns the second 401 when the new token is refused too', async () => {
    const tokens = await tokenEndpoint();
    const server = await api(() => false);
    const result = await createCallControlClient({ baseUrl: server.url, auth: credentials(tokens.url) }).releaseImsSession('s-1');
    expect(result.error).toMatchObject({ status: 401 });
    expect(server.requests).toHaveLength(2);
    expect(tokens.requests).toHaveLength(2);
  });

  it('leaves an Authorization header set by the caller alone', async () => {
    const tokens = await tokenEndpoint();
    const server = await api(() => true);
    await createCallControlClient({ baseUrl: server.url, auth: credentials(tokens.url) }).releaseImsSession('s-1', {
      headers: { authorization: 'Bearer mine' },
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer mine');
    expect(tokens.requests).toHaveLength(0);
  });
});
