import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** A JSON schema object as an OpenAPI 3.0 document writes it. */
export type Schema = { readonly [keyword: string]: unknown };

/** A bundled (single-file) OpenAPI document, parsed. */
export interface SpecDocument {
  /** The file name under specs/bundled/. */
  file: string;
  doc: { readonly [key: string]: unknown };
}

/** The bundled specs the checks and the fuzz tests derive their requests from and judge answers by. */
export const BUNDLED = {
  callControl: 'TS29392_MMTel_CallControl.bundled.yaml',
  callEvent: 'TS29392_MMTel_CallEvent.bundled.yaml',
  callControlCallbacks: 'TS29392_MMTel_CallControl.callbacks.bundled.yaml',
  callEventCallbacks: 'TS29392_MMTel_CallEvent.callbacks.bundled.yaml',
} as const;

/**
 * The compiled package (dist/*.js, as published) reads the copy its build places in dist/specs/;
 * the TypeScript sources (tests, tsx) read the repository's specs/bundled/, which `pnpm generate`
 * writes. A source module's URL ends in `.ts`, a compiled one's in `.js`.
 */
const bundledDir = import.meta.url.endsWith('.ts')
  ? new URL('../../../../specs/bundled/', import.meta.url)
  : new URL('./specs/', import.meta.url);
const loaded = new Map<string, SpecDocument>();

/** Reads and parses one of specs/bundled/*.bundled.yaml (once per process). */
export function loadSpec(file: string): SpecDocument {
  let spec = loaded.get(file);
  if (spec === undefined) {
    spec = { file, doc: parse(readFileSync(fileURLToPath(new URL(file, bundledDir)), 'utf8')) as SpecDocument['doc'] };
    loaded.set(file, spec);
  }
  return spec;
}

/** Follows a local `$ref` (`#/components/schemas/X`) inside `spec`. */
export function resolvePointer(spec: SpecDocument, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`${spec.file}: only local $refs are supported, got ${ref}`);
  let node: unknown = spec.doc;
  for (const token of ref.slice(2).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  if (typeof node !== 'object' || node === null) throw new Error(`${spec.file}: $ref ${ref} leads nowhere`);
  return node as Schema;
}

/** A component schema by name. */
export function componentSchema(spec: SpecDocument, name: string): Schema {
  return resolvePointer(spec, `#/components/schemas/${name}`);
}

/** The request body of an operation as the spec declares it. */
export interface RequestBody {
  required: boolean;
  /** Declared media types, e.g. `application/merge-patch+json`. */
  contentTypes: string[];
  /** The schema of the first declared media type (the specs declare one per operation). */
  schema: Schema;
}

/** One operation (or receiver-side callback path) of a bundled spec. */
export interface Operation {
  spec: SpecDocument;
  operationId: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET';
  /** The path template as written in the spec, e.g. `/ims-sessions/{sessionId}`. */
  path: string;
  /** The path of the first server URL without `{apiRoot}`/`{notificationRoot}`, e.g. `/mmtel-callcontrol/v1`. */
  basePath: string;
  pathParams: string[];
  body: RequestBody | undefined;
  /** The 2xx statuses the operation declares. */
  successStatuses: number[];
  /** Every status the operation declares (`default` excluded). */
  declaredStatuses: number[];
  /** The JSON body schema the operation declares for a status, if any. */
  responseSchema(status: number): Schema | undefined;
  /** The headers the operation's response with `status` must carry (`required: true`), lower case. */
  requiredHeaders(status: number): string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Every operation of a bundled spec, in document order. */
export function operationsOf(spec: SpecDocument): Operation[] {
  const servers = spec.doc.servers as Array<{ url: string }> | undefined;
  const basePath = (servers?.[0]?.url ?? '').replace(/^\{[^}]+\}/, '');
  const paths = (spec.doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (op === undefined) continue;
      const requestBody = op.requestBody as { required?: boolean; content?: Record<string, { schema?: Schema }> } | undefined;
      const content = Object.entries(requestBody?.content ?? {});
      const responses = (op.responses ?? {}) as Record<string, Schema>;
      const statuses = Object.keys(responses)
        .filter((code) => /^\d{3}$/.test(code))
        .map(Number);
      operations.push({
        spec,
        operationId: String(op.operationId),
        method: method.toUpperCase() as Operation['method'],
        path,
        basePath,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        body:
          content.length === 0
            ? undefined
            : {
                required: requestBody?.required === true,
                contentTypes: content.map(([type]) => type),
                schema: content[0]![1].schema ?? {},
              },
        successStatuses: statuses.filter((s) => s >= 200 && s < 300),
        declaredStatuses: statuses,
        responseSchema(status) {
          const content = (responseOf(spec, responses, status)?.content ?? {}) as Record<string, { schema?: Schema }>;
          return Object.values(content)[0]?.schema;
        },
        requiredHeaders(status) {
          const headers = (responseOf(spec, responses, status)?.headers ?? {}) as Record<string, { required?: boolean }>;
          return Object.entries(headers)
            .filter(([, header]) => header.required === true)
            .map(([name]) => name.toLowerCase());
        },
      });
    }
  }
  return operations;
}

/** The response object an operation declares for `status`, its `$ref` followed. */
function responseOf(spec: SpecDocument, responses: Record<string, Schema>, status: number): Schema | undefined {
  const response = responses[String(status)];
  return typeof response?.$ref === 'string' ? resolvePointer(spec, response.$ref) : response;
}

/** The operation with `operationId` in `spec`; throws when the spec has none (the spec changed). */
export function operationById(spec: SpecDocument, operationId: string): Operation {
  const op = operationsOf(spec).find((o) => o.operationId === operationId);
  if (op === undefined) throw new Error(`${spec.file} has no operation ${operationId}`);
  return op;
}
