import type { BundledApi } from './bundle.js';
import { replyUnion } from './emit-callbacks.js';
import type { OperationInfo } from './openapi-model.js';

/**
 * The server's handler contract: per operation, the typed request parts and the union of typed
 * replies (one per documented status), and a `Handlers` type keyed by operationId, so that
 * `{ … } satisfies Handlers<Ctx>` fails to compile when an operation has no handler.
 */
export function emitHandlers(apis: BundledApi[], typesModule: (apiKey: string) => string): string {
  const imports: string[] = [];
  const blocks: string[] = [];
  const members: string[] = [];
  for (const api of apis) {
    const ops = `${api.source.pascal}Operations`;
    imports.push(`import type { operations as ${ops} } from '${typesModule(api.source.key)}';`);
    for (const op of api.document.operations()) {
      const opType = `${ops}[${JSON.stringify(op.operationId)}]`;
      const where = `${op.method} ${api.document.basePath}${op.path}`;
      blocks.push(
        [
          `/** Request parts of ${op.operationId} (${where}). */`,
          `export interface ${op.operationId}Request {`,
          ...requestMembers(op, opType),
          `}`,
          `/** The documented answers of ${op.operationId}, one per response code. */`,
          `export type ${op.operationId}Reply =${replyUnion(opType, op.responses, 0)};`,
        ].join('\n'),
      );
      members.push(
        `  /** ${op.summary || op.operationId} (${where}) */`,
        // A function-typed property, not a method: handlers are plain functions (one module each),
        // passed around unbound, and checked contravariantly in their request (strictFunctionTypes).
        `  ${op.operationId}: (request: ${op.operationId}Request, context: Context) => Promise<${op.operationId}Reply>;`,
      );
    }
  }
  return [
    ...imports,
    '',
    blocks.join('\n\n'),
    '',
    `/** One handler per operationId; \`Context\` is what the server passes every handler. */`,
    `export interface Handlers<Context> {`,
    ...members,
    `}`,
    '',
    `/** The operationId of any served operation. */`,
    `export type OperationId = keyof Handlers<unknown>;`,
    '',
  ].join('\n');
}

function requestMembers(op: OperationInfo, opType: string): string[] {
  const members = [op.pathParams.length > 0 ? `  params: ${opType}["parameters"]["path"];` : `  params: Record<string, never>;`];
  if (op.queryParams.length > 0) members.push(`  query: NonNullable<${opType}["parameters"]["query"]>;`);
  const [contentType, ...others] = op.requestContentTypes;
  if (contentType !== undefined) {
    if (others.length > 0) throw new Error(`${op.operationId}: several request content types are not supported by the handler contract`);
    members.push(`  body${op.bodyRequired ? '' : '?'}: NonNullable<${opType}["requestBody"]>["content"][${JSON.stringify(contentType)}];`);
  }
  return members;
}

/**
 * The runtime operation table: the server uses it to route handlers, enforce the declared
 * request content types (415) and set each reply's content type.
 */
export function emitOperationTable(apis: BundledApi[]): string {
  const lines: string[] = [];
  for (const api of apis) {
    for (const op of api.document.operations()) {
      const responses: Record<string, { contentType: string | null; headers: string[] }> = {};
      for (const r of op.responses) responses[String(r.status)] = { contentType: r.contentType, headers: r.headers.map((h) => h.name) };
      lines.push(
        `  ${op.operationId}: {`,
        `    api: ${JSON.stringify(api.source.key)},`,
        `    basePath: ${JSON.stringify(api.document.basePath)},`,
        `    method: ${JSON.stringify(op.method)},`,
        `    path: ${JSON.stringify(op.path)},`,
        `    requestContentTypes: ${JSON.stringify(op.requestContentTypes)},`,
        `    bodyRequired: ${op.bodyRequired},`,
        `    responses: ${JSON.stringify(responses)},`,
        `  },`,
      );
    }
  }
  return [
    `import type { OperationId } from './handlers.gen.js';`,
    '',
    `/** What the server needs to know of one operation at run time. */`,
    `export interface OperationDefinition {`,
    `  readonly api: string;`,
    `  /** The API's path under {apiRoot}, e.g. \`/mmtel-callcontrol/v1\`. */`,
    `  readonly basePath: string;`,
    `  readonly method: string;`,
    `  /** The path relative to basePath, in OpenAPI template form. */`,
    `  readonly path: string;`,
    `  readonly requestContentTypes: readonly string[];`,
    `  readonly bodyRequired: boolean;`,
    `  /** Keyed by status code or \`default\`. */`,
    `  readonly responses: Readonly<Record<string, { readonly contentType: string | null; readonly headers: readonly string[] }>>;`,
    `}`,
    '',
    `/** Every served operation, keyed by operationId. */`,
    `export const operations = {`,
    ...lines,
    `} as const satisfies Record<OperationId, OperationDefinition>;`,
    '',
  ].join('\n');
}

/** A first handler module for an operation that has none yet; never written over an existing file. */
export function handlerScaffold(op: OperationInfo, where: string): string {
  return [
    `import type { HandlerContext } from '../handler-context.js';`,
    `import type { ${op.operationId}Reply, ${op.operationId}Request } from '../generated/handlers.gen.js';`,
    '',
    `/** ${op.summary || op.operationId} (${where}). */`,
    `export async function ${op.operationId}(_request: ${op.operationId}Request, _context: HandlerContext): Promise<${op.operationId}Reply> {`,
    `  // Scaffolded by pnpm generate for a new operation: implement it, then add it to handlers/index.ts.`,
    `  throw new Error('${op.operationId} is not implemented yet');`,
    `}`,
    '',
  ].join('\n');
}
