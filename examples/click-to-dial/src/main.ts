/**
 * click-to-dial from a terminal:
 *
 *   npx -y pnpm@12.4.2 --filter @mmtel/example-click-to-dial dial <callingParty> <calledParty>
 *     [--api-root <url>] [--af-id <id>] [--scenario <name>] [--timeout-ms <ms>]
 *
 * Places the call through the MMTel Enabler Server at --api-root (default: the reference server
 * that `pnpm start` runs, or MMTEL_API_ROOT), prints each IMS session event as it arrives, and
 * exits 0 when the call was answered (and released), 1 when it failed, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { clickToDial } from './click-to-dial.js';

const USAGE =
  'usage: dial <callingParty> <calledParty> [--api-root <url>] [--af-id <id>] [--scenario <name>] [--timeout-ms <ms>]\n' +
  '  e.g. dial sip:alice@example.com tel:+4930123456 --scenario busy';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'api-root': { type: 'string', default: process.env['MMTEL_API_ROOT'] ?? 'http://127.0.0.1:8080' },
      'af-id': { type: 'string' },
      scenario: { type: 'string' },
      'timeout-ms': { type: 'string', default: '30000' },
      help: { type: 'boolean', default: false },
    },
  });
  const [callingParty, calledParty] = positionals;
  if (values.help || callingParty === undefined || calledParty === undefined || positionals.length > 2) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    process.stderr.write(`--timeout-ms must be a positive whole number of milliseconds, got "${values['timeout-ms']}"\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  process.stdout.write(`calling ${calledParty} from ${callingParty} through ${values['api-root']}\n`);
  const result = await clickToDial({
    apiRoot: values['api-root'],
    callingParty,
    calledParty,
    // The server's own address for this AS: loopback, as the reference server runs beside it.
    receiverOrigin: 'http://127.0.0.1',
    timeoutMs,
    ...(values['af-id'] !== undefined && { afId: values['af-id'] }),
    ...(values.scenario !== undefined && { scenario: values.scenario }),
    onEvent: (event) => process.stdout.write(`  +${String(Date.now() - started).padStart(5)} ms  ${event}\n`),
  });
  process.stdout.write(
    result.outcome === 'answered'
      ? `answered, then released (session ${result.sessionId})\n`
      : `failed${result.cause !== undefined ? ` with SIP cause ${result.cause}` : ''} (session ${result.sessionId})\n`,
  );
  return result.outcome === 'answered' ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // The SDK's errors name what went wrong (the URL and cause, or the ProblemDetails' attributes).
    process.stderr.write(`click-to-dial: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
