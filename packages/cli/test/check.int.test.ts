import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, mintAccessToken, readSigningKey, startReferenceServer, writeSigningKeyFiles, type ReferenceServer } from '@mmtel/server';
import { parseJUnitXml } from '@mmtel/toolchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Breakage, startBrokenServer } from './support/broken-server.js';
import { runCli, startCli } from './support/cli.js';

// One reference server for the file (starting one takes seconds on a loaded machine), its
// Session Event Notifications configured to the port the passing run's receiver listens on.
let server: ReferenceServer;
let notifyPort: number;

beforeAll(async () => {
  notifyPort = await freePort();
  server = await startReferenceServer({
    MMTEL_SIM_SCENARIO: 'answer',
    MMTEL_SESSION_EVENT_NOTIFICATION_URI: `http://127.0.0.1:${notifyPort}/session-event-notification`,
  });
}, 120_000);

afterAll(() => server.close());

/** The number of notifications in the reference server's delivery record. */
async function deliveries(): Promise<number> {
  return ((await (await fetch(`${server.apiRoot}/sim/v1/deliveries`)).json()) as unknown[]).length;
}

describe('mmtel check against the reference server', () => {
  it('passes every check of the default mode, the CallEvent one included', async () => {
    const { code, stdout } = await runCli(['check', server.apiRoot, '--notify-port', String(notifyPort)]);
    expect(stdout).toContain('✓ TS 29.392 6.4.3.2.3.1  POST ims-sessions answers 201 with Location and the created ImsSession');
    expect(stdout).toContain("✓ TS 29.392 6.3.5.2  an incoming call's Session Event Notification (SESSION_ESTABLISHMENT_REQUEST) arrives");
    expect(stdout).toContain('✓ TS 29.392 6.4.5.2  every notification received conforms to the spec');
    expect(stdout).toMatch(/16 passed, 0 failed, 2 skipped in/);
    expect(code).toBe(0);
  });

  it('passes with --read-only and changes nothing (no session, no notification)', async () => {
    const before = await deliveries();
    const { code, stdout } = await runCli(['check', server.apiRoot, '--read-only', '--json']);
    const report = JSON.parse(stdout) as {
      mode: string;
      passed: number;
      failed: number;
      results: Array<{ outcome: string; details: string[] }>;
    };
    expect(report).toMatchObject({ mode: 'read-only', passed: 7, failed: 0 });
    expect(report.results.filter((r) => r.outcome === 'skipped').every((r) => r.details[0]?.startsWith('needs --'))).toBe(true);
    expect(await deliveries()).toBe(before);
    expect(code).toBe(0);
  });

  it('passes with --hostile --runs 20 and prints the seed that replays the run', async () => {
    const { code, stdout } = await runCli(['check', server.apiRoot, '--hostile', '--runs', '20', '--seed', '29392']);
    expect(stdout).toContain('✓ TS 29.122 5.2.6  hostile bodies');
    expect(stdout).toContain('✓ TS 29.122 5.2.6  invalid ImsSession bodies');
    expect(stdout).toContain('hostile input: seed 29392, 20 runs per property (replay: --hostile --seed 29392 --runs 20)');
    expect(code).toBe(0);
  });

  it('exits 2 when nothing answers at the apiRoot', async () => {
    const { code, stderr } = await runCli(['check', `http://127.0.0.1:${await freePort()}`]);
    expect(stderr).toMatch(/does not answer \(connect ECONNREFUSED .*\): nothing to check/);
    expect(code).toBe(2);
  });

  it('refuses --read-only with --hostile as a usage error (exit 2)', async () => {
    const { code, stderr } = await runCli(['check', 'http://127.0.0.1:9', '--read-only', '--hostile']);
    expect(stderr).toContain('--read-only and --hostile exclude each other');
    expect(code).toBe(2);
  });
});

const withoutCause: Breakage = {
  answer: (_, answer) =>
    answer.status === 400 ? { ...answer, body: JSON.stringify({ ...(JSON.parse(answer.body) as object), cause: undefined }) } : answer,
};

