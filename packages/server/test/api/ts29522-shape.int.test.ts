import { describe, expect, it } from 'vitest';
import { SESSIONS, useServer } from '../support/server.js';

const server = useServer();

describe('the TS 29.522 V19.5.0 ImsSession', () => {
  it('creates a session from a body in the TS 29.522 V19.5.0 shape plus notifUri', async () => {
    // Upstream's required attributes (afId, imsSessionInfo) and, inside the provisional
    // ImsSessionInfo, the two parties; notifUri is the one provisional addition a creation needs.
    const body = {
      afId: 'af-example',
      imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' },
      notifUri: 'http://127.0.0.1:9/notify',
    };
    const response = await server.request('POST', SESSIONS, { json: body });
    expect(response.status).toBe(201);
    const session = (await response.json()) as Record<string, unknown>;
    expect(session).toMatchObject({ ...body, imsSessionInfo: { ...body.imsSessionInfo, sessionState: 'INITIATING' } });
    expect(response.headers.get('location')).toBe(session.self);
  });

  it('answers 400 naming notifUri to a body in the TS 29.522 V19.5.0 shape without it (our provisional rule)', async () => {
    const response = await server.request('POST', SESSIONS, {
      json: { afId: 'af-example', imsSessionInfo: { callingParty: 'tel:+4930123456', calledParty: 'sip:bob@example.com' } },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ cause: 'MANDATORY_IE_MISSING', invalidParams: [{ param: '/notifUri' }] });
  });
});
