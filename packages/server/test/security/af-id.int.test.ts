import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, sessionIdOf, useServer } from '../support/server.js';
import { bearer, token, trustedKeys } from './support.js';

const keys = await trustedKeys();
const authenticated = useServer(keys.env);
const open = useServer();
const as1 = async () => bearer(await token(keys.privateKey, { sub: 'as1' }));

describe('the afId of an IMS session', () => {
  it('is accepted when it names the AF the token authenticates', async () => {
    const response = await authenticated.request('POST', SESSIONS, { json: imsSession({ afId: 'as1' }), headers: await as1() });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ afId: 'as1' });
  });

  it('answers 403 REQUEST_NOT_AUTHORIZED naming /afId when it names another AF than the token', async () => {
    const response = await authenticated.request('POST', SESSIONS, { json: imsSession({ afId: 'as2' }), headers: await as1() });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 403, cause: 'REQUEST_NOT_AUTHORIZED', invalidParams: [{ param: '/afId' }] });
  });

  it('is any AF the client names when authentication is off', async () => {
    for (const afId of ['as1', 'some-other-af']) {
      const response = await open.request('POST', SESSIONS, { json: imsSession({ afId }) });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ afId });
    }
  });

  it('answers 403 MODIFICATION_NOT_ALLOWED naming /afId to a PUT that changes it', async () => {
    const created = await open.request('POST', SESSIONS, { json: imsSession({ afId: 'af-a' }) });
    const id = sessionIdOf(await created.json());
    const response = await open.request('PUT', `${SESSIONS}/${id}`, { json: imsSession({ afId: 'af-b' }) });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ cause: 'MODIFICATION_NOT_ALLOWED', invalidParams: [{ param: '/afId' }] });
  });
});
