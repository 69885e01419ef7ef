import { describe, expect, it } from 'vitest';
import { codeBlocks } from '../src/code-blocks.js';
import { serverEnvironment, substitutePorts } from '../src/runnable-blocks.js';

describe('code blocks of a document', () => {
  it('reads the language, the code and the line of its first line of code', () => {
    const [block] = codeBlocks(['# Title', '', '```ts', 'const a = 1;', 'a;', '```', ''].join('\n'), 'doc.md');
    expect(block).toEqual({ document: 'doc.md', line: 4, lang: 'ts', code: 'const a = 1;\na;', directives: [] });
  });

  it('attaches the directive comments written right above a fence to its block', () => {
    const markdown = ['<!-- docs-check: run -->', '<!-- docs-check: background "ready" -->', '```sh', 'echo ready', '```'].join('\n');
    expect(codeBlocks(markdown, 'doc.md')[0]!.directives).toEqual([{ kind: 'run' }, { kind: 'background', ready: 'ready' }]);
  });

  it('takes the lines of a given directive as code that the block may use without showing it', () => {
    const markdown = ['<!-- docs-check: given', 'declare const app: unknown;', '-->', '```ts', 'app;', '```'].join('\n');
    expect(codeBlocks(markdown, 'doc.md')[0]!.directives).toEqual([{ kind: 'given', code: 'declare const app: unknown;' }]);
  });

  it('forgets a directive that text separates from the fence', () => {
    const markdown = ['<!-- docs-check: run -->', 'Some prose.', '```sh', 'rm -rf /', '```'].join('\n');
    expect(codeBlocks(markdown, 'doc.md')[0]!.directives).toEqual([]);
  });

  it('refuses an unknown directive, naming the document and the line', () => {
    expect(() => codeBlocks(['', '<!-- docs-check: runn -->', '```sh', '```'].join('\n'), 'doc.md')).toThrow(
      'doc.md:2: unknown docs-check directive "runn"',
    );
  });
});

describe('runnable blocks', () => {
  it('replaces a documented port where it stands as a whole number only', () => {
    expect(
      substitutePorts(
        'curl http://127.0.0.1:8080/x 18080 receive 9000',
        new Map([
          [8080, 41000],
          [9000, 42000],
        ]),
      ),
    ).toBe('curl http://127.0.0.1:41000/x 18080 receive 42000');
  });

  it('reads the variables a server start command sets', () => {
    expect(serverEnvironment('A_B=http://h:1/x C=2 npx -y pnpm@12.4.2 start')).toEqual({ A_B: 'http://h:1/x', C: '2' });
  });
});
