import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLUSTER_MODULE = fileURLToPath(new URL('../src/postgres-cluster.ts', import.meta.url));

/** Whether process `pid` exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function gone(path: string): Promise<boolean> {
  return access(path).then(
    () => false,
    () => true,
  );
}

/** Polls `check` every 200 ms until it holds or `ms` have passed. */
async function eventually(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('startPostgres', () => {
  it('stops and removes the cluster once the process that started it is killed without stopping it', async () => {
    // A process that starts a cluster, reports its data directory, and then waits to be killed.
    const script = `const { startPostgres } = await import(${JSON.stringify(CLUSTER_MODULE)});
const pg = await startPostgres();
process.stdout.write(JSON.stringify({ dataDir: pg.dataDir }) + '\\n');
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: dirname(CLUSTER_MODULE),
    });
    const dataDir = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0] ?? '') as { dataDir: string }).dataDir);
      });
      child.once('exit', (code) => reject(new Error(`the cluster's process exited with ${code} before reporting`)));
    });
    const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(alive(postmaster)).toBe(true);

    child.kill('SIGKILL');

    expect(await eventually(() => !alive(postmaster), 15_000)).toBe(true);
    expect(await eventually(() => gone(dirname(dataDir)), 5_000)).toBe(true);
  }, 90_000);
});
