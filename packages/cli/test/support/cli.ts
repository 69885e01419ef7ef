import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '@mmtel/server';
import { onTestFinished } from 'vitest';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

/** What a finished command left: its exit status and what it printed. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running command: what it has printed so far, and ways to wait on it. */
export interface Running {
  child: ChildProcessWithoutNullStreams;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the output so far once stdout matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves once the command has exited. */
  exited: Promise<Finished>;
}

/** Registers a clean-up for the end of the test: vitest's `onTestFinished`, or in a concurrent test that test's own (its context's). */
export type OnFinished = (cleanup: () => void) => void;

/**
 * Starts `mmtel <args>` as a user's shell would run the bin, on the sources (node with tsx and
 * the workspace's source condition), stdout and stderr piped: what a script sees. The
 * environment has no colour settings of its own unless `env` gives them.
 */
export function startCli(args: string[], env: Record<string, string> = {}, onFinished: OnFinished = onTestFinished): Running {
  const { FORCE_COLOR: _force, NO_COLOR: _no, MMTEL_API_ROOT: _root, MMTEL_TOKEN: _token, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--conditions=@mmtel/source', '--import', 'tsx', BIN, ...args], {
    env: { ...inherited, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const listener of listeners) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  onFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stdout.match(pattern);
          if (match === null) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(match);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(
              `mmtel ${args.join(' ')} did not print ${String(pattern)} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`mmtel ${args.join(' ')} exited before printing ${String(pattern)}; stdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        });
        check();
      });
    },
  };
}

/** Runs `mmtel <args>` to its end. */
export function runCli(args: string[], env: Record<string, string> = {}, onFinished: OnFinished = onTestFinished): Promise<Finished> {
  return startCli(args, env, onFinished).exited;
}

/** A reference server on loopback for this test, stopped after it; its {apiRoot}. */
export async function referenceServer(env: Record<string, string> = {}): Promise<string> {
  const server = await startReferenceServer({ MMTEL_SIM_SCENARIO: 'answer', ...env });
  onTestFinished(server.close);
  return server.apiRoot;
}
