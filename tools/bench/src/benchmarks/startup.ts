/**
 * Start-up time to ready: spawns `node --import tsx packages/server/src/main.ts` (production
 * profile, a fresh temporary MMTEL_DATA_DIR, a free PORT) and times spawn → first 200 from
 * /readyz, `runs` times. The floor is the same for a node:http server of a few lines under the
 * same `node --import tsx`: what Node and the TypeScript loader cost before any server code runs.
 *
 *   node --import tsx tools/bench/src/benchmarks/startup.ts [--runs 3] [--out FILE]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mmtel/server';
import { median } from '../stats.js';
import { parseBenchArgs, positive, writeResult } from '../result-file.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = join(REPO_ROOT, 'packages/server/src/main.ts');
const FLOOR = fileURLToPath(new URL('./support/ready-floor.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const GIVE_UP_MS = 60_000;

/** What this child writes: ms from spawn to the first 200 of /readyz, each run and the median. */
export interface StartupResult {
  serverMs: number[];
  floorMs: number[];
  serverMedianMs: number;
  floorMedianMs: number;
}

/** Spawns `script`, polls its /readyz until 200, kills it; returns the ms in between. */
async function timeToReady(script: string, env: Record<string, string>): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before ready: ${stderr.slice(-500)}`))),
  );
  exited.catch(() => undefined);
  try {
    for (;;) {
      if (performance.now() - started > GIVE_UP_MS) throw new Error(`${script} not ready after ${GIVE_UP_MS} ms`);
      const answer = await Promise.race([
        fetch(`http://127.0.0.1:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        ),
        exited,
      ]);
      if (answer === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
    );
  }
}

const args = parseBenchArgs({ runs: { type: 'string', default: '3' } });
const runs = positive('runs', args.runs);
const serverMs: number[] = [];
const floorMs: number[] = [];
// Alternate, so that whatever else the machine does hits both alike.
for (let i = 0; i < runs; i++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'mmtel-bench-startup-'));
  try {
    serverMs.push(await timeToReady(MAIN, { MMTEL_DATA_DIR: dataDir, MMTEL_PROFILE: 'production', LOG_LEVEL: 'warn' }));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  floorMs.push(await timeToReady(FLOOR, {}));
}
await writeResult(args.out, {
  serverMs,
  floorMs,
  serverMedianMs: median(serverMs),
  floorMedianMs: median(floorMs),
} satisfies StartupResult);
