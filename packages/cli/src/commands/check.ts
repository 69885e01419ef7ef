import { writeFile } from 'node:fs/promises';
import type { CheckMode, CheckReport, CheckResult } from '@mmtel/check';
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../api.js';
import { createOutput, type Colors, type Output } from '../output.js';
import { port, positiveSeconds } from './parse.js';

interface CheckCommandOptions {
  readOnly?: boolean;
  hostile?: boolean;
  runs: number;
  seed?: number;
  token?: string;
  afId?: string;
  notifyHost: string;
  notifyPort?: number;
  notifyTimeout: number;
  bodyLimit: number;
  junit?: string;
  json?: boolean;
}

/**
 * `mmtel check <apiRoot>`: the conformance kit (@mmtel/check) against any MMTel Enabler Server,
 * each check named by the clause it proves; a summary table, JSON or JUnit XML. Exit status: 0
 * when every check that ran passed, 1 when one failed, 2 for a usage error or a target that does
 * not answer, 130 when interrupted (the sessions created are released first).
 */
export function checkCommand(): Command {
  return new Command('check')
    .summary('check an MMTel Enabler Server against the specs (the conformance kit)')
    .description(
      "Runs the conformance kit against the MMTel Enabler Server at <apiRoot> (ours or another vendor's): every answer is judged against the " +
        'bundled TS 29.392 specs (declared status, content type, body schema, Location on 201, ProblemDetails with cause on 4xx/5xx), ' +
        'notifications are received by the kit itself and judged too, and each check names the clause it proves. By default it creates ' +
        'IMS sessions (and releases each one, on failure and Ctrl-C too); --read-only sends only requests that change nothing; --hostile ' +
        'adds the hostile-input properties. Exit status: 0 all checks that ran passed, 1 a check failed, 2 usage or the target does not answer.',
    )
    .argument('<apiRoot>', "the server's {apiRoot}, e.g. http://127.0.0.1:8080", apiRootArgument)
    .option('--read-only', 'only requests that change nothing: unknown resources, refused methods and media types, refused bodies')
    .option('--hostile', 'also the hostile-input properties (fast-check attacks on POST ims-sessions)')
    .addOption(new Option('--runs <n>', 'runs per hostile-input property').default(50).argParser(positiveInteger('--runs')))
    .addOption(
      new Option('--seed <n>', 'the seed of the hostile-input properties (printed with each run, to replay one)').argParser(
        integer('--seed'),
      ),
    )
    .addOption(new Option('--token <token>', 'an OAuth 2.0 access token, sent as a bearer token').env('MMTEL_TOKEN'))
    .option('--af-id <id>', 'the afId of the sessions the kit creates (default: the token\'s subject, else "default")')
    .option('--notify-host <host>', "the address of this machine the target sends notifications to (the kit's receiver)", '127.0.0.1')
    .addOption(new Option('--notify-port <port>', "the kit's receiver's port (default: a free one)").argParser(port))
    .addOption(
      new Option('--notify-timeout <seconds>', 'how long to wait for a notification')
        .default(10)
        .argParser(positiveSeconds('--notify-timeout')),
    )
    .addOption(
      new Option('--body-limit <bytes>', "the target's body limit: the hostile checks expect 413 above it")
        .default(1024 * 1024)
        .argParser(positiveInteger('--body-limit')),
    )
    .option('--junit <file>', 'also write the results as JUnit XML (one testcase per check, classname = clause)')
    .option('--json', 'print the report as one JSON document')
    .action(async (apiRoot: string, options: CheckCommandOptions) => {
      process.exitCode = await check(apiRoot, options);
    });
}

function apiRootArgument(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new InvalidArgumentError(`the apiRoot must be an http(s) URL, got "${value}".`);
  return value.replace(/\/+$/, '');
}

function integer(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new InvalidArgumentError(`${flag} takes a whole number.`);
    return number;
  };
}

function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError(`${flag} takes a positive whole number.`);
    return number;
  };
}

const SYMBOL = { passed: '✓', failed: '✗', skipped: '-' } as const;

