import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../api.js';

/** The server's variables without the MMTEL_ prefix (docs/configuration.md). */
const UNPREFIXED = new Set(['HOST', 'PORT', 'LOG_LEVEL', 'NODE_ENV', 'DATABASE_URL']);

/**
 * `mmtel server [--<variable> <value> …]`: runs the reference server (@mmtel/server's compiled
 * `mmtel-server` bin) with each option as the server variable of that name.
 */
export function serverCommand(): Command {
  return (
    new Command('server')
      .summary('start the reference MMTel Enabler Server (every variable as an option)')
      .description(
        "Runs the reference server (@mmtel/server's mmtel-server bin) in the foreground. Each option --<name> <value> sets the server variable " +
          'of that name: --port 8090 is PORT, --session-event-notification-uri <uri> is MMTEL_SESSION_EVENT_NOTIFICATION_URI, ' +
          '--sim-scenario busy is MMTEL_SIM_SCENARIO, --auth oauth2 is MMTEL_AUTH (every variable: docs/configuration.md); an option without ' +
          'a value is "true". The environment is passed on too; an option wins over it. The server checks every value and names an unknown ' +
          'variable. --json: its log as one JSON object per line (MMTEL_LOG_FORMAT=json). Ctrl-C stops it.',
      )
      .usage('[--<variable> <value> …] [--json]')
      // The server's variables are its options: commander leaves them, and their values, in `args`.
      .allowUnknownOption()
      .argument('[variables...]', 'the server variables, as --<name> <value>')
      .option('--json', 'log one JSON object per line (MMTEL_LOG_FORMAT=json)')
      .action(async (_variables: string[], options: { json?: boolean }, command: Command) => {
        const variables = variablesOf(command.args);
        if (options.json === true) variables['MMTEL_LOG_FORMAT'] = 'json';
        process.exitCode = await runServer(variables);
      })
  );
}

/** `--sim-scenario busy --docs --port=0` as `{ MMTEL_SIM_SCENARIO: 'busy', MMTEL_DOCS: 'true', PORT: '0' }`. */
export function variablesOf(args: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/i.exec(arg);
    if (match === null) throw new UsageError(`mmtel server takes options --<variable> <value>, got "${arg}"`);
    const [, name = '', inline] = match;
    let value = inline;
    if (value === undefined) {
      const next = args[index + 1];
      value = next === undefined || next.startsWith('--') ? 'true' : next;
      if (next !== undefined && !next.startsWith('--')) index++;
    }
    const upper = name.toUpperCase().replaceAll('-', '_');
    variables[UNPREFIXED.has(upper) || upper.startsWith('MMTEL_') ? upper : `MMTEL_${upper}`] = value;
  }
  return variables;
}

/** The compiled server of the installed @mmtel/server: its `mmtel-server` bin. */
function serverMain(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('@mmtel/server/package.json');
  } catch {
    throw new Error('mmtel server needs @mmtel/server: npm install @mmtel/server');
  }
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: Record<string, string> };
  const main = join(dirname(manifest), bin?.['mmtel-server'] ?? 'dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build the server first (pnpm --filter @mmtel/server build)`);
  return main;
}

/** Runs the server in the foreground until it exits; its exit status (128 + the signal's number when one ended it). */
function runServer(variables: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [serverMain()], { stdio: 'inherit', env: { ...process.env, ...variables } });
  // Ctrl-C in a terminal reaches both processes (one process group): this one waits for the server's own shutdown, and
  // passing SIGINT on would make it a second Ctrl-C to the server. SIGTERM, sent to this process alone, is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1)));
  });
}
