import { spawn } from 'node:child_process';

/** How to run one command. */
export interface RunOptions {
  cwd?: string;
  /** Added to (and overriding) this process's environment. */
  env?: Record<string, string | undefined>;
  /** Killed with its whole process group after this long (default: no limit). */
  timeoutMs?: number;
  /** Receives the output as it comes (for a CLI that shows progress); it is captured either way. */
  onOutput?: (chunk: string) => void;
  /** Resolve with the result instead of throwing when the command exits non-zero. */
  allowFailure?: boolean;
}

/** What a finished command left behind. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  durationMs: number;
  timedOut: boolean;
}

/** A command that exited non-zero, was killed, or timed out; the message ends with its output. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    const how = result.timedOut
      ? `timed out after ${Math.round(result.durationMs / 1000)} s`
      : result.signal
        ? `was killed by ${result.signal}`
        : `exited with ${result.code}`;
    super(`${command} ${how}\n${tail(result.output, 12_000)}`);
    this.name = 'CommandError';
  }
}

/**
 * Runs `command args…` without a shell and collects its output. The child leads a process group of
 * its own, so that a timeout also stops what it started (Maven's forked test JVM, pip's builds).
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  let timedOut = false;
  const collect = (into: 'stdout' | 'stderr') => (text: string) => {
    if (into === 'stdout') stdout += text;
    else stderr += text;
    output += text;
    options.onOutput?.(text);
  };
  // Decoded by the streams: a UTF-8 character split across two chunks stays one character.
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', collect('stdout'));
  child.stderr.on('data', collect('stderr'));
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup(child.pid);
        }, options.timeoutMs);
  // A test run that ends early must not leave the group behind.
  const onExit = () => killGroup(child.pid);
  process.once('exit', onExit);

  const display = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      reject(new Error(`${display} could not start: ${error.message}`, { cause: error }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', onExit);
      const result: RunResult = {
        code,
        signal,
        stdout,
        stderr,
        output,
        durationMs: performance.now() - started,
        timedOut,
      };
      if (code === 0 || options.allowFailure) resolve(result);
      else reject(new CommandError(display, result));
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The last `max` characters of `text`, marked when cut. */
export function tail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max)}`;
}
