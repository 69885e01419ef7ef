import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { eventually, listenOn, spawnServer } from '../support/process.js';
import { freePort, imsSession, SESSIONS, sessionIdOf } from '../support/server.js';

const events = (bodies: Record<string, unknown>[]) => bodies.map((b) => (b.eventReports as { event: string }[])[0]!.event);

describe('a server killed with queued notifications', () => {
  it('delivers every one of them, in order, once it is restarted and the AS is up', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-restart-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const [port, asPort] = [await freePort(), await freePort()];
    const env = {
      PORT: String(port),
      MMTEL_DATA_DIR: dataDir,
      MMTEL_SIM_SCENARIO: 'answer',
      MMTEL_SIM_STEP_MS: '0',
      MMTEL_NOTIFY_BACKOFF_MS: '50',
      MMTEL_NOTIFY_MAX_BACKOFF_MS: '200',
      MMTEL_NOTIFY_MAX_ATTEMPTS: '1000',
    };
    const first = await spawnServer(env);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(first.apiRoot + SESSIONS, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(imsSession({ notifUri: `http://127.0.0.1:${asPort}/as` })),
      });
      expect(response.status).toBe(201);
      ids.push(sessionIdOf(await response.json()));
    }
    // All nine notifications are accepted, and the head of each session's queue has been tried
    // against the unreachable AS (the others wait behind it: per-session order).
    await eventually(async () => {
      const list = (await (await fetch(`${first.apiRoot}/sim/v1/deliveries?state=PENDING`)).json()) as { attempts: number }[];
      return list.length === 9 && list.filter((d) => d.attempts >= 1).length === 3;
    });
    await first.kill();
    await expect(fetch(`${first.apiRoot}/healthz`)).rejects.toThrow();

    const as = await listenOn(asPort);
    await spawnServer(env);

    await eventually(() => as.caught.length >= 9);
    for (const id of ids) {
      const mine = as.caught.filter((c) => c.body.sessionId === id).map((c) => c.body);
      expect(events(mine)).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    }
    expect(as.caught).toHaveLength(9);
  });
});
