import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';

const bundled = (file: string) => fileURLToPath(new URL(`../../../specs/bundled/${file}`, import.meta.url));

/** The generated single-file specs Prism validates against (never edited, see `deriveProxySpec`). */
export const BUNDLED_SPECS = {
  callControl: bundled('TS29392_MMTel_CallControl.bundled.yaml'),
  callEvent: bundled('TS29392_MMTel_CallEvent.bundled.yaml'),
  /** The receiver side: each callback of the API is a path (`/ims-session-notification`). */
  callControlCallbacks: bundled('TS29392_MMTel_CallControl.callbacks.bundled.yaml'),
  callEventCallbacks: bundled('TS29392_MMTel_CallEvent.callbacks.bundled.yaml'),
} as const;

/** The parts of an OpenAPI 3.0 document that the derivation touches; everything else is carried over as is. */
export interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  servers?: { url: string }[];
  security?: Record<string, string[]>[];
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The single document Prism validates against, derived from bundled specs (which stay
 * untouched). Prism takes one document, routes on the request path alone (it ignores the path
 * part of `servers`) and compiles schemas with Ajv in Unicode mode, so the copy:
 * - prefixes every path with the path part of its document's server URL
 *   (`{apiRoot}/mmtel-callcontrol/v1` + `/ims-sessions`), so that one Prism serves several APIs
 *   at the URLs the client and the server really use;
 * - moves each document's top-level `security` onto its operations, since the documents differ;
 * - renames a component whose name another document uses for a different definition (the TS 29.122
 *   and TS 29.571 `ProblemDetails` are both called `ProblemDetails`);
 * - rewrites patterns that are invalid in Unicode mode (see `unicodePattern`). Prism swallows the
 *   compile error of such a schema and then validates NOTHING against it: with the 3GPP
 *   `ImsPublicId` pattern every ImsSession body passed unchecked.
 * `tokenUrl: '{tokenUrl}'` and `security: [{}, …]` are kept: Prism accepts both.
 */
export async function deriveProxySpec(files: readonly string[]): Promise<OpenApiDocument> {
  const documents = await Promise.all(files.map(async (file) => parse(await readFile(file, 'utf8')) as OpenApiDocument));
  const merged: OpenApiDocument = {
    openapi: '3.0.0',
    info: { title: 'Prism proxy view of the MMTel specs', version: '0' },
    paths: {},
    components: {},
  };
  documents.forEach((document, index) => mergeInto(merged, withUniqueComponentNames(document, merged, index), basePath(document)));
  rewritePatterns(merged);
  return merged;
}

/** `/mmtel-callcontrol/v1` of `{apiRoot}/mmtel-callcontrol/v1`; '' for `{notificationRoot}`. */
export function basePath(document: OpenApiDocument): string {
  const url = document.servers?.[0]?.url ?? '';
  const path = url.replace(/^(\{[^}]+\}|[a-z]+:\/\/[^/]+)/i, '');
  return path.replace(/\/$/, '');
}

function mergeInto(merged: OpenApiDocument, document: OpenApiDocument, prefix: string): void {
  for (const [path, item] of Object.entries(document.paths)) {
    const target = `${prefix}${path}`;
    if (merged.paths[target] !== undefined) throw new Error(`two documents define the path ${target}`);
    const copy: Record<string, unknown> = { ...item };
    if (document.security !== undefined) {
      for (const method of METHODS) {
        const operation = copy[method] as Record<string, unknown> | undefined;
        if (operation !== undefined && operation.security === undefined) copy[method] = { ...operation, security: document.security };
      }
    }
    merged.paths[target] = copy;
  }
  for (const [section, entries] of Object.entries(document.components ?? {})) {
    const into = ((merged.components ??= {})[section] ??= {});
    for (const [name, definition] of Object.entries(entries)) into[name] = definition;
  }
}

/**
 * The document with every component that clashes with a different one already merged renamed
 * `<name>_<index>`. A component written the same way but referring to a renamed one differs too
 * (both APIs' `responses/400` say `$ref: ProblemDetails`, meaning different schemas).
 */
function withUniqueComponentNames(document: OpenApiDocument, merged: OpenApiDocument, index: number): OpenApiDocument {
  const renames = new Map<string, string>();
  const clashing: [ref: string, definition: unknown][] = [];
  for (const [section, entries] of Object.entries(document.components ?? {})) {
    for (const [name, definition] of Object.entries(entries)) {
      const existing = merged.components?.[section]?.[name];
      if (existing === undefined) continue;
      const ref = `#/components/${section}/${name}`;
      clashing.push([ref, definition]);
      if (!isDeepStrictEqual(existing, definition)) renames.set(ref, `${ref}_${index}`);
    }
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const [ref, definition] of clashing) {
      if (!renames.has(ref) && refersToAny(definition, renames)) {
        renames.set(ref, `${ref}_${index}`);
        grew = true;
      }
    }
  }
  if (renames.size === 0) return document;
  if ([...renames.keys()].some((ref) => ref.startsWith('#/components/securitySchemes/')))
    throw new Error('conflicting securitySchemes cannot be renamed');
  const renamed = structuredClone(document);
  for (const [from, to] of renames) {
    const [section, name] = from.split('/').slice(2) as [string, string];
    const entries = renamed.components![section]!;
    entries[to.split('/').pop()!] = entries[name];
    delete entries[name];
  }
  visit(renamed, (node) => {
    const ref = node.$ref;
    if (typeof ref === 'string' && renames.has(ref)) node.$ref = renames.get(ref);
  });
  return renamed;
}

function refersToAny(definition: unknown, refs: ReadonlyMap<string, string>): boolean {
  let found = false;
  visit(definition, (node) => {
    if (typeof node.$ref === 'string' && refs.has(node.$ref)) found = true;
  });
  return found;
}

function rewritePatterns(document: OpenApiDocument): void {
  visit(document, (node) => {
    if (typeof node.pattern === 'string' && (typeof node.type === 'string' || node.type === undefined))
      node.pattern = unicodePattern(node.pattern);
  });
}

/**
 * The same regular expression, written so that it also compiles in Unicode mode. The 3GPP
 * ImsPublicId pattern escapes `:` and `@`, which plain mode reads as the characters themselves
 * and Unicode mode rejects; dropping such identity escapes of non-syntax characters keeps the
 * meaning. Throws if the result still does not compile, rather than let Prism skip the schema.
 */
export function unicodePattern(pattern: string): string {
  if (compiles(pattern)) return pattern;
  const rewritten = pattern.replace(/\\(.)/g, (escape, char: string) => (/[\w\s^$\\.*+?()[\]{}|/-]/.test(char) ? escape : char));
  if (!compiles(rewritten)) throw new Error(`pattern ${pattern} cannot be written for Unicode mode`);
  return rewritten;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function visit(node: unknown, action: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, action);
  } else if (node !== null && typeof node === 'object') {
    action(node as Record<string, unknown>);
    for (const value of Object.values(node)) visit(value, action);
  }
}
