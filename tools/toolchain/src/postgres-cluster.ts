import { type ChildProcess, execFile as execFileCallback, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePostgresBin } from './postgres-binaries.js';

const execFile = promisify(execFileCallback);

/** A throw-away PostgreSQL cluster, as the tests and the benchmarks start it. */
export interface TestPostgres {
  /** Connection string for the `postgres` superuser over 127.0.0.1. */
  url: string;
  /** The cluster's data directory (its `postmaster.pid` names the server process, for measuring its CPU time). */
  dataDir: string;
  stop(): Promise<void>;
  /**
   * Stops the server (fast shutdown: sessions are cut, open transactions rolled back), keeps it
   * down for `downMs`, and starts it again on the same port and data.
   */
  restart(downMs?: number): Promise<void>;
}

/**
 * pg_ctl leaves the postmaster running on its own: a test run or benchmark killed before its
 * clean-up (`pnpm bench` kills a child with SIGKILL on its timeout) would leave a server and its
 * data behind. This detached shell polls `pid` once a second and, once it is gone, runs `stop`
 * and removes `dir`.
 */
function stopWhenGone(pid: number, stop: string[], dir: string): ChildProcess {
  const script = 'parent=$1; dir=$2; shift 2; while kill -0 "$parent" 2>/dev/null; do sleep 1; done; "$@"; rm -rf "$dir"';
  const watchdog = spawn('sh', ['-c', script, 'mmtel-pg-watchdog', String(pid), dir, ...stop], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

/**
 * Starts a private PostgreSQL cluster (for packages/server's tests and tools/bench's scale-out
 * benchmark) from the server binaries (initdb, pg_ctl; installed with
 * apt-get first when missing, see `ensurePostgresBin`): trust
 * auth, loopback only on a free port, unix socket and data in a fresh temp directory, fsync off.
 * As root the server runs as the `postgres` user, since initdb refuses root. If this process dies
 * without calling `stop`, the cluster is stopped and removed within about a second.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = await ensurePostgresBin((line) => process.stderr.write(`${line}\n`));
  const dir = await mkdtemp(join(tmpdir(), 'mmtel-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  const command = (tool: string, args: string[]): string[] =>
    asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, tool), ...args] : [join(bin, tool), ...args];
  const run = async (tool: string, args: string[]): Promise<void> => {
    const [file = '', ...rest] = command(tool, args);
    try {
      await execFile(file, rest);
    } catch (error) {
      const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
      const serverLog = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`${tool} ${args.join(' ')} failed:\n${stderr || stdout}\n${serverLog}`.trimEnd(), {
        cause: error,
      });
    }
  };

  try {
    if (asRoot) {
      const { uid, gid } = await userIds('postgres');
      await chmod(dir, 0o755);
      await chown(dir, uid, gid);
    }
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    // Another process may take the port between probe and bind: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const settings = [
        `-c listen_addresses=127.0.0.1 -p ${port} -k '${dir}'`,
        '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
        // Test files run in parallel, each with pools of up to 10 connections per server instance:
        // the default 100 has been exhausted ("too many clients"), failing unrelated tests.
        '-c max_connections=400',
      ].join(' ');
      try {
        await run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
      } catch (error) {
        if (attempt < 3) continue;
        throw error;
      }
      const immediateStop = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      const watchdog = stopWhenGone(process.pid, command('pg_ctl', immediateStop), dir);
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        dataDir: data,
        async stop() {
          watchdog.kill();
          await run('pg_ctl', immediateStop).catch(() => undefined);
          await rm(dir, { recursive: true, force: true });
        },
        async restart(downMs = 0) {
          await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
          await new Promise((resolve) => setTimeout(resolve, downMs));
          await run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', settings, 'start']);
        },
      };
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execFile('id', ['-u', user]), execFile('id', ['-g', user])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}
