import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIABLES_LISTED_IN } from '../../src/config/read-environment.js';
import { foreignVariables, variables } from '../../src/config/variables.js';
import { findRegions, replaceRegions } from '../../src/docs/markdown-regions.js';
import { GENERATED_REGIONS, REPO_ROOT, referenceDocuments, staleDocuments } from '../../src/docs/reference-docs.js';
import { Cause } from '../../src/http/problem.js';

/** The content of every generated region of the reference documents, by id. */
function regions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of referenceDocuments()) {
    const markdown = readFileSync(file, 'utf8');
    for (const region of findRegions(markdown)) found.set(region.id, region.text);
  }
  return found;
}

/** The first cell of each body row of the Markdown tables in `text`, without its backquotes. */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\| `([^`]+)` \|/gm)].map(([, cell]) => cell!);
}

describe('the reference documentation', () => {
  it('holds the generated regions as pnpm docs:generate writes them', () => {
    const stale = staleDocuments().map((document) => `${document.path}: ${document.regions.join(', ')}`);
    expect(stale, `generated regions differ from their sources. To fix: pnpm docs:generate`).toEqual([]);
  });

  it('lists every configuration variable in a table, and no variable the schema lacks', () => {
    const configuration = GENERATED_REGIONS.filter((region) => region.id.startsWith('configuration')).map(
      (region) => regions().get(region.id) ?? '',
    );
    const documented = configuration.flatMap(firstCells);
    expect([...documented].sort()).toEqual(Object.keys(variables).sort());
  });

  it("names no MMTEL_ variable that is neither the server's nor another tool's", () => {
    const named = new Set(
      referenceDocuments().flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/\bMMTEL_[A-Z0-9_]*[A-Z0-9]\b/g)].map(([name]) => name),
      ),
    );
    expect([...named].filter((name) => !Object.hasOwn(variables, name) && !Object.hasOwn(foreignVariables, name))).toEqual([]);
  });

  it('has the configuration table in the section the message of an unknown variable points to', () => {
    const markdown = readFileSync(join(REPO_ROOT, VARIABLES_LISTED_IN.file), 'utf8');
    const region = findRegions(markdown).find((found) => found.id === 'configuration');
    expect(region, `no configuration region in ${VARIABLES_LISTED_IN.file}`).toBeDefined();
    const headingsBefore = markdown.slice(0, region!.from).match(/^#+ .*$/gm) ?? [];
    expect(headingsBefore.at(-1)?.replace(/^#+ /, '')).toBe(VARIABLES_LISTED_IN.section);
  });

  it('lists every cause of the catalogue in its error causes table, and no other', () => {
    const documented = firstCells(regions().get('error-causes') ?? '');
    expect([...documented].sort()).toEqual(Object.keys(Cause).sort());
  });

  it("gives each documented cause the catalogue's status and title", () => {
    const rows = [...(regions().get('error-causes') ?? '').matchAll(/^\| `([A-Z_]+)` \| (\d+) \| ([^|]+) \|/gm)].map(
      ([, cause, status, title]) => [cause, Number(status), title!.trim()],
    );
    expect(rows).toEqual(
      rows.map(([cause]) => [cause, Cause[cause as keyof typeof Cause].status, Cause[cause as keyof typeof Cause].title]),
    );
  });
});

describe('generated regions of Markdown', () => {
  const markdown = ['# Title', '', '<!-- generated: things -->', 'old', '<!-- /generated -->', '', 'hand-written', ''].join('\n');

  it('replaces the region and keeps the text around it', () => {
    const [region] = findRegions(markdown);
    expect(replaceRegions(markdown, [{ region: region!, text: '<!-- generated: things from x. -->\nnew\n' }])).toBe(
      ['# Title', '', '<!-- generated: things from x. -->', 'new', '<!-- /generated -->', '', 'hand-written', ''].join('\n'),
    );
  });

  it('finds an empty region', () => {
    expect(findRegions('<!-- generated: empty -->\n<!-- /generated -->\n').map((region) => region.text)).toEqual([
      '<!-- generated: empty -->\n',
    ]);
  });

  it('refuses a region that is not closed before the next one opens', () => {
    expect(() => findRegions('<!-- generated: a -->\nx\n<!-- generated: b -->\ny\n<!-- /generated -->\n')).toThrow(
      'the generated region "a" has no closing <!-- /generated -->',
    );
  });
});