async function check(apiRoot: string, options: CheckCommandOptions): Promise<number> {
  if (options.readOnly === true && options.hostile === true) throw new UsageError('--read-only and --hostile exclude each other');
  const mode: CheckMode = options.readOnly === true ? 'read-only' : options.hostile === true ? 'hostile' : 'create';
  const out = createOutput(options.json === true);
  const { color } = out;
  const abort = new AbortController();
  // Ctrl-C stops the run after the request in flight; the sessions created are released before the exit. A second one exits at once.
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    out.error('interrupted: releasing the sessions created (Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  out.line(`checking ${color.bold(apiRoot)} (${mode}${mode === 'read-only' ? '' : ', sessions are released at the end'})`);
  // Loaded when the command runs: the kit (Ajv, fast-check, a receiver on Fastify) would add a second to every other command's start.
  const { runCheck, TargetUnreachableError, toJUnitXml } = await import('@mmtel/check');
  let report: CheckReport;
  try {
    report = await runCheck({
      apiRoot,
      mode,
      runs: options.runs,
      notifyHost: options.notifyHost,
      notifyPort: options.notifyPort ?? 0,
      notifyTimeoutMs: options.notifyTimeout * 1000,
      bodyLimit: options.bodyLimit,
      signal: abort.signal,
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.token !== undefined && { token: options.token }),
      ...(options.afId !== undefined && { afId: options.afId }),
      onResult: (result) => printResult(out, result),
    });
  } catch (error) {
    if (!(error instanceof TargetUnreachableError)) throw error;
    out.error(`${error.message}: nothing to check`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (options.junit !== undefined) await writeFile(options.junit, toJUnitXml(report));
  out.record(report);
  printSummary(out, report, options.junit);
  if (abort.signal.aborted) return 130;
  return report.failed > 0 ? 1 : 0;
}

function outcomeText(result: CheckResult, color: Colors): string {
  const symbol = SYMBOL[result.outcome];
  return result.outcome === 'passed' ? color.green(symbol) : result.outcome === 'failed' ? color.red(symbol) : color.yellow(symbol);
}

/**
 * One line per check as it ends; a failure's broken rules and a skip's reason indented below it.
 * On a terminal the summary table lists every check at the end, so only what needs reading (the
 * failures and the reasons for skips) is printed as it comes.
 */
function printResult(out: Output, result: CheckResult): void {
  const { color } = out;
  if ((process.stdout.isTTY === true && result.outcome === 'passed') || result.needs !== undefined || isInterrupted(result)) return;
  out.line(`${outcomeText(result, color)} ${color.dim(result.clause)}  ${result.title}`);
  for (const detail of result.details) {
    const text = detail.replaceAll('\n', '\n      ');
    out.line(`    ${result.outcome === 'failed' ? color.red(text) : color.dim(text)}`);
  }
}

/** A check that Ctrl-C stopped or kept from running: one line of the summary says how many. */
function isInterrupted(result: CheckResult): boolean {
  return result.outcome === 'skipped' && result.details[0] === 'interrupted';
}

function printSummary(out: Output, report: CheckReport, junit: string | undefined): void {
  const { color } = out;
  // The table on a terminal, where it is read; piped output stays one line per check, for grep.
  if (process.stdout.isTTY === true) {
    const table = new Table({
      head: ['', 'clause', 'check', 'ms'].map((title) => color.bold(title)),
      style: { head: [], border: [] },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
      wordWrap: true,
      colWidths: [null, null, 70, null],
    });
    for (const result of report.results.filter((r) => r.needs === undefined))
      table.push([outcomeText(result, color), result.clause, result.title, String(result.ms)]);
    out.line(table.toString());
  }
  const counts = [
    color.green(`${report.passed} passed`),
    report.failed > 0 ? color.red(`${report.failed} failed`) : `${report.failed} failed`,
    color.yellow(`${report.skipped} skipped`),
  ].join(', ');
  const notInMode = report.results.filter((r) => r.needs !== undefined).length;
  out.line(`${counts} in ${(report.ms / 1000).toFixed(1)} s`);
  const interrupted = report.results.filter(isInterrupted).length;
  if (interrupted > 0) out.line(color.dim(`${interrupted} of the skipped did not run: interrupted`));
  if (notInMode > 0)
    out.line(
      color.dim(
        `${notInMode} of the skipped need more than ${report.mode === 'read-only' ? '--read-only allows (the default creates sessions; --hostile adds hostile input)' : 'the default mode (--hostile)'}`,
      ),
    );
  if (report.seed !== undefined)
    out.line(
      color.dim(
        `hostile input: seed ${report.seed}, ${report.runs} runs per property (replay: --hostile --seed ${report.seed} --runs ${report.runs})`,
      ),
    );
  if (junit !== undefined) out.line(color.dim(`JUnit XML: ${junit}`));
}
