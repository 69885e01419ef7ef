/**
 * CPU time of other processes, read from Linux's /proc: the scale-out benchmark adds up what the
 * server processes, PostgreSQL and the load generator each used over one measured window, which
 * `process.cpuUsage()` (this process only) cannot tell.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Clock ticks per second of /proc's times (almost always 100). */
const TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
async function statFields(pid: number): Promise<string[] | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * The CPU time (user + system, every thread) process `pid` has used, in µs; with `children`, the
 * time of its children that have exited and been waited for too. 0 for a process that is gone.
 */
export async function processCpuUs(pid: number, { children = false } = {}): Promise<number> {
  const fields = await statFields(pid);
  if (fields === undefined) return 0;
  // After the name: state is field 3 of proc(5), so field n is at index n - 3: utime 14, stime 15, cutime 16, cstime 17.
  const ticks = [11, 12, ...(children ? [13, 14] : [])].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks / TICKS_PER_S) * 1e6;
}

/**
 * The CPU time of a PostgreSQL cluster, in µs: the postmaster with its exited children (backends
 * of closed connections) and every live child (backends, WAL writer, checkpointer, autovacuum).
 * Differences of two readings are the cluster's CPU over the time between them.
 */
export async function postgresCpuUs(dataDir: string): Promise<number> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) throw new Error(`no postmaster pid in ${dataDir}/postmaster.pid`);
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const children = await Promise.all(
    pids.map(async (pid) => {
      const fields = await statFields(pid);
      // ppid is field 4 of proc(5).
      return fields !== undefined && Number(fields[1]) === postmaster ? processCpuUs(pid) : 0;
    }),
  );
  return (await processCpuUs(postmaster, { children: true })) + children.reduce((sum, us) => sum + us, 0);
}

/** The machine's CPU time since boot, µs, summed over its cores: busy (user, nice, system, irq, softirq) and stolen by the hypervisor. */
export async function machineCpuUs(): Promise<{ busyUs: number; stealUs: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal …
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const us = (ticks: number) => (ticks / TICKS_PER_S) * 1e6;
  return { busyUs: us((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)), stealUs: us(steal ?? 0) };
}
