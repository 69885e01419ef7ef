import { describe, expect, it } from 'vitest';
import { imsSession, SESSIONS, sessionIdOf, useServer } from '../support/server.js';

// Regressions of the Schemathesis findings (tools/schemathesis/findings.md) fixed in the server.
const server = useServer();

describe('Schemathesis findings', () => {
  it('echoes an integer of 1e21 or more as an integer, not in exponent form (S2)', async () => {
    // 2^70 and 2^72 are doubles exactly, so the echo must be the same digits.
    const body = JSON.stringify(imsSession({ notifUri: 'http://127.0.0.1:9/notify' }, {})).replace(
      '"calledParty":"sip:bob@example.com"}',
      '"calledParty":"sip:bob@example.com","maxDuration":1180591620717411303424,"mediaComponents":{"a":{"mediaId":"a","mediaType":"DC","dcMediaSpecification":{"streams":{"1":{"maxTime":4722366482869645213696}}}}}}',
    );
    const created = await server.request('POST', SESSIONS, { body });
    expect(created.status).toBe(201);
    const text = await created.text();
    expect(text).toContain('"maxDuration":1180591620717411303424');
    expect(text).toContain('"maxTime":4722366482869645213696');
    expect(text).not.toMatch(/\de\+/);
  });

  it('answers 200 without mediaComponents to a PATCH that removes the last media component (S3)', async () => {
    const created = await server.request('POST', SESSIONS, {
      json: imsSession({}, { mediaComponents: { audio: { mediaId: 'audio', mediaType: 'AUDIO' } } }),
    });
    expect(created.status).toBe(201);
    const sessionId = sessionIdOf(await created.json());
    const patch = (json: unknown) =>
      server.request('PATCH', `${SESSIONS}/${sessionId}`, { json, contentType: 'application/merge-patch+json' });

    const removed = await patch({ imsSessionInfo: { mediaComponents: { audio: null } } });
    expect(removed.status).toBe(200);
    expect(await removed.json()).not.toHaveProperty('imsSessionInfo.mediaComponents');
    // Removing one the session does not have, from none, is the same state.
    const again = await patch({ imsSessionInfo: { mediaComponents: { video: null } } });
    expect(again.status).toBe(200);
    expect(await again.json()).not.toHaveProperty('imsSessionInfo.mediaComponents');
  });
});
