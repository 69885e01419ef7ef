import type { Writable } from 'node:stream';
import pc from 'picocolors';

/** The colour functions of one stream: picocolors' set, on or off. */
export type Colors = ReturnType<typeof pc.createColors>;

/** Where and how a command prints: the one place the CLI writes to the terminal. */
export interface Output {
  /** True with `--json`: machine-readable output only. */
  readonly json: boolean;
  /** Colours for stdout (no-ops when stdout is not a terminal). */
  readonly color: Colors;
  /** A line of text for a reader (nothing in JSON mode). */
  line(text?: string): void;
  /** A JSON value on one line (JSON mode only). */
  record(value: unknown): void;
  /** A line on stderr, for what went wrong; in JSON mode `{"error": …}`. */
  error(message: string, details?: unknown): void;
}

/** The streams and environment an output writes to; a test or an embedding gives its own. */
export interface OutputTarget {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Colour on a terminal, plain text when piped, as most CLIs do: NO_COLOR (https://no-color.org)
 * turns it off, FORCE_COLOR (any value but 0) on.
 */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined) return env['FORCE_COLOR'] !== '0';
  return stream.isTTY === true && env['TERM'] !== 'dumb';
}

/** The output of one command run. */
export function createOutput(json: boolean, target: OutputTarget = process): Output {
  const color = pc.createColors(!json && wantsColor(target.stdout, target.env));
  const errorColor = pc.createColors(!json && wantsColor(target.stderr, target.env));
  return {
    json,
    color,
    line(text = '') {
      if (!json) target.stdout.write(`${text}\n`);
    },
    record(value) {
      if (json) target.stdout.write(`${JSON.stringify(value)}\n`);
    },
    error(message, details) {
      if (json) target.stderr.write(`${JSON.stringify({ error: { message, ...(details !== undefined && { details }) } })}\n`);
      else target.stderr.write(`${errorColor.red('mmtel:')} ${message}\n`);
    },
  };
}
