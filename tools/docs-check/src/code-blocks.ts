/*
 * The fenced code blocks of a Markdown document, with what the comments right above each fence
 * ask of it. A directive is an HTML comment (invisible once rendered) on the lines directly
 * before the opening fence:
 *
 *   <!-- docs-check: run -->                 run the block (sh) against the reference server
 *   <!-- docs-check: background "ready" -->  start it and keep it running; ready once it prints "ready"
 *   <!-- docs-check: server -->              the command that starts the server: its variables are used
 *   <!-- docs-check: source <path> -->       the block shows that file of the repository, verbatim
 *   <!-- docs-check: given                   code the block takes as given (declarations, imports),
 *   declare const app: FastifyInstance;      compiled before it but not shown to the reader
 *   -->
 */

/** What a directive comment asks of the block below it. */
export type Directive =
  | { kind: 'run' }
  | { kind: 'background'; ready: string }
  | { kind: 'server' }
  | { kind: 'source'; path: string }
  | { kind: 'given'; code: string };

/** One fenced code block of a document. */
export interface CodeBlock {
  /** Repository-relative path of the document. */
  document: string;
  /** 1-based line of the block's first line of code. */
  line: number;
  /** The first word of the info string (`ts`, `sh`), empty when there is none. */
  lang: string;
  code: string;
  directives: Directive[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const DIRECTIVE_START = /^\s*<!--\s*docs-check:/;
const DIRECTIVE = /^\s*<!--\s*docs-check:\s*([a-z]+)([^\n]*)\n?([\s\S]*)$/;

/** Parses one directive comment (its lines joined by newlines); throws on an unknown kind. */
export function parseDirective(comment: string, where: string): Directive {
  const match = DIRECTIVE.exec(comment.replace(/-->\s*$/, ''));
  if (match === null) throw new Error(`${where}: not a docs-check directive: ${comment}`);
  const [, kind, firstLine, following] = match as unknown as [string, string, string, string];
  const argument = firstLine.trim();
  switch (kind) {
    case 'run':
    case 'server':
      return { kind };
    case 'background': {
      const ready = /^"([^"]+)"$/.exec(argument)?.[1];
      if (ready === undefined) throw new Error(`${where}: "background" needs the text that says it is ready, in double quotes`);
      return { kind, ready };
    }
    case 'source':
      if (argument === '') throw new Error(`${where}: "source" needs the path of the file the block shows`);
      return { kind, path: argument };
    case 'given':
      return { kind, code: [argument, following.trimEnd()].filter((part) => part.trim() !== '').join('\n') };
    default:
      throw new Error(`${where}: unknown docs-check directive "${kind}" (run, background, server, source, given)`);
  }
}

/** Every fenced code block of `markdown`, in order, with the directives written right above it. */
export function codeBlocks(markdown: string, document: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let pending: Directive[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const directive = DIRECTIVE_START.exec(line);
    if (directive !== null) {
      const start = index;
      while (!lines[index]!.includes('-->')) {
        index++;
        if (index === lines.length) throw new Error(`${document}:${start + 1}: docs-check comment without its closing -->`);
      }
      pending.push(parseDirective(lines.slice(start, index + 1).join('\n'), `${document}:${start + 1}`));
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence === null) {
      pending = [];
      continue;
    }
    const [, indent, marker, lang] = fence as unknown as [string, string, string, string];
    const firstLine = index + 2;
    const body: string[] = [];
    for (index++; index < lines.length && !isClosing(lines[index]!, marker); index++) body.push(stripIndent(lines[index]!, indent.length));
    blocks.push({ document, line: firstLine, lang, code: body.join('\n'), directives: pending });
    pending = [];
  }
  return blocks;
}

function isClosing(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.startsWith(marker) && trimmed.replace(/[`~]/g, '') === '';
}

function stripIndent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && line[cut] === ' ') cut++;
  return line.slice(cut);
}

/** The directive of a kind a block carries, if any. */
export function directiveOf<K extends Directive['kind']>(block: CodeBlock, kind: K): Extract<Directive, { kind: K }> | undefined {
  return block.directives.find((directive): directive is Extract<Directive, { kind: K }> => directive.kind === kind);
}

/** Whether the block is TypeScript. */
export function isTypeScript(block: CodeBlock): boolean {
  return block.lang === 'ts' || block.lang === 'typescript';
}
