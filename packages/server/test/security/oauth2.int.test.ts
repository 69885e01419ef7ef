import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, useServer } from '../support/server.js';
import { bearer, hmacWith, rawToken, token, trustedKeys, validClaims } from './support.js';

const keys = await trustedKeys({ MMTEL_OAUTH_AEF_ID: 'aef1' });
const server = useServer(keys.env);

/** The AF of the tokens of this file (their default subject). */
const create = (headers: Record<string, string>) => server.request('POST', SESSIONS, { json: imsSession({ afId: 'as1' }), headers });

async function expectInvalidToken(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="mmtel", error="invalid_token"/);
  expect(await response.json()).toMatchObject({ status: 401, cause: 'INVALID_TOKEN' });
}

describe('oauth2 mode accepts', () => {
  it('a valid token whose scope names the API', async () => {
    expect((await create(bearer(await token(keys.privateKey)))).status).toBe(201);
  });

  it('the CAPIF scope form 3gpp#<aefId>:<apiName> for this AEF', async () => {
    expect((await create(bearer(await token(keys.privateKey, { scope: '3gpp#aef1:mmtel-callevent,mmtel-callcontrol' })))).status).toBe(201);
  });

  it('a token that expired within the allowed clock skew', async () => {
    expect((await create(bearer(await token(keys.privateKey, { expiresIn: -2 })))).status).toBe(201);
  });

  it('requests to the operational routes without a token', async () => {
    expect((await server.request('GET', '/healthz')).status).toBe(200);
  });
});

describe('oauth2 mode answers 401 invalid_token to', () => {
  it('a request without a token', async () => {
    await expectInvalidToken(await create({}));
  });

  it('an Authorization header that is not Bearer', async () => {
    await expectInvalidToken(await create({ authorization: 'Basic YXMxOnNlY3JldA==' }));
  });

  it('a malformed token', async () => {
    await expectInvalidToken(await create(bearer('not.a.jwt')));
  });

  it('a token signed by an untrusted key', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.untrusted))));
  });

  it('an expired token', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.privateKey, { expiresIn: -60 }))));
  });

  it('a token that is not valid yet', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.privateKey, { notBefore: 60 }))));
  });

  it('a token from another issuer', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.privateKey, { iss: 'https://evil.example.com' }))));
  });

  it('a token for another audience', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.privateKey, { aud: 'some-other-api' }))));
  });

  it('an unsigned token (alg none)', async () => {
    await expectInvalidToken(await create(bearer(rawToken({ alg: 'none', typ: 'JWT' }, validClaims()))));
  });

  it('an HS256 token keyed with the trusted RSA public key (algorithm confusion)', async () => {
    await expectInvalidToken(await create(bearer(rawToken({ alg: 'HS256', kid: 'k1' }, validClaims(), hmacWith(keys.publicPem)))));
  });

  it('a token that names no subject', async () => {
    await expectInvalidToken(await create(bearer(await token(keys.privateKey, { sub: '' }))));
  });

  it('a request with a bad body, before the body is looked at', async () => {
    await expectInvalidToken(await server.request('POST', SESSIONS, { body: '{not json' }));
  });
});

describe('oauth2 mode answers 403 insufficient_scope to', () => {
  it('a token whose scope grants another API only', async () => {
    const response = await create(bearer(await token(keys.privateKey, { scope: 'mmtel-callevent' })));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope".*scope="mmtel-callcontrol"/);
    expect(await response.json()).toMatchObject({ status: 403, cause: 'REQUEST_NOT_AUTHORIZED' });
  });

  it('a CAPIF scope for another AEF', async () => {
    const response = await create(bearer(await token(keys.privateKey, { scope: '3gpp#aef2:mmtel-callcontrol' })));
    expect(response.status).toBe(403);
  });

  it('a call to the simulator API with a token for the 3GPP APIs only', async () => {
    const response = await server.request('GET', '/sim/v1/scenarios', { headers: bearer(await token(keys.privateKey)) });
    expect(response.status).toBe(403);
  });
});
