import { stringify } from './yaml.js';
import type { BundledApi } from './bundle.js';
import { type CallbackInfo, type Json, type JsonObject, kebab, mapRefs, type ResponseInfo } from './openapi-model.js';

/**
 * The receiver-side view of an API: every callback becomes a path the Application Server serves
 * (`POST /<callback-name>`), so that ordinary tools (openapi-typescript, Prism) see notifications.
 */
export function callbacksDocument(api: BundledApi): JsonObject | null {
  const paths: JsonObject = {};
  for (const op of api.document.operations()) {
    for (const cb of op.callbacks) {
      paths[callbackPath(cb)] = { [cb.method.toLowerCase()]: cb.operation };
    }
  }
  if (Object.keys(paths).length === 0) return null;
  const { doc } = api.document;
  const info = doc.info as JsonObject;
  return {
    openapi: doc.openapi ?? '3.0.0',
    info: {
      title: `${api.document.title} notifications`,
      version: info.version ?? '1.0.0',
      description: `The notifications of ${api.document.title}, each callback of ${api.source.spec} served as a path of the notification receiver (the Application Server).`,
    },
    servers: [
      {
        url: '{notificationRoot}',
        variables: {
          notificationRoot: { default: 'http://localhost', description: 'Where the Application Server serves its notification endpoints.' },
        },
      },
    ],
    paths,
    components: doc.components ?? {},
  };
}

/** The path a callback gets in the receiver-side document. */
export function callbackPath(cb: CallbackInfo): string {
  return `/${kebab(cb.name)}`;
}