// Each case has a broken server of its own and the kit a receiver of its own: they run side by
// side, which keeps the file within a minute on a loaded machine (each spawn starts tsx: ~4 s).
// Clean-ups go to each test's own onTestFinished (the global one cannot tell concurrent tests apart).
describe.concurrent('mmtel check against other servers', () => {
  it("passes against a server that requires OAuth 2.0 tokens, with --token (the token's subject as afId)", async ({ onTestFinished }) => {
    const keys = await writeSigningKeyFiles(await mkdtemp(join(tmpdir(), 'mmtel-check-keys-')));
    const { token } = await mintAccessToken(await readSigningKey(keys.signingKeyFile), { subject: 'as1' });
    const secured = await startReferenceServer({
      MMTEL_SIM_SCENARIO: 'answer',
      MMTEL_AUTH: 'oauth2',
      MMTEL_OAUTH_JWKS_FILE: keys.jwksFile,
    });
    onTestFinished(() => secured.close());
    const { code, stdout } = await runCli(['check', secured.apiRoot, '--token', token], {}, onTestFinished);
    expect(stdout).toContain('✓ TS 29.392 6.4.3.2.3.1  POST ims-sessions answers 201');
    expect(stdout).toMatch(/ 0 failed, /);
    expect(code).toBe(0);
  });

  it('writes JUnit XML: one testcase per check, the clause as classname, the failure with the rule broken', async ({ onTestFinished }) => {
    const broken = await startBrokenServer(server.apiRoot, withoutCause, onTestFinished);
    const junit = join(await mkdtemp(join(tmpdir(), 'mmtel-check-')), 'report.xml');
    const { code } = await runCli(['check', broken, '--read-only', '--junit', junit], {}, onTestFinished);
    const cases = parseJUnitXml(await readFile(junit, 'utf8'));
    expect(cases).toHaveLength(18);
    expect(cases.filter((c) => c.outcome === 'failed')).toEqual([
      expect.objectContaining({
        suite: 'TS 29.122 5.2.6',
        name: expect.stringMatching(/^an invalid ImsSession is refused with 400/),
        message: expect.stringContaining('the 400 ProblemDetails has no cause'),
      }),
    ]);
    expect(cases.filter((c) => c.outcome === 'passed')).toHaveLength(6);
    expect(cases).toContainEqual(expect.objectContaining({ suite: 'TS 29.392 6.4.3.2.3.1', outcome: 'skipped', message: '' }));
    expect(code).toBe(1);
  });

  it('releases the session it created when interrupted with Ctrl-C, and exits 130', async ({ onTestFinished }) => {
    const releases: string[] = [];
    const broken = await startBrokenServer(
      server.apiRoot,
      {
        // Notifications are swallowed, so that the kit is still waiting for one when Ctrl-C comes.
        notification: () => undefined,
        answer: (request, answer) => {
          if (request.method === 'DELETE') releases.push(`${request.path} ${answer.status}`);
          return answer;
        },
      },
      onTestFinished,
    );
    const cli = startCli(['check', broken, '--notify-timeout', '60'], {}, onTestFinished);
    await cli.waitFor(/✓ TS 29\.392 6\.4\.3\.2\.3\.1 {2}POST ims-sessions answers 201/);
    cli.child.kill('SIGINT');
    const { code, stderr } = await cli.exited;
    expect(stderr).toContain('interrupted: releasing the sessions created');
    expect(releases).toContainEqual(expect.stringMatching(/\/ims-sessions\/[0-9a-f-]{36} 204$/));
    expect(code).toBe(130);
  });

  it.for<[string, { breakage: Breakage; args?: string[]; failed: string; rule: string }]>([
    [
      'a 201 without Location',
      {
        breakage: {
          answer: (_, answer) => (answer.status === 201 ? { ...answer, headers: { 'content-type': 'application/json' } } : answer),
        },
        failed: '✗ TS 29.392 6.4.3.2.3.1  POST ims-sessions answers 201 with Location',
        rule: 'the 201 of CreateImsSession has no location header',
      },
    ],
    [
      'a 400 without cause',
      {
        breakage: withoutCause,
        args: ['--read-only'],
        failed: '✗ TS 29.122 5.2.6  an invalid ImsSession is refused with 400',
        rule: 'the 400 ProblemDetails has no cause',
      },
    ],
    [
      'a 400 as application/json',
      {
        breakage: {
          answer: (_, answer) => (answer.status === 400 ? { ...answer, headers: { 'content-type': 'application/json' } } : answer),
        },
        args: ['--read-only'],
        failed: '✗ TS 29.122 5.2.6  an invalid ImsSession is refused with 400',
        rule: 'the 400 is not a ProblemDetails: content-type is "application/json", not application/problem+json',
      },
    ],
    [
      '200 instead of 204 to DELETE',
      {
        breakage: {
          answer: (request, answer) => (request.method === 'DELETE' && answer.status === 204 ? { ...answer, status: 200 } : answer),
        },
        failed: '✗ TS 29.392 6.4.3.3.3.3  DELETE of the session answers 204',
        rule: 'ReleaseImsSession answered 200, a status it does not declare',
      },
    ],
    [
      'an IMS Session Notification that breaks its schema',
      {
        breakage: { notification: (body) => ({ ...body, eventReports: 'none' }) },
        failed: '✗ TS 29.392 6.4.5.2  every notification received conforms to the spec',
        rule: '/eventReports must be array',
      },
    ],
    [
      'a 500 to a body that is not JSON',
      {
        breakage: {
          answer: (request, answer) => {
            if (request.method !== 'POST' || !request.path.endsWith('/ims-sessions')) return answer;
            try {
              JSON.parse(request.body.toString('utf8'));
              return answer;
            } catch {
              const problem = { status: 500, cause: 'SYSTEM_FAILURE', title: 'Internal error' };
              return { status: 500, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify(problem) };
            }
          },
        },
        args: ['--hostile', '--runs', '20', '--seed', '29392'],
        failed: '✗ TS 29.122 5.2.6  hostile bodies',
        rule: 'answered 500: a server error',
      },
    ],
  ])('fails against %s, naming the clause', async ([, { breakage, args = [], failed, rule }], { onTestFinished }) => {
    const broken = await startBrokenServer(server.apiRoot, breakage, onTestFinished);
    const { code, stdout } = await runCli(['check', broken, ...args], {}, onTestFinished);
    expect(stdout).toContain(failed);
    expect(stdout).toContain(rule);
    expect(stdout).toMatch(/[1-9]\d* failed/);
    expect(code).toBe(1);
  });
});
