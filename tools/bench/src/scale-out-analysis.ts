/**
 * What the scale-out benchmark's windows mean: CPU per operation and cores used by each process,
 * and, from those, what limits a second instance on this machine, said in a sentence computed
 * from the figures. Pure, so that it is tested without timing anything.
 */
import { median } from './stats.js';

/** The CPU time each process used over one measured window, µs. */
export interface CpuWindow {
  wallMs: number;
  /** One per server process, in the order they were started. */
  serversUs: number[];
  /** Every process of the PostgreSQL cluster. */
  postgresUs: number;
  /** The other processes on the machine's cores that belong to the benchmark, by name (`load generator`, `receiver`). */
  othersUs: Record<string, number>;
  /** Every core's busy time (/proc/stat), whatever ran: the benchmark's processes and any other work on the machine. */
  machineBusyUs: number;
  /** Time the hypervisor gave the machine's cores to others (/proc/stat's steal). */
  stealUs: number;
}

/** One run of the scale-out benchmark: `instances` server processes on one database, and how many operations they did in the window. */
export interface ScaleOutRun {
  instances: number;
  /** Operations per second over the window (create+release cycles, or notifications delivered). */
  opsPerS: number;
  window: CpuWindow;
}

/** CPU per operation over a window, µs: each server, the servers together, PostgreSQL, and both (what the service costs). */
export interface CpuPerOp {
  perServer: number[];
  servers: number;
  postgres: number;
  /** Servers + PostgreSQL. */
  service: number;
  others: Record<string, number>;
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

/** The CPU per operation of a run. */
export function cpuPerOp(run: ScaleOutRun): CpuPerOp {
  const ops = (run.opsPerS * run.window.wallMs) / 1000;
  const per = (us: number) => us / ops;
  const servers = per(sum(run.window.serversUs));
  const postgres = per(run.window.postgresUs);
  return {
    perServer: run.window.serversUs.map(per),
    servers,
    postgres,
    service: servers + postgres,
    others: Object.fromEntries(Object.entries(run.window.othersUs).map(([name, us]) => [name, per(us)])),
  };
}

/** Cores used over a window (CPU time / wall time), per process group. */
export interface CoresUsed {
  perServer: number[];
  servers: number;
  postgres: number;
  others: Record<string, number>;
  /** The benchmark's processes together. */
  total: number;
  /** Every core's busy time, whatever ran. */
  machine: number;
  /** Busy time of the machine that none of the benchmark's processes used (other work on the machine). */
  outside: number;
  /** Time the hypervisor gave to others. */
  steal: number;
}

/** The cores each process group kept busy over a run's window. */
export function coresUsed(run: ScaleOutRun): CoresUsed {
  const wallUs = run.window.wallMs * 1000;
  const perServer = run.window.serversUs.map((us) => us / wallUs);
  const others = Object.fromEntries(Object.entries(run.window.othersUs).map(([name, us]) => [name, us / wallUs]));
  const servers = sum(perServer);
  const postgres = run.window.postgresUs / wallUs;
  const total = servers + postgres + sum(Object.values(others));
  const machine = run.window.machineBusyUs / wallUs;
  return {
    perServer,
    servers,
    postgres,
    others,
    total,
    machine,
    outside: Math.max(0, machine - total),
    steal: run.window.stealUs / wallUs,
  };
}

/** The median run of each instance count over the rounds (by throughput), or undefined when there is none. */
export function medianRun(runs: readonly ScaleOutRun[], instances: number): ScaleOutRun | undefined {
  const of = runs.filter((run) => run.instances === instances);
  if (of.length === 0) return undefined;
  const middle = median(of.map((run) => run.opsPerS));
  return of.find((run) => run.opsPerS === middle);
}

/** Above this share of the machine's cores, the machine (not the instance) is taken to be the limit. */
export const SATURATED = 0.9;
/** Above this share of the machine's cores taken by other work, the figures are said to be the other work's. */
export const NOT_QUIET = 0.25;
/** Above this share of one core, a server process's event loop is taken to be the limit. */
export const ONE_LOOP_BUSY = 0.85;

const two = (n: number) => n.toFixed(2);
const whole = (n: number) => n.toFixed(0);

/** `servers 0.61 + 0.58, PostgreSQL 0.45, load generator 0.30`. */
function describeCores(used: CoresUsed): string {
  const servers = used.perServer.length === 1 ? `server ${two(used.servers)}` : `servers ${used.perServer.map(two).join(' + ')}`;
  const others = Object.entries(used.others).map(([name, cores]) => `${name} ${two(cores)}`);
  return [servers, `PostgreSQL ${two(used.postgres)}`, ...others].join(', ');
}

/**
 * What a second instance bought and what limits it, as sentences computed from a one- and a
 * two-instance run: the throughput ratio; with one instance, whether the machine's cores, the
 * server's event loop or neither (waiting on PostgreSQL) was the limit; with two, whether the
 * cores were saturated and which process group took the most; other work on the machine when
 * there was any; and how the CPU per operation moved.
 */
export function explainScaleOut(what: string, op: string, one: ScaleOutRun, twoRun: ScaleOutRun, cores: number): string {
  const [usedOne, usedTwo] = [coresUsed(one), coresUsed(twoRun)];
  const [costOne, costTwo] = [cpuPerOp(one), cpuPerOp(twoRun)];
  const busiestLoop = Math.max(...usedOne.perServer);
  const limitOne =
    usedOne.machine >= SATURATED * cores
      ? `the machine's ${cores} cores were already busy`
      : busiestLoop >= ONE_LOOP_BUSY
        ? `the server process kept ${two(busiestLoop)} of a core busy: one instance is limited by its own event loop`
        : `${two(cores - usedOne.machine)} cores stayed idle and the event loop was not saturated: the instance spends part of each request waiting on PostgreSQL`;
  const [largestName, largestCores] = [
    ['the servers', usedTwo.servers] as const,
    ['PostgreSQL', usedTwo.postgres] as const,
    ...Object.entries(usedTwo.others),
    ['other work on the machine', usedTwo.outside] as const,
  ].reduce((a, b) => (b[1] > a[1] ? b : a));
  const limitTwo =
    usedTwo.machine >= SATURATED * cores
      ? `the cores were saturated, so the second instance can only take CPU from the first, PostgreSQL and the benchmark's own processes${usedTwo.outside >= 0.1 ? ' (and the other work on the machine)' : ''}; ${largestName} took the most (${two(largestCores)} cores)`
      : `${two(cores - usedTwo.machine)} cores stayed idle, so CPU is not the limit; waiting is (round trips to PostgreSQL and its row locks)`;
  const disturbance = Math.max(usedOne.outside, usedTwo.outside, usedOne.steal, usedTwo.steal);
  const outside =
    disturbance >= 0.1
      ? ` Other work on the machine took ${two(usedOne.outside)} and ${two(usedTwo.outside)} cores (hypervisor steal ${two(usedOne.steal)} and ${two(usedTwo.steal)}): ${
          disturbance >= NOT_QUIET * cores
            ? 'that work, not the server, set these figures; measure again on a quiet machine.'
            : 'the figures are noisy.'
        }`
      : '';
  const change = costTwo.service / costOne.service - 1;
  return (
    `${what}: 2 instances did ${two(twoRun.opsPerS / one.opsPerS)}× the ${op}s per second of 1 (${whole(twoRun.opsPerS)} vs ${whole(one.opsPerS)}). ` +
    `With 1 instance the benchmark's processes used ${two(usedOne.total)} of ${cores} cores (${describeCores(usedOne)}): ${limitOne}. ` +
    `With 2 they used ${two(usedTwo.total)} (${describeCores(usedTwo)}): ${limitTwo}. ` +
    `CPU per ${op} (servers + PostgreSQL) went from ${whole(costOne.service)} to ${whole(costTwo.service)} µs (${change >= 0 ? '+' : ''}${whole(change * 100)}%; PostgreSQL ${whole(costOne.postgres)} to ${whole(costTwo.postgres)} µs).${outside}`
  );
}
