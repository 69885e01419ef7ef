import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * The block with the documented ports replaced: the documentation says 8080 and 9000, a test
 * runs on ports that are free (`documented → actual`; whole numbers only, so 18080 stays).
 */
export function substitutePorts(code: string, ports: ReadonlyMap<number, number>): string {
  let result = code;
  for (const [documented, actual] of ports) result = result.replace(new RegExp(`\\b${documented}\\b`, 'g'), String(actual));
  return result;
}

/**
 * The variables a server command sets (`A=1 B=2 npx -y pnpm@12.4.2 start`): the test starts the
 * reference server in process with them instead of building and spawning it.
 */
export function serverEnvironment(code: string): Record<string, string> {
  const match = /^((?:[A-Z][A-Z0-9_]*=\S+\s+)*)npx -y pnpm@[\d.]+ start\s*$/.exec(code.trim());
  if (match === null) throw new Error(`not a server start command of the form "A=1 npx -y pnpm@<version> start": ${code}`);
  return Object.fromEntries(
    match[1]!
      .trim()
      .split(/\s+/)
      .filter((assignment) => assignment !== '')
      .map((assignment) => [assignment.slice(0, assignment.indexOf('=')), assignment.slice(assignment.indexOf('=') + 1)]),
  );
}

/** What a finished block did. */
export interface BlockRun {
  status: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** Where and how long a block runs. */
export interface RunOptions {
  cwd: string;
  timeoutMs: number;
}

function shell(code: string, cwd: string): { child: ChildProcess; output: () => string } {
  // Its own process group, so that stopping it stops what it started (npx → pnpm → tsx → node).
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', code], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

/** Runs a block with bash (errexit, pipefail) to its end; stops it after the timeout. */
export async function runBlock(code: string, { cwd, timeoutMs }: RunOptions): Promise<BlockRun> {
  const { child, output } = shell(code, cwd);
  const timer = setTimeout(() => stopGroup(child), timeoutMs);
  const [status] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { status, output: output() };
}

/** A block left running: what it printed so far, and how to stop it. */
export interface Background {
  output(): string;
  stop(): Promise<void>;
}

/** Starts a block that keeps running (a receiver); resolves once it printed `ready`. */
export async function startBackground(code: string, ready: string, { cwd, timeoutMs }: RunOptions): Promise<Background> {
  const { child, output } = shell(code, cwd);
  const closed = once(child, 'close');
  const stop = async (): Promise<void> => {
    stopGroup(child);
    await closed;
  };
  const deadline = Date.now() + timeoutMs;
  while (!output().includes(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the block did not print "${ready}" (exit ${child.exitCode}):\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { output, stop };
}
