import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { Cause, type CauseName } from '../http/problem.js';

/** The module the server takes the cause catalogue from. */
const SERVER_CATALOGUE = fileURLToPath(new URL('../http/problem.ts', import.meta.url));

/**
 * The Markdown table of the cause catalogue, by status: cause, status, title, and the doc
 * comment of the cause in the catalogue ("Ours: …", "Provisional …"), which is where its origin
 * and its use are written once.
 */
export function errorCausesTable(): string {
  const { comments } = causeCatalogueSource();
  const names = (Object.keys(Cause) as CauseName[]).sort((a, b) => Cause[a].status - Cause[b].status);
  const rows = names.map(
    (name) => `| \`${name}\` | ${Cause[name].status} | ${Cause[name].title} | ${(comments.get(name) ?? '').replace(/\|/g, '\\|')} |`,
  );
  return ['| cause | status | title | origin and use |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * The file that declares the `Cause` literal the server uses, found by following its imports and
 * re-exports from the server's problem.ts (the catalogue may live in another package), and the
 * doc comment of each cause in it.
 */
export function causeCatalogueSource(start = SERVER_CATALOGUE): { file: string; comments: Map<string, string> } {
  const pending = [start];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const path = pending.shift()!;
    if (visited.has(path)) continue;
    visited.add(path);
    const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const literal = causeLiteral(file);
    if (literal !== undefined) return { file: path, comments: memberComments(literal, file) };
    for (const specifier of modulesNamingCause(file)) pending.push(resolveSource(specifier, path));
  }
  throw new Error(`no "const Cause = { … }" found from ${start} through its imports and re-exports`);
}

function causeLiteral(file: ts.SourceFile): ts.ObjectLiteralExpression | undefined {
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'Cause' && node.initializer !== undefined)
      found ??= objectLiteralOf(node.initializer);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The modules a file imports `Cause` from or re-exports it from (`export *` included). */
function modulesNamingCause(file: ts.SourceFile): string[] {
  const specifiers: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.some((element) => element.name.text === 'Cause'))
        specifiers.push(statement.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const clause = statement.exportClause;
      if (clause === undefined || (ts.isNamedExports(clause) && clause.elements.some((element) => element.name.text === 'Cause')))
        specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** The TypeScript source of a module specifier: `./x.js` is `./x.ts`; a package resolves through its exports. */
function resolveSource(specifier: string, from: string): string {
  if (specifier.startsWith('.')) {
    const path = resolve(dirname(from), specifier);
    const source = path.replace(/\.js$/, '.ts');
    return existsSync(source) ? source : path;
  }
  return createRequire(from).resolve(specifier);
}

/** The doc comment of each member of an object literal, as one line of text. */
function memberComments(literal: ts.ObjectLiteralExpression, file: ts.SourceFile): Map<string, string> {
  const comments = new Map<string, string>();
  for (const member of literal.properties) {
    if (!ts.isPropertyAssignment(member)) continue;
    const text = ts
      .getJSDocCommentsAndTags(member)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text !== '') comments.set(member.name.getText(file), text);
  }
  return comments;
}

/** The object literal under `as const`, `satisfies …` and parentheses. */
function objectLiteralOf(expression: ts.Expression): ts.ObjectLiteralExpression | undefined {
  if (ts.isObjectLiteralExpression(expression)) return expression;
  if (ts.isAsExpression(expression) || ts.isSatisfiesExpression(expression) || ts.isParenthesizedExpression(expression))
    return objectLiteralOf(expression.expression);
  return undefined;
}
