import { randomInt } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReferenceServer } from '@mmtel/server';
import { cacheDir, ensurePythonEnv, readJUnitReports, repoRoot, type JUnitCase, type PythonEnv } from '@mmtel/toolchain';
import { parse, stringify } from 'yaml';
import { engineSetting, type StoreEngine } from '../../../packages/server/test/support/store-engines.js';

/**
 * Schemathesis against the reference server: one pass is `st run` of one bundled spec with every
 * check and every phase (the stateful one included) against a reference server started here in
 * this process, configured by schemathesis.toml and hooks.py beside this package. Used by the CI
 * test (fixed seed, few examples) and by `pnpm schemathesis` (random seed, many examples).
 */

/** The APIs Schemathesis attacks: each bundled spec and the path of its `{apiRoot}/…` server URL. */
export const APIS = {
  callcontrol: {
    title: 'MMTel_CallControl',
    spec: 'specs/bundled/TS29392_MMTel_CallControl.bundled.yaml',
    basePath: '/mmtel-callcontrol/v1',
  },
  callevent: { title: 'MMTel_CallEvent', spec: 'specs/bundled/TS29392_MMTel_CallEvent.bundled.yaml', basePath: '/mmtel-callevent/v1' },
} as const;
export type Api = keyof typeof APIS;

/** How the reference server authenticates (MMTEL_AUTH). */
export type AuthMode = 'none' | 'oauth2';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_FILE = join(packageDir, 'schemathesis.toml');
const HOOKS_FILE = join(packageDir, 'hooks.py');
const LOCK_FILE = join(packageDir, 'requirements.lock');
/** Every phase, spelled out so that a change of Schemathesis' defaults cannot drop one silently. */
const PHASES = 'examples,coverage,fuzzing,stateful';
/** The client the oauth2 target issues tokens to (its own CAPIF-like token endpoint). */
const CLIENT = { id: 'schemathesis', secret: 'schemathesis-secret' };

/** The Python environment with the hash-pinned Schemathesis (requirements.lock), built on first use. */
export function schemathesisEnv(log?: (line: string) => void): Promise<PythonEnv> {
  return ensurePythonEnv({ name: 'schemathesis', lockFile: LOCK_FILE, ...(log && { log }) });
}

export type { StoreEngine };

