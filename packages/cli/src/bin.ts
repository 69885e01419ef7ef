#!/usr/bin/env node
// The `mmtel` command. Exit status: 0 success, 1 failure (the API refused, the call failed), 2 usage.
import { MmtelConnectionError, MmtelProblemError } from '@mmtel/client';
import { CommanderError } from 'commander';
import { UsageError } from './api.js';
import { createOutput } from './output.js';
import { createProgram } from './program.js';

const json = process.argv.includes('--json');
// A reader that went away (`mmtel deliveries | head`) is no reason to stop half-way: a call must still be released.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitStatusOf(error);
}

function exitStatusOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end the program this way too, with exit code 0; commander has printed the usage error already.
    return error.exitCode === 0 ? 0 : 2;
  }
  const out = createOutput(json);
  if (error instanceof UsageError) {
    out.error(error.message);
    return 2;
  }
  if (error instanceof MmtelProblemError) {
    // The server's ProblemDetails names what it refused: show each attribute and the reason.
    out.error(error.message, error.problem);
    return 1;
  }
  if (error instanceof MmtelConnectionError) {
    out.error(`${error.message}; is the server running there? (--api-root or MMTEL_API_ROOT)`);
    return 1;
  }
  out.error(error instanceof Error ? error.message : String(error));
  return 1;
}
