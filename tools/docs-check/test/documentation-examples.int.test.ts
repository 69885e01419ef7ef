import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, type ReferenceServer, startReferenceServer } from '@mmtel/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CodeBlock, directiveOf, isTypeScript } from '../src/code-blocks.js';
import { documentationBlocks, REPO_ROOT } from '../src/documentation-files.js';
import { type Background, runBlock, serverEnvironment, startBackground, substitutePorts } from '../src/runnable-blocks.js';
import { typeCheckBlocks } from '../src/type-check-blocks.js';

const blocks = documentationBlocks();
const where = (block: CodeBlock): string => `${block.document}:${block.line}`;

describe('the examples of the documentation', () => {
  it('every TypeScript block compiles against the workspace packages', () => {
    const typescript = blocks.filter(isTypeScript);
    expect(typescript.length).toBeGreaterThan(0);
    const errors = typeCheckBlocks(typescript).map(({ document, line, message }) => `${document}:${line}: ${message}`);
    expect(errors, 'a TypeScript block of the documentation does not compile').toEqual([]);
  });

  it('a block that names its source file shows that file verbatim', () => {
    const shown = blocks.flatMap((block) => {
      const source = directiveOf(block, 'source');
      return source === undefined ? [] : [{ block: where(block), path: source.path, code: block.code }];
    });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(shown.map((entry) => ({ ...entry, code: readFileSync(join(REPO_ROOT, entry.path), 'utf8').trimEnd() })));
  });
});

describe('the runnable blocks, as written, against a reference server on loopback', () => {
  const runnable = blocks.filter((block) => directiveOf(block, 'run') !== undefined);
  const backgroundBlocks = blocks.filter((block) => directiveOf(block, 'background') !== undefined);
  const serverBlocks = blocks.filter((block) => directiveOf(block, 'server') !== undefined);
  const ports = new Map<number, number>();
  let server: ReferenceServer | undefined;
  const running: Background[] = [];

  beforeAll(async () => {
    ports.set(9000, await freePort());
    const env = Object.assign({}, ...serverBlocks.map((block) => serverEnvironment(substitutePorts(block.code, ports)))) as Record<
      string,
      string
    >;
    server = await startReferenceServer(env);
    ports.set(8080, Number(new URL(server.apiRoot).port));
    for (const block of backgroundBlocks) {
      running.push(
        await startBackground(substitutePorts(block.code, ports), directiveOf(block, 'background')!.ready, {
          cwd: REPO_ROOT,
          timeoutMs: 90_000,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(running.map((background) => background.stop()));
    await server?.close();
  });

  it('finds the quickstart: the server command, a receiver in the background and the steps to run', () => {
    expect([serverBlocks.length, backgroundBlocks.length, runnable.length > 0]).toEqual([1, 1, true]);
  });

  // Named by place and first line: "runs README.md:77 (curl -i --fail-with-body …) to a successful end".
  const label = (block: CodeBlock): string =>
    `${where(block)} (${block.code.split('\n', 1)[0]!.slice(0, 60)}${block.code.includes('\n') ? ' …' : ''})`;
  it.each(runnable.map((block) => [label(block), block] as const))('runs %s to a successful end', async (_label, block) => {
    const run = await runBlock(substitutePorts(block.code, ports), { cwd: REPO_ROOT, timeoutMs: 90_000 });
    expect(run.status, run.output).toBe(0);
  });

  it('the receiver prints the notifications the steps caused: the call answered and the incoming call', async () => {
    const printed = (): string => running.map((background) => background.output()).join('');
    const deadline = Date.now() + 30_000;
    while (!['SESSION_ESTABLISHMENT_SUCCESS', 'SESSION_ESTABLISHMENT_REQUEST'].every((event) => printed().includes(event))) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(printed()).toMatch(/IMS session \S+: SESSION_ESTABLISHMENT_SUCCESS/);
    expect(printed()).toMatch(/session \S+: SESSION_ESTABLISHMENT_REQUEST from tel:\+4930123456 to sip:bob@example.com/);
  });
});