/** A reference server the passes of one mode run against. */
export interface Target {
  mode: AuthMode;
  /** Its store engine: LMDB (embedded), or PostgreSQL in a database of its own. */
  engine: StoreEngine;
  apiRoot: string;
  /** Headers every request of Schemathesis carries: the bearer token in oauth2 mode. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the reference server on loopback with an embedded store: the development profile (every
 * response validated against the spec, private notification targets allowed), the simulator
 * playing `answer` for every session Schemathesis creates. Notifications go to the targets
 * hooks.py gives (loopback port 9, nothing listens), so one attempt each: retries would only load
 * the machine. In oauth2 mode the server issues tokens itself and the target carries one.
 * On `engine`: LMDB by default, or PostgreSQL in a database of its own on the server `databaseUrl`
 * names (dropped when the target closes).
 */
export async function startTarget(mode: AuthMode, store: { engine?: StoreEngine; databaseUrl?: string } = {}): Promise<Target> {
  const engine = store.engine ?? 'lmdb';
  const setting = await engineSetting(engine, store.databaseUrl);
  const env: Record<string, string> = { ...setting.env, MMTEL_SIM_SCENARIO: 'answer', MMTEL_NOTIFY_MAX_ATTEMPTS: '1' };
  if (mode === 'oauth2') {
    Object.assign(env, {
      MMTEL_AUTH: 'oauth2',
      MMTEL_CAPIF_TOKEN_ENDPOINT: 'true',
      MMTEL_CAPIF_CLIENTS: `${CLIENT.id}=${CLIENT.secret}`,
      MMTEL_CAPIF_TOKEN_TTL_S: '86400',
    });
  }
  const server = await startReferenceServer(env).catch(async (error: unknown) => {
    await setting.release();
    throw error;
  });
  const close = async () => {
    await server.close();
    await setting.release();
  };
  try {
    const headers: Record<string, string> = mode === 'oauth2' ? { Authorization: `Bearer ${await fetchToken(server.apiRoot)}` } : {};
    return { mode, engine, apiRoot: server.apiRoot, headers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A token for both 3GPP APIs from the server's token endpoint (client credentials grant, TS 29.222 clause 8.5). */
async function fetchToken(apiRoot: string): Promise<string> {
  const response = await fetch(`${apiRoot}/capif-security/v1/securities/${CLIENT.id}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT.id,
      client_secret: CLIENT.secret,
      scope: 'mmtel-callcontrol mmtel-callevent',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || body.access_token === undefined)
    throw new Error(`the token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** One pass. */
export interface PassOptions {
  target: Target;
  api: Api;
  seed: number;
  /** Test cases per operation and phase (`--max-examples`). */
  maxExamples: number;
  /** Names the pass's directory under `.cache/schemathesis/` (`ci`, `long`): two kinds of run do not share one. */
  label: string;
  /** Concurrent workers of the non-stateful phases (default 1, which keeps a seed reproducible). */
  workers?: number;
  /** Schemathesis' output as it comes. */
  onOutput?: (chunk: string) => void;
  timeoutMs?: number;
  env?: PythonEnv;
}

/** A chain the stateful phase followed: a response of one operation feeding a request of another. */
export interface StatefulLink {
  /** Schemathesis' name of the link: `POST /ims-sessions -> [201] DeleteImsSession -> DELETE /ims-sessions/{sessionId}`. */
  name: string;
  /** Where the value came from: `$response.body#/sessionId`, `$response.header.Location`… */
  sources: string[];
  /** Requests made by following it. */
  applied: number;
  /** Of those, how many carried exactly the value the source response held. */
  carriedValue: number;
}

export interface PassResult {
  api: Api;
  mode: AuthMode;
  engine: StoreEngine;
  seed: number;
  maxExamples: number;
  /** Schemathesis exited 0 and its JUnit report holds no failure. */
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  /** Everything Schemathesis printed. */
  output: string;
  /** Its own report from `FAILURES` on (failures with their curl and `st replay` lines, warnings, summary). */
  report: string;
  /** Its JUnit report: one case per operation, and one for the stateful tests. */
  cases: JUnitCase[];
  /** The links of the stateful phase that were followed (from its NDJSON events). */
  links: StatefulLink[];
  /** Every check that ran, with how many cases it passed and failed. */
  checks: Record<string, { passed: number; failed: number }>;
  /** The statuses answered to requests sent without an Authorization header, by `METHOD path`. */
  withoutAuthorization: Record<string, number[]>;
  /** What the stateful phase printed: `API Links: 8 covered / 9 selected / 9 total (9 inferred)`. */
  linkSummary: string | undefined;
  /** How to run this pass again, and how to replay one failing case. */
  replay: string;
  runDir: string;
}

/**
 * Runs Schemathesis once against `target`. The pass's directory (`.cache/schemathesis/<label>-<api>-<mode>`)
 * is emptied first, so that nothing of an earlier run (Schemathesis' request cache) changes this
 * one; it keeps Schemathesis' output (output.txt), its reports and the crash files `st replay`
 * reads until the next pass.
 */
export async function runPass(options: PassOptions): Promise<PassResult> {
  const { target, api, seed, maxExamples } = options;
  const env = options.env ?? (await schemathesisEnv());
  const runDir = passDir(options.label, api, target.mode, target.engine);
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true });
  const spec = await specFor(api, target.mode, runDir);
  const reportDir = join(runDir, 'report');
  const args = [
    '-m',
    'schemathesis.cli',
    '--no-color',
    '--config-file',
    CONFIG_FILE,
    'run',
    spec,
    '--url',
    target.apiRoot + APIS[api].basePath,
    '--checks',
    'all',
    '--phases',
    PHASES,
    '--seed',
    String(seed),
    '--max-examples',
    String(maxExamples),
    '--workers',
    String(options.workers ?? 1),
    '--report',
    'junit,ndjson',
    '--report-dir',
    reportDir,
    ...Object.entries(target.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
  ];
  const result = await env.run(args, {
    cwd: runDir,
    allowFailure: true,
    env: { SCHEMATHESIS_HOOKS: HOOKS_FILE, NO_COLOR: '1', COLUMNS: '120' },
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.onOutput && { onOutput: options.onOutput }),
  });
  const cases = await readJUnitReports(reportDir);
  const output = result.output;
  await writeFile(join(runDir, 'output.txt'), output);
  const failuresAt = output.search(/^=+ FAILURES =+$/m);
  const summaryAt = output.search(/^=+ (WARNINGS|SUMMARY) =+$/m);
  return {
    api,
    mode: target.mode,
    engine: target.engine,
    seed,
    maxExamples,
    passed: result.code === 0 && cases.length > 0 && cases.every((c) => c.outcome !== 'failed'),
    exitCode: result.code,
    durationMs: result.durationMs,
    output,
    report: output.slice(failuresAt >= 0 ? failuresAt : summaryAt >= 0 ? summaryAt : Math.max(0, output.length - 6000)),
    cases,
    ...(await readEvents(reportDir)),
    linkSummary: /API Links:.*$/m.exec(output)?.[0].trim(),
    replay: replayInstructions({ label: options.label, api, mode: target.mode, engine: target.engine, seed, maxExamples, output }),
    runDir,
  };
}

/** The spec Schemathesis reads: the bundled spec itself, or in oauth2 mode its {@link oauth2Profile}. */
async function specFor(api: Api, mode: AuthMode, runDir: string): Promise<string> {
  const bundled = join(repoRoot, APIS[api].spec);
  if (mode === 'none') return bundled;
  const derived = join(runDir, `${api}.oauth2-profile.yaml`);
  await writeFile(
    derived,
    `# Derived from ${APIS[api].spec} by tools/schemathesis/src/schemathesis-run.ts (oauth2Profile). Not a spec.\n${stringify(oauth2Profile(parse(await readFile(bundled, 'utf8')) as Record<string, unknown>))}`,
  );
  return derived;
}

/**
 * The spec as a server in MMTEL_AUTH=oauth2 mode serves it, for Schemathesis' ignored_auth check,
 * which otherwise never runs here: the specs' `security: [{}, {oAuth2ClientCredentials: []}]`
 * (TS 29.122 clause 6: a deployment either trusts the transport or requires OAuth) makes
 * authentication optional, and the check skips operations whose authentication is optional; and
 * Schemathesis 4.32 probes only apiKey, basic and http schemes, not oauth2. So the `{}` choice is
 * dropped (this deployment requires a token), and the oauth2 scheme is described by what it puts
 * on the wire, an RFC 6750 bearer token (`type: http, scheme: bearer`). Nothing else changes.
 * See findings.md, S7.
 */
export function oauth2Profile(spec: Record<string, unknown>): Record<string, unknown> {
  const required = (security: unknown) =>
    Array.isArray(security) ? security.filter((choice) => Object.keys(choice as object).length > 0) : security;
  const paths = Object.fromEntries(
    Object.entries((spec.paths ?? {}) as Record<string, Record<string, unknown>>).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, operation]) => [
          method,
          isObject(operation) && 'security' in operation ? { ...operation, security: required(operation.security) } : operation,
        ]),
      ),
    ]),
  );
  const components = (spec.components ?? {}) as Record<string, unknown>;
  const schemes = Object.fromEntries(
    Object.entries((components.securitySchemes ?? {}) as Record<string, { type?: string }>).map(([name, scheme]) => [
      name,
      scheme.type === 'oauth2'
        ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `OAuth 2.0 access token (was: ${name}, type oauth2)` }
        : scheme,
    ]),
  );
  return { ...spec, security: required(spec.security), paths, components: { ...components, securitySchemes: schemes } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the NDJSON event stream of a pass tells beyond pass or fail. */
interface EventDigest {
  links: StatefulLink[];
  checks: Record<string, { passed: number; failed: number }>;
  withoutAuthorization: Record<string, number[]>;
}

/**
 * Reads the NDJSON events of a pass: each case a stateful link produced names the link, the
 * source of each value it filled in and the value; each case lists the checks run on it; each
 * recorded request shows whether it carried an Authorization header (its value is filtered).
 */
async function readEvents(reportDir: string): Promise<EventDigest> {
  const digest: EventDigest = { links: [], checks: {}, withoutAuthorization: {} };
  const file = (await readdir(reportDir).catch(() => [])).find((name) => name.endsWith('.ndjson'));
  if (file === undefined) return digest;
  const links = new Map<string, StatefulLink>();
  for (const line of (await readFile(join(reportDir, file), 'utf8')).split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const event = (JSON.parse(line) as { ScenarioFinished: NdjsonScenario }).ScenarioFinished;
    const recorder = event.recorder ?? {};
    for (const results of Object.values(recorder.checks ?? {})) {
      for (const { name, status } of results) {
        const count = (digest.checks[name] ??= { passed: 0, failed: 0 });
        if (status === 'failure') count.failed += 1;
        else count.passed += 1;
      }
    }
    for (const [caseId, { request, response }] of Object.entries(recorder.interactions ?? {})) {
      if (Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'authorization') || response == null) continue;
      // Interactions are keyed by case: its value names the operation's path template.
      const path = recorder.cases?.[caseId]?.value.path;
      const label = `${request.method} ${typeof path === 'string' ? path : new URL(request.uri).pathname}`;
      (digest.withoutAuthorization[label] ??= []).push(response.status_code);
    }
    if (event.phase !== 'stateful') continue;
    for (const recorded of Object.values(recorder.cases ?? {})) {
      const transition = recorded.transition;
      if (!transition) continue;
      const link = links.get(transition.id) ?? { name: transition.id, sources: [], applied: 0, carriedValue: 0 };
      link.applied += 1;
      const filled = Object.entries(transition.parameters ?? {}).flatMap(([location, parameters]) =>
        Object.entries(parameters).map(([name, parameter]) => ({ location, name, ...parameter })),
      );
      for (const parameter of filled) if (!link.sources.includes(parameter.definition)) link.sources.push(parameter.definition);
      const sent = recorded.value;
      if (filled.length > 0 && filled.every((p) => JSON.stringify(containerOf(sent, p.location)?.[p.name]) === JSON.stringify(p.value)))
        link.carriedValue += 1;
      links.set(transition.id, link);
    }
  }
  digest.links = [...links.values()].sort((a, b) => a.name.localeCompare(b.name));
  return digest;
}

