import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnServer } from '../support/process.js';
import { freePort, imsSession, SESSIONS, sessionIdOf } from '../support/server.js';

describe('MMTEL_SYNCHRONOUS_COMMIT=off', () => {
  it('keeps every session a 201 answered when the process is killed right after the answers', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-async-commit-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const env = { PORT: String(await freePort()), MMTEL_DATA_DIR: dataDir, MMTEL_SIM_SCENARIO: 'silent', MMTEL_SYNCHRONOUS_COMMIT: 'off' };
    const first = await spawnServer(env);
    const created = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await fetch(first.apiRoot + SESSIONS, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(imsSession()),
        });
        expect(response.status).toBe(201);
        return sessionIdOf(await response.json());
      }),
    );
    // SIGKILL the moment the last 201 is in: what was committed survives the process (only a
    // crash of the machine could lose what was not yet fsynced).
    await first.kill();

    const second = await spawnServer(env);
    // A release answers 204 only for a session the store has (404 otherwise).
    for (const id of created) expect((await fetch(`${second.apiRoot}${SESSIONS}/${id}`, { method: 'DELETE' })).status).toBe(204);
  });
});
