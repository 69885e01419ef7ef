import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { access, constants } from 'node:fs/promises';
import { ensureDebianTool } from '@mmtel/toolchain';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** SIPp, from Debian's sip-tester: found, else installed (apt-get, under a lock) by the first test that needs it. */
export async function ensureSipp(): Promise<string> {
  return ensureDebianTool({
    package: 'sip-tester',
    find: async () =>
      access('/usr/bin/sipp', constants.X_OK).then(
        () => '/usr/bin/sipp',
        () => undefined,
      ),
    missing: 'SIPp is missing: install the Debian package sip-tester (apt-get install sip-tester).',
  });
}

/** One SIPp user agent playing a scenario of test/sip/scenarios: a server, or a client when `remote` is set. */
export interface SippOptions {
  /** The scenario file's name, e.g. `called-answers.xml`. */
  scenario: string;
  port: number;
  transport?: 'udp' | 'tcp';
  /** Calls to take before it exits (-m). */
  calls?: number;
  /** The scenario's `<pause/>` (ringing, or the wait before a hang-up), ms (-d). */
  pauseMs?: number;
  /** The global bound of the run (-timeout, an error when reached), s. */
  timeoutS?: number;
  /** Its RTP port (-mp): SIPp binds one, so each process needs its own. */
  mediaPort: number;
  /** Where a client sends its requests (`host:port`); a server when absent. */
  remote?: string;
  /** Where to write every message it sends and receives (-trace_msg), if anywhere. */
  messageFile?: string;
}

/** A running SIPp: its exit, its output, and its end by PID. */
export interface Sipp {
  pid: number;
  /** SIPp's exit code: 0 when every call ran through the scenario. */
  exited: Promise<number>;
  output(): string;
  /** Ends it by its PID if it still runs (SIGKILL: SIPp's own SIGTERM handling waits for calls). */
  kill(): void;
}

/**
 * Starts SIPp on 127.0.0.1: a UAS is waited for until its port answers; a UAC (`remote`) is not,
 * as it may be done before a poll sees its port.
 */
export async function startSipp(sippPath: string, options: SippOptions): Promise<Sipp> {
  const transport = options.transport ?? 'udp';
  const args = [
    '-sf',
    `${SCENARIOS}${options.scenario}`,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.port),
    '-t',
    transport === 'tcp' ? 't1' : 'u1',
    '-m',
    String(options.calls ?? 1),
    '-d',
    String(options.pauseMs ?? 0),
    '-mp',
    String(options.mediaPort),
    '-timeout',
    `${options.timeoutS ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-max_recv_loops',
    '1000',
    ...(options.messageFile !== undefined ? ['-trace_msg', '-message_file', options.messageFile] : []),
    ...(options.remote !== undefined ? [options.remote] : []),
  ];
  const child = spawn(sippPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  const sipp: Sipp = {
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    kill: () => killByPid(child),
  };
  if (options.remote === undefined) await untilPortTaken(options.port, transport, exited, () => output.slice(-2000));
  return sipp;
}

function killByPid(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
}

/** Polls a port until the process has bound it (the UDP port is taken, the TCP port accepts). */
export async function untilPortTaken(
  port: number,
  transport: 'udp' | 'tcp',
  exited: Promise<number>,
  describe: () => string,
): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (gone) throw new Error(`exited before listening on ${port}: ${describe()}`);
    if (await (transport === 'udp' ? udpTaken(port) : tcpAccepts(port))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on ${port} in 10 s: ${describe()}`);
}

function udpTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(true);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(false)));
  });
}

function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
