import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, loadConfig } from '@mmtel/server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { clickToDial } from '../src/click-to-dial.js';

/** The reference server with its simulated IMS network, on loopback. */
async function referenceServer(env: Record<string, string>): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'click-to-dial-'));
  // The apiRoot (Location, self) must name the real port, so it is chosen before the build.
  const port = await freePort();
  const config = loadConfig({ PORT: String(port), MMTEL_DATA_DIR: dataDir, MMTEL_SIM_STEP_MS: '0', LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port });
  onTestFinished(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return address;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const parties = { callingParty: 'tel:+4930123456', receiverOrigin: 'http://127.0.0.1' };

describe('click-to-dial against the reference server', () => {
  it('receives progress, alerting and answer, then releases the call', async () => {
    const apiRoot = await referenceServer({ MMTEL_SIM_SCENARIOS: 'sip:bob@example.com=answer' });
    const result = await clickToDial({ ...parties, apiRoot, calledParty: 'sip:bob@example.com' });
    expect(result.events).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_ALERTING', 'SESSION_ESTABLISHMENT_SUCCESS']);
    expect(result.outcome).toBe('answered');
  });

  it('reports a busy called party with its SIP cause', async () => {
    const apiRoot = await referenceServer({ MMTEL_SIM_SCENARIOS: 'sip:carol@example.com=busy' });
    const result = await clickToDial({ ...parties, apiRoot, calledParty: 'sip:carol@example.com' });
    expect(result.events).toEqual(['SESSION_ESTABLISHMENT_PROGRESS', 'SESSION_ESTABLISHMENT_FAILURE']);
    expect(result).toMatchObject({ outcome: 'failed', cause: '486' });
  });
});