interface NdjsonScenario {
  phase: string;
  recorder?: {
    cases?: Record<
      string,
      {
        value: Record<string, unknown>;
        transition?: { id: string; parameters?: Record<string, Record<string, { definition: string; value: unknown }>> };
      }
    >;
    checks?: Record<string, Array<{ name: string; status: string }>>;
    interactions?: Record<
      string,
      { request: { method: string; uri: string; headers?: Record<string, unknown> }; response?: { status_code: number } | null }
    >;
  };
}

function containerOf(sent: Record<string, unknown>, location: string): Record<string, unknown> | undefined {
  const value = sent[location];
  return isObject(value) ? value : undefined;
}

/** `.cache/schemathesis/<label>-<api>-<mode>`, with `-postgres` for a pass on PostgreSQL (passes of both engines may run at once). */
function passDir(label: string, api: Api, mode: AuthMode, engine: StoreEngine): string {
  return join(cacheDir, 'schemathesis', `${label}-${api}-${mode}${engine === 'lmdb' ? '' : `-${engine}`}`);
}

/** A random seed for a long pass (Schemathesis takes any integer; this keeps it short to type). */
export function randomSeed(): number {
  return randomInt(1, 2 ** 31);
}

/** The command lines that run a pass again and replay each failing case Schemathesis named. */
function replayInstructions(run: {
  label: string;
  api: Api;
  mode: AuthMode;
  engine: StoreEngine;
  seed: number;
  maxExamples: number;
  output: string;
}): string {
  const flags = `--api ${run.api} --auth ${run.mode} --engine ${run.engine}`;
  const ids = [...new Set([...run.output.matchAll(/^\s*st replay (\S+)\s*$/gm)].map((match) => match[1]!))];
  const lines = [
    `Run this pass again (same seed, one worker): npx -y pnpm@12.4.2 schemathesis ${flags} --seed ${run.seed} --max-examples ${run.maxExamples}`,
  ];
  if (ids.length > 0) {
    lines.push(
      `Replay a failing case against a fresh reference server (st replay, from the crash files in ${relative(repoRoot, passDir(run.label, run.api, run.mode, run.engine))}, kept until the next such pass):`,
      ...ids.map((id) => `  npx -y pnpm@12.4.2 schemathesis ${flags} --replay ${id} --from ${run.label}`),
      'The curl lines name the server of that run, which is gone: start one (npx -y pnpm@12.4.2 start, port 8080) and change the URL.',
    );
  }
  return lines.join('\n');
}

/**
 * Replays one failing case of the last pass of `label` (`st replay <id>`, from the crash files
 * Schemathesis left in that pass's directory) against a fresh target of the same mode and engine.
 */
export async function replayCase(options: {
  api: Api;
  mode: AuthMode;
  engine: StoreEngine;
  databaseUrl?: string;
  label: string;
  caseId: string;
  onOutput?: (chunk: string) => void;
}): Promise<number | null> {
  const env = await schemathesisEnv();
  const target = await startTarget(options.mode, {
    engine: options.engine,
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
  });
  try {
    const args = [
      '-m',
      'schemathesis.cli',
      '--no-color',
      '--config-file',
      CONFIG_FILE,
      'replay',
      options.caseId,
      '--keep',
      '--url',
      target.apiRoot + APIS[options.api].basePath,
      ...Object.entries(target.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
    ];
    const result = await env.run(args, {
      cwd: passDir(options.label, options.api, options.mode, options.engine),
      allowFailure: true,
      env: { SCHEMATHESIS_HOOKS: HOOKS_FILE, NO_COLOR: '1' },
      ...(options.onOutput && { onOutput: options.onOutput }),
    });
    return result.code;
  } finally {
    await target.close();
  }
}