export function callbacksYaml(doc: JsonObject): string {
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * The typed table of every callback: name, URI expression, method, request body type and
 * JSON schema, allowed response codes and their headers. The server's notification sender
 * validates with it before sending; the AS receiver validates and routes with it.
 */
export function emitCallbackTable(apis: BundledApi[]): string {
  const imports: string[] = [];
  const entries: string[] = [];
  const bodyTypes: string[] = [];
  const replyTypes: string[] = [];
  for (const api of apis) {
    const callbacks = api.document.operations().flatMap((op) => op.callbacks.map((cb) => ({ op, cb })));
    if (callbacks.length === 0) continue;
    const ops = `${api.source.pascal}CallbackOperations`;
    imports.push(`import type { operations as ${ops} } from './${api.source.key}-callbacks.gen.js';`);
    for (const { op, cb } of callbacks) {
      const schemaNames = [...api.document.reachableSchemas(cb.requestSchema)].sort();
      const definitions: JsonObject = {};
      for (const name of schemaNames) definitions[name] = toDefinitions(api.document.schemas[name]!);
      const requestBodySchema: JsonObject = { allOf: [toDefinitions(cb.requestSchema)], definitions };
      entries.push(
        [
          `  /** ${cb.method} ${cb.expression}: sent to the ${api.document.title} consumer, set up by ${op.operationId}. */`,
          `  ${cb.name}: {`,
          `    name: ${JSON.stringify(cb.name)},`,
          `    api: ${JSON.stringify(api.source.key)},`,
          `    operationId: ${JSON.stringify(cb.operationId)},`,
          `    createdBy: ${JSON.stringify(op.operationId)},`,
          `    uriExpression: ${JSON.stringify(cb.expression)},`,
          `    method: ${JSON.stringify(cb.method)},`,
          `    receiverPath: ${JSON.stringify(callbackPath(cb))},`,
          `    requestContentType: ${JSON.stringify(cb.requestContentType)},`,
          `    requestBodySchema: ${indent(JSON.stringify(requestBodySchema, null, 2), 4)},`,
          `    responses: ${indent(JSON.stringify(responseTable(cb.responses), null, 2), 4)},`,
          `  },`,
        ].join('\n'),
      );
      const opType = `${ops}[${JSON.stringify(cb.operationId)}]`;
      bodyTypes.push(`  ${cb.name}: ${opType}["requestBody"]["content"][${JSON.stringify(cb.requestContentType)}];`);
      replyTypes.push(`  ${cb.name}: ${replyUnion(opType, cb.responses, 2)};`);
    }
  }
  return [
    ...imports,
    '',
    `/** One response code a callback's receiver may answer. */`,
    `export interface CallbackResponseDefinition {`,
    `  /** Content type of the body, or null when the response has none. */`,
    `  readonly contentType: string | null;`,
    `  readonly headers: readonly { readonly name: string; readonly required: boolean }[];`,
    `}`,
    '',
    `/** What the generator knows of one callback. */`,
    `export interface CallbackDefinition {`,
    `  readonly name: string;`,
    `  readonly api: string;`,
    `  readonly operationId: string;`,
    `  /** The operation whose request sets the callback up. */`,
    `  readonly createdBy: string;`,
    `  /** The callback key: a runtime expression or a locally configured URI variable. */`,
    `  readonly uriExpression: string;`,
    `  readonly method: string;`,
    `  /** The path of this callback in the receiver-side spec (\`*.callbacks.bundled.yaml\`). */`,
    `  readonly receiverPath: string;`,
    `  readonly requestContentType: string;`,
    `  /** Self-contained JSON schema (draft-07 with OpenAPI \`nullable\`) of the request body. */`,
    `  readonly requestBodySchema: Readonly<Record<string, unknown>>;`,
    `  /** Keyed by status code or \`default\`. */`,
    `  readonly responses: Readonly<Record<string, CallbackResponseDefinition>>;`,
    `}`,
    '',
    `/** Every callback of every API, keyed by callback name. */`,
    `export const callbacks = {`,
    ...entries,
    `} as const satisfies Record<string, CallbackDefinition>;`,
    '',
    `/** The name of a callback. */`,
    `export type CallbackName = keyof typeof callbacks;`,
    '',
    `/** The request body type of each callback. */`,
    `export interface CallbackRequestBodies {`,
    ...bodyTypes,
    `}`,
    '',
    `/** The answers a receiver may give to each callback (the \`default\` response excluded). */`,
    `export interface CallbackReplies {`,
    ...replyTypes,
    `}`,
    '',
  ].join('\n');
}

/** `$ref: '#/components/schemas/X'` → `$ref: '#/definitions/X'`, the form Ajv resolves in a standalone schema. */
function toDefinitions(schema: Json): Json {
  return mapRefs(schema, (ref) => ref.replace(/^#\/components\/schemas\//, '#/definitions/'));
}

function responseTable(
  responses: ResponseInfo[],
): Record<string, { contentType: string | null; headers: { name: string; required: boolean }[] }> {
  const table: Record<string, { contentType: string | null; headers: { name: string; required: boolean }[] }> = {};
  for (const r of responses)
    table[String(r.status)] = { contentType: r.contentType, headers: r.headers.map((h) => ({ name: h.name, required: h.required })) };
  return table;
}

/**
 * A union of `{ status; headers?; body? }` replies, one per declared response code, with the
 * body type taken from the openapi-typescript operation type. Shared by the callback table and
 * the server's handler contract.
 */
export function replyUnion(opType: string, responses: ResponseInfo[], depth: number): string {
  const pad = ' '.repeat(depth + 2);
  const documented = responses.filter((r) => r.status !== 'default');
  // An operation documented by `default` alone (a 3GPP pseudo operation) may answer any status.
  if (documented.length === 0)
    return responses.length === 0 ? 'never' : ' { status: number; headers?: Record<string, string>; body?: unknown }';
  const members = documented.map((r) => {
    const parts = [`status: ${r.status}`];
    if (r.headers.length > 0) {
      const headers = r.headers.map((h) => `${JSON.stringify(h.name)}${h.required ? '' : '?'}: ${h.tsType}`).join('; ');
      parts.push(`headers${r.headers.some((h) => h.required) ? '' : '?'}: { ${headers} }`);
    }
    if (r.contentType !== null) parts.push(`body: ${opType}["responses"][${r.status}]["content"][${JSON.stringify(r.contentType)}]`);
    return `${pad}| { ${parts.join('; ')} }`;
  });
  return `\n${members.join('\n')}`;
}

function indent(text: string, spaces: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(spaces)}`);
}
